"""The OPD slip: a one-page PDF (WeasyPrint) and the same slip as a printable HTML page.

The PDF embeds the Noto Sans Devanagari font shipped in `static/fonts/` through @font-face, so Hindi names
shape correctly on a server without system fonts. The QR code carries the signed slip payload (`qr.py`)
that the counter scans to check the patient in.
"""

from __future__ import annotations

import base64
import io
import logging
from pathlib import Path
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from himswasthya.core.validators import mask_mobile
from himswasthya.people.services import state_uhid
from himswasthya.registration.models import Appointment
from himswasthya.registration.qr import slip_qr_payload

# WeasyPrint logs every rendering step at INFO: keep the server log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONT_DIR = Path(settings.BASE_DIR) / "himswasthya" / "static" / "fonts"


def qr_svg(payload: str) -> str:
    """The QR code of `payload` as an SVG document (medium error correction: slips get folded)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue().decode()


def qr_data_uri(payload: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(payload).encode()).decode()


def slip_context(appointment: Appointment) -> dict[str, Any]:
    """What the slip shows. Mobile masked; no clinical data."""
    person = appointment.person
    facility = appointment.facility
    day = appointment.session_day
    return {
        "appointment": appointment,
        "facility_name": facility.name,
        "facility_name_hi": facility.name_hi,
        "department_name": appointment.department.name,
        "department_name_hi": appointment.department.name_hi,
        "date": appointment.date,
        "starts_at": day.starts_at,
        "ends_at": day.ends_at,
        "token_number": appointment.token_number,
        "number": appointment.number,
        "patient_name": person.name_roman,
        "patient_name_deva": person.name_deva,
        "age": person.age(appointment.date),
        "sex": person.get_sex_display(),
        "uhid": state_uhid(person) or "",
        "mobile_masked": mask_mobile(person.mobile or ""),
        "fee_exemption": appointment.get_fee_exemption_display(),
        "status": appointment.get_status_display(),
        "channel": appointment.get_channel_display(),
        "qr_uri": qr_data_uri(slip_qr_payload(appointment.number)),
    }


def _load(appointment_number: str) -> Appointment:
    return Appointment.objects.select_related("person", "facility", "department", "session_day").get(
        number=appointment_number
    )


def render_slip_html(appointment: Appointment, language: str, *, for_pdf: bool = False) -> str:
    with translation.override(language):
        context = slip_context(appointment) | {
            "for_pdf": for_pdf,
            "font_regular": (FONT_DIR / "NotoSansDevanagari-Regular.ttf").as_uri(),
            "font_bold": (FONT_DIR / "NotoSansDevanagari-Bold.ttf").as_uri(),
            "LANGUAGE_CODE": language,
        }
        return render_to_string("registration/slip_pdf.html", context)


def render_slip_pdf(appointment: Appointment, language: str) -> bytes:
    """The slip as PDF bytes, labels in `language` ("en" or "hi"); names always in both scripts."""
    from weasyprint import HTML  # heavy import (pango): only when a slip is actually rendered

    appointment = _load(appointment.number)
    html = render_slip_html(appointment, language, for_pdf=True)
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
