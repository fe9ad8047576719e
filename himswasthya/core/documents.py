"""Printable documents: PDF rendering (WeasyPrint) with the shipped Devanagari font, and QR codes.

Used by the OPD slip (registration), the HIMCARE e-card and the apps to come. Every PDF embeds the Noto Sans
Devanagari font shipped in `static/fonts/` (FONT_DIR) through @font-face, so Hindi names shape correctly on a
server without system fonts: a template puts `font_regular` / `font_bold` (from `pdf_fonts()`) in its
@font-face rules, and `html_to_pdf` resolves them.

    html = render_to_string("app/doc_pdf.html", context | pdf_fonts())
    pdf = html_to_pdf(html)
    context["qr_uri"] = qr_data_uri(payload)  # <img src="{{ qr_uri }}">: no outside service sees it

A bilingual document prints each translated label in both languages with `in_both_languages(label)`: the
label "Diagnoses" is printed "Diagnoses · निदान".
"""

from __future__ import annotations

import base64
import io
import logging
from pathlib import Path
from typing import Any

import qrcode
import qrcode.constants
import qrcode.image.svg
from django.conf import settings
from django.utils import translation

# WeasyPrint logs every rendering step at INFO: keep the server log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONT_DIR = Path(settings.BASE_DIR) / "himswasthya" / "static" / "fonts"
FONT_REGULAR = FONT_DIR / "NotoSansDevanagari-Regular.ttf"
FONT_BOLD = FONT_DIR / "NotoSansDevanagari-Bold.ttf"


def pdf_fonts() -> dict[str, str]:
    """The template variables of the shipped font files (file:// URIs) for a PDF's @font-face rules."""
    return {"font_regular": FONT_REGULAR.as_uri(), "font_bold": FONT_BOLD.as_uri()}


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document (relative URLs resolve against FONT_DIR)."""
    from weasyprint import HTML  # heavy import (pango): only when a document is actually rendered

    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()


def qr_svg(payload: str, *, box_size: int = 10, border: int = 2, inline: bool = False) -> str:
    """The QR code of `payload` as SVG (medium error correction: printed documents get folded). `inline`:
    without the XML declaration, for putting inside an HTML page."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :] if inline else svg


def qr_data_uri(payload: str) -> str:
    """The QR code of `payload` as a data: URI, for an <img> on a page or in a PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(payload).encode()).decode()


def in_both_languages(label: Any, separator: str = " · ") -> str:
    """ "Wife · पत्नी": a translated label (a lazy gettext string, a choice's label) in English and Hindi,
    for bilingual documents; once when both read the same (no Hindi translation, a code)."""
    with translation.override("en"):
        english = str(label)
    with translation.override("hi"):
        hindi = str(label)
    return english if hindi == english else f"{english}{separator}{hindi}"
