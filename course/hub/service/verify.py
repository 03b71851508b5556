"""The public certificate verification page at ``/services/verify/``: no login.

A second, separate JupyterHub service (a page open to anyone cannot sit behind the
course service's hub login), with the same stack: Tornado, started by the hub as the
grader account. It serves the very page ``mesocourse verifier`` writes
(:mod:`course.certification.verifier`: the verdict is computed in the visitor's
browser by ``verifier.js``) and, beside it, the issuer's published files as they are
now (``jwks.json``, ``issuer.json``, ``status-list.jwt``, ``credentials/``), so a
revocation shows at the next visit. It reads nothing else: no registry, no key.
Certificates issued on the course server point their QR codes here
(``HubSettings.verify_page``, set for every course command run on the hub).
"""

from __future__ import annotations

import os

from tornado import web

from course.certification.issuing import PUBLISHED_CREDENTIALS
from course.certification.verifier import ISSUER_FILES, PAGE, PAGE_FILES
from course.hub.state import VERIFY_SERVICE

PREFIX = f"/services/{VERIFY_SERVICE}/"
ISSUER_FOLDER_ENV = "MESOCOURSE_ISSUER_PUBLIC"


class PublicFile(web.StaticFileHandler):
    """A published file, never cached: the status list changes when a certificate is revoked."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")  # the query holds the certificate's code


def make_app(public: str, prefix: str = PREFIX) -> web.Application:
    """The page under ``prefix``, the issuer's published files (folder ``public``) beside it."""
    page = "|".join(name.replace(".", r"\.") for name in PAGE_FILES)
    published = "|".join(name.replace(".", r"\.") for name in ISSUER_FILES)
    return web.Application([
        (prefix.rstrip("/"), web.RedirectHandler, {"url": prefix}),
        (prefix + r"()", PublicFile, {"path": str(PAGE), "default_filename": "index.html"}),
        (prefix + rf"({page})", PublicFile, {"path": str(PAGE)}),
        (prefix + rf"({published}|{PUBLISHED_CREDENTIALS}/[0-9a-f]{{64}}\.jwt)", PublicFile, {"path": public}),
    ])


def main() -> None:
    """What JupyterHub runs: serve until stopped (the issuer's public folder from the environment)."""
    from .app import serve

    serve(make_app(os.environ[ISSUER_FOLDER_ENV], os.environ.get("JUPYTERHUB_SERVICE_PREFIX", PREFIX)))


if __name__ == "__main__":
    main()
