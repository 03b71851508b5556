"""``mesocourse verifier --out DIR``: the static certificate verification page, ready to publish."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..keys import Issuer
from ..verifier import write_verifier
from .common import add_course, course_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="folder to write the page and the issuer's published files into (created if needed)")
    add_course(parser)


def run(args: argparse.Namespace) -> int:
    written = write_verifier(Issuer(course_of(args).issuer_folder), args.out)
    credentials = len([path for path in written if path.parent.name == "credentials"])
    print(f"verification page written to {args.out}: {len(written) - credentials} files and "
          f"{credentials} credential(s).\n"
          f"Publish the folder as it is (any static web host, over https: WebCrypto needs a secure page); "
          f"run this again after each certify or revoke.")
    return 0
