"""Certificates: a unique ID, the record's content, and the same text as PDF and HTML.

A certificate is drawn only from its registry record, so the files say exactly
what the registry says; the verification code comes from the record's hash.
Both are readable by assistive technology: the HTML page has a language, one
heading and a description list; the PDF declares its language and title, and its
QR code carries alt text (a tagged figure), the same words the HTML page gives it.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Container
from datetime import date
from pathlib import Path
from typing import Any

from course.dates import add_months
from course.knowledge.schema import CertificationFile

from .chain import Record, verification_code
from .decide import Decision, percent
from .fonts import certificate_font
from .qr import qr_payload, qr_png, qr_svg

TITLE = "mesocourse training certificate"
STATEMENT = (
    "This is a training certificate from mesocourse, a training toolkit whose material is built "
    "from cited sources. It is not clinical guidance and not a licence to practise."
)
LANGUAGE = "en"
_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def qr_alt(qr: str) -> str:
    """What the QR code is, for a reader who cannot scan it."""
    return f"QR code to verify this certificate; it reads: {qr}"


def new_certificate_id(issued: date, taken: Container[str]) -> str:
    """A random ID like MC-2025-7KQ2M9XH, not in ``taken``."""
    while True:
        candidate = f"MC-{issued.year}-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
        if candidate not in taken:
            return candidate


def certificate_payload(decision: Decision, certificate_id: str, framework: CertificationFile,
                        decision_seq: int, supersedes: str | None, sources: str) -> dict[str, Any]:
    """The certificate record for a positive decision."""
    level = decision.entrustment_level
    assert level is not None, "only a positive decision has a certificate"
    return {
        "certificate_id": certificate_id, "trainee": decision.trainee.id, "name": decision.trainee.name,
        "issued": decision.on.isoformat(),
        "expires": add_months(decision.on, framework.validity_months).isoformat(),
        "competencies": [
            {"id": c.id, "name": c.name, "share": c.share, "pass_mark": c.mark.value} for c in decision.competencies
        ],
        "entrustment_level": level, "entrustment_name": framework.level_name(level),
        "restrictions": list(decision.restrictions), "decision_seq": decision_seq,
        "supersedes": supersedes, "statement": STATEMENT, "framework_sources": sources,
    }


def certificate_lines(record: Record) -> list[tuple[str, str]]:
    """(label, text) pairs both formats print, in order."""
    data = record.data
    code = verification_code(record.hash)
    lines = [
        ("Certificate ID", data["certificate_id"]),
        ("Awarded to", f"{data['name']} (trainee ID {data['trainee']})"),
        ("Issued", data["issued"]),
        ("Expires", data["expires"]),
        ("Entrustment level", f"{data['entrustment_level']} ({data['entrustment_name']})"),
        ("Restrictions", "; ".join(data["restrictions"]) or "none"),
        ("Competencies", "\n".join(
            f"{c['name']} ({c['id']}): {percent(c['share'])}, pass mark {percent(c['pass_mark'])}"
            for c in data["competencies"])),
        ("Verification code", code),
        ("Verify", f"mesocourse verify {data['certificate_id']} --code {code}"),
        ("Registry record", f"{record.seq}, recorded {record.recorded_at} by {record.recorded_by}"),
    ]
    if data["supersedes"]:
        lines.append(("Supersedes", data["supersedes"]))
    lines.append(("Framework sources", data["framework_sources"]))
    return lines


def write_pdf(record: Record, path: Path, qr: str) -> Path:
    """The certificate as an A4 PDF, with the QR code ``qr`` at the end."""
    import io

    from fpdf import FPDF, ViewerPreferences

    pdf = FPDF(format="A4")
    pdf.set_lang(LANGUAGE)
    pdf.set_title(f"{TITLE} {record.certificate_id}")
    pdf.set_subject(f"Awarded to {record.data['name']}")
    pdf.set_creator("mesocourse")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)  # the title, not the file name
    lines = certificate_lines(record)
    verify = f"Scan to verify: {qr}"
    text = "".join([TITLE, STATEMENT, verify, *(part for line in lines for part in line)])
    pdf.add_font("DejaVu", "", certificate_font("", text))
    pdf.add_font("DejaVu", "B", certificate_font("-Bold", text))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 20)
    pdf.cell(0, 14, TITLE, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, STATEMENT, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(6)
    for label, value in lines:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(48, 7, label)
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(4)
    pdf.image(io.BytesIO(qr_png(qr)), w=40, h=40, alt_text=qr_alt(qr))
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(0, 4, verify, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.output(str(path))
    return path


def write_html(record: Record, path: Path, qr: str) -> Path:
    """The certificate as a standalone HTML page, with the QR code ``qr``."""
    rows = "\n".join(
        f"<dt>{html.escape(label)}</dt><dd>{html.escape(text).replace(chr(10), '<br>')}</dd>"
        for label, text in certificate_lines(record)
    )
    path.write_text(
        f"""<!DOCTYPE html>
<html lang="{LANGUAGE}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE} {html.escape(record.certificate_id or '')}</title>
<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;color:#222}}dt{{font-weight:bold;margin-top:.6em}}
.statement{{border:1px solid #999;padding:.6em}}@media print{{body{{margin:0;max-width:none}}}}</style></head>
<body><main><h1>{TITLE}</h1><p class="statement">{html.escape(STATEMENT)}</p>
<dl>
{rows}
</dl>
<figure class="qr" role="img" aria-label="{html.escape(qr_alt(qr))}">{qr_svg(qr)}</figure>
<p>Scan to verify: {html.escape(qr)}</p>
</main></body></html>
""",
        encoding="utf-8",
    )
    return path


def write_certificate(record: Record, directory: Path, verify_url: str | None = None) -> tuple[Path, Path]:
    """``CERT_ID.pdf`` and ``CERT_ID.html`` in ``directory``; their QR code carries the
    verification URL on the page ``verify_url`` (see ``qr.verification_page``), else the verify command."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / str(record.certificate_id)
    qr = qr_payload(str(record.certificate_id), verification_code(record.hash), verify_url)
    return write_pdf(record, stem.with_suffix(".pdf"), qr), write_html(record, stem.with_suffix(".html"), qr)
