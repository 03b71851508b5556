"""``mesocourse keys init|rotate|show``: the issuing body's signing keys.

``init`` creates the first Ed25519 key (private, owner-only, in the issuer's
``keys/`` folder) and publishes its public key (``public/jwks.json``) and the
issuer profile (``public/issuer.json``); it refuses to overwrite existing keys.
``rotate`` signs from now on with a new key and keeps every old public key
published, so credentials and checkpoints signed before still verify.
"""

from __future__ import annotations

import argparse

from course.coursedir import ISSUER_ENV

from ..keys import Issuer
from .common import add_course, course_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="create the issuer's first key and publish the issuer profile")
    init.add_argument("--name", required=True, help="the issuing body's name, as on the certificates")
    init.add_argument("--url", required=True, metavar="URL",
                      help="where the clinic publishes its public/ folder (jwks.json, issuer.json, status list)")
    init.add_argument("--email", required=True, help="contact address for anyone verifying a certificate")
    for action in (init, actions.add_parser("rotate", help="sign with a new key from now on; old public keys stay"),
                   actions.add_parser("show", help="print the issuer profile and published key IDs")):
        add_course(action)
    parser.epilog = f"The issuer folder is DIR/certification, or ${ISSUER_ENV}."


def run(args: argparse.Namespace) -> int:
    issuer = Issuer(course_of(args).issuer_folder)
    if args.action == "init":
        kid = issuer.init(args.name, args.url, args.email)
        print(f"issuer key {kid} created in {issuer.keys_dir} (owner-only; back it up, never publish it)")
        print(f"publish {issuer.public_dir} at {args.url.rstrip('/')}/ (jwks.json, issuer.json)")
    elif args.action == "rotate":
        old, new = issuer.rotate()
        kept = f"{old} stays" if old else "the lost key's public part stays"
        print(f"now signing with {new}; {kept} published in {issuer.jwks_file} so what it signed still verifies")
    else:
        profile = issuer.profile()
        print(f"issuer: {profile['name']} <{profile['email']}> {profile['url']}")
        print(f"active key: {issuer.active_kid()}")
        print(f"published keys ({issuer.jwks_file}): {', '.join(k.kid for k in issuer.public_keys().keys)}")
    return 0
