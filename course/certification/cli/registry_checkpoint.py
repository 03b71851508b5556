"""``mesocourse registry checkpoint [--sign] [--witness DIR]``: the registry's signed checkpoint.

Prints the issuer's latest signed checkpoint (sequence number, head hash, time)
and whether the registry still matches it. ``--witness DIR`` copies it, with the
public keys, into a folder someone else keeps (an auditor, a second site): a later
rewrite of the registry cannot change what the witness holds. ``--sign`` signs a
checkpoint of the current head now (e.g. after ``keys init`` on a registry that
already has records).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ..checkpoints import read_checkpoint, sign_checkpoint
from ..errors import CertificationError
from ..keys import Issuer, write_public
from .common import add_registry, course_of, open_registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    checkpoint = actions.add_parser("checkpoint", help="print, sign or export the signed checkpoint")
    checkpoint.add_argument("--sign", action="store_true", help="sign a checkpoint of the current chain head")
    checkpoint.add_argument("--witness", type=Path, metavar="DIR",
                            help="copy the checkpoint and the public keys into this folder")
    add_registry(checkpoint, writer=False)


def run(args: argparse.Namespace) -> int:
    issuer = Issuer(course_of(args).issuer_folder)
    with open_registry(args, create=False) as registry:  # refused if it disagrees with the checkpoint
        if args.sign:
            with registry.transaction() as tx:
                records = tx.records()
                if not records:
                    raise CertificationError(f"registry {registry.display_url} is empty: nothing to sign")
                write_public(issuer.checkpoint_file, sign_checkpoint(issuer, records[-1].seq, records[-1].hash) + "\n")
        records = registry.records()
    if not issuer.checkpoint_file.exists():
        raise CertificationError(f"no signed checkpoint at {issuer.checkpoint_file} (run `mesocourse keys init`, "
                                 "then any recording command, or `registry checkpoint --sign`)")
    checkpoint = read_checkpoint(issuer.checkpoint_file, issuer.public_keys())
    print(f"signed checkpoint: {checkpoint.describe()}")
    print(f"  registry {registry.display_url}: {len(records)} records, matches the checkpoint")
    print(f"  {issuer.checkpoint_file}:")
    print(issuer.checkpoint_file.read_text("utf-8").strip())
    if args.witness:
        args.witness.mkdir(parents=True, exist_ok=True)
        copy = args.witness / f"checkpoint-{checkpoint.seq:06d}.jwt"
        shutil.copyfile(issuer.checkpoint_file, copy)
        shutil.copyfile(issuer.jwks_file, args.witness / "jwks.json")
        print(f"  copied to {copy} (with jwks.json): verify later with "
              f"`mesocourse verify --registry --checkpoint {copy} --issuer-keys {args.witness / 'jwks.json'}`")
    return 0
