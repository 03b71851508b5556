"""The QR code printed on every certificate, so a printed certificate can be checked with a phone.

It carries a verification URL with the certificate ID and its verification code
(``ISSUER_URL/verify?id=...&code=...``) when the clinic has an issuer profile, else
the ``mesocourse verify`` command line with the same two values: a short payload,
so the code stays small and easy to scan. Drawn with ``segno``.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno


def verification_url(base_url: str, certificate_id: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify?{urlencode({'id': certificate_id, 'code': code})}"


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
