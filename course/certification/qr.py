"""The QR code printed on every certificate, so a printed certificate can be checked with a phone.

It carries a verification URL with the certificate ID and its verification code
(``PAGE?id=...&code=...``) when the clinic has an issuer profile, else
the ``mesocourse verify`` command line with the same two values: a short payload,
so the code stays small and easy to scan. Drawn with ``segno``.

The page (:func:`verification_page`) is ``$MESOCOURSE_VERIFY_URL`` when set (the course
server sets its own ``/services/verify/`` for everything run on it), else
``ISSUER_URL/verify/``, where a clinic publishes the folder ``mesocourse verifier`` writes.
"""

from __future__ import annotations

import io
import os
from urllib.parse import urlencode

import segno

VERIFY_URL_ENV = "MESOCOURSE_VERIFY_URL"


def verification_page(issuer_url: str) -> str:
    """The verification page's address: ``$MESOCOURSE_VERIFY_URL``, else the issuer's ``/verify/``."""
    return os.environ.get(VERIFY_URL_ENV) or f"{issuer_url.rstrip('/')}/verify/"


def verification_url(page: str, certificate_id: str, code: str) -> str:
    """The page's address with the certificate ID and verification code as its query."""
    return f"{page.rstrip('/')}/?{urlencode({'id': certificate_id, 'code': code})}"


def qr_payload(certificate_id: str, code: str, base_url: str | None) -> str:
    """What the QR code says: the verification URL, or the verify command without an issuer URL."""
    if base_url:
        return verification_url(base_url, certificate_id, code)
    return f"mesocourse verify {certificate_id} --code {code}"


def _qr(payload: str) -> segno.QRCode:
    return segno.make(payload, error="m", micro=False)


def qr_png(payload: str, scale: int = 8) -> bytes:
    """The QR code as a PNG (for the PDF)."""
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(payload: str, scale: int = 4) -> str:
    """The QR code as inline SVG (for the HTML page)."""
    return _qr(payload).svg_inline(scale=scale, title=payload)
