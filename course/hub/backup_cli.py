"""``mesocourse hub backup --out FILE`` and ``mesocourse hub restore FILE`` (see :mod:`.backup`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.errors import BAD_INPUT

from .backup import BackupError, backup, restore
from .state import HubState


def run(args: argparse.Namespace) -> int:
    state = HubState.at(args.state)
    try:
        if args.action == "backup":
            if not args.out:
                raise BackupError("say where the backup goes: mesocourse hub backup --out FILE.tar.gz")
            print(f"backup of {state.root}: {backup(state, Path(args.out))} (root only: it holds the signing key)")
        else:
            if not args.target:
                raise BackupError("give the backup to restore: mesocourse hub restore FILE.tar.gz")
            restored = restore(state, Path(args.target))
            print(f"restored {', '.join(restored)} into {state.root}; enrol people again with "
                  f"mesocourse hub add-instructor / add-trainees --state {state.root}")
    except BackupError as error:
        print(f"mesocourse hub {args.action}: {error}", file=sys.stderr)
        return BAD_INPUT
    return 0
