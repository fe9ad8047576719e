"""The OPD slip: a one-page PDF and the same slip as a printable HTML page.

The PDF is rendered by `core.documents` (WeasyPrint, with the shipped Noto Sans Devanagari font, so Hindi
names shape correctly). The QR code carries the signed slip payload (`qr.py`) that the counter scans to check
the patient in.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from himswasthya.core.documents import html_to_pdf, pdf_fonts, qr_data_uri
from himswasthya.core.validators import mask_mobile
from himswasthya.people.services import state_uhid
from himswasthya.registration.models import Appointment
from himswasthya.registration.qr import slip_qr_payload


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
        context = slip_context(appointment) | pdf_fonts() | {"for_pdf": for_pdf, "LANGUAGE_CODE": language}
        return render_to_string("registration/slip_pdf.html", context)


def render_slip_pdf(appointment: Appointment, language: str) -> bytes:
    """The slip as PDF bytes, labels in `language` ("en" or "hi"); names always in both scripts."""
    return html_to_pdf(render_slip_html(_load(appointment.number), language, for_pdf=True))
