"""The certificate verification page: static HTML and JavaScript that any web host can serve.

``verifier.js`` checks a credential in the browser (WebCrypto Ed25519), with only
what the issuer publishes beside it: ``jwks.json``, ``status-list.jwt``, ``issuer.json``
and ``credentials/`` (each credential under :func:`~course.certification.issuing.published_name`).
``mesocourse verifier --out DIR`` writes the page and a copy of those files into one
folder, which a clinic puts on its web site (at ``ISSUER_URL/verify/``, where the
certificates' QR codes point unless ``$MESOCOURSE_VERIFY_URL`` says otherwise); the
course server serves the very same page and the issuer's live files at
``/services/verify/`` (``course.hub.service.verify``). No server of ours decides
anything: the logic is written once, in ``verifier.js``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import CertificationError
from ..issuing import PUBLISHED_CREDENTIALS
from ..keys import Issuer

PAGE = Path(__file__).parent
PAGE_FILES = ("index.html", "verifier.js", "verifier.css")
ISSUER_FILES = ("jwks.json", "issuer.json", "status-list.jwt")


def write_verifier(issuer: Issuer, out: Path) -> list[Path]:
    """The page, the issuer's published files and its published credentials, copied into ``out``
    (credentials no longer published are removed from it); returns the files written."""
    missing = [name for name in ISSUER_FILES if not (issuer.public_dir / name).is_file()]
    if missing:
        raise CertificationError(f"{issuer.public_dir}: no {', '.join(missing)} yet (run `mesocourse keys init`, "
                                 "then `mesocourse certify`, which signs the status list)")
    if out.exists() and not out.is_dir():
        raise CertificationError(f"--out {out}: a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    written = [Path(shutil.copyfile(PAGE / name, out / name)) for name in PAGE_FILES]
    written += [Path(shutil.copyfile(issuer.public_dir / name, out / name)) for name in ISSUER_FILES]
    shutil.rmtree(out / PUBLISHED_CREDENTIALS, ignore_errors=True)
    (out / PUBLISHED_CREDENTIALS).mkdir()
    for credential in sorted((issuer.public_dir / PUBLISHED_CREDENTIALS).glob("*.jwt")):
        written.append(Path(shutil.copyfile(credential, out / PUBLISHED_CREDENTIALS / credential.name)))
    return written
