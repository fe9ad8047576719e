"""The HIMCARE e-card: a one-page bilingual PDF (WeasyPrint) with a photo box, the members and their units,
validity and category, and a QR code of the card number and the verification URL.

Rendered by `core.documents`, like the OPD slip: the Noto Sans Devanagari font shipped in `static/fonts/` is
embedded.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record_read
from himswasthya.core.documents import html_to_pdf, in_both_languages, pdf_fonts, qr_data_uri
from himswasthya.himcare.enrolment.services import PURPOSE
from himswasthya.himcare.models import Enrolment
from himswasthya.himparivar.models import Relation


def verification_url(card_number: str, base_url: str | None = None) -> str:
    base = (base_url or settings.HIMSWASTHYA_PUBLIC_URL).rstrip("/")
    return f"{base}{reverse('himcare:verify')}?{urlencode({'q': card_number})}"


def qr_payload(card_number: str, base_url: str | None = None) -> str:
    """What the card's QR code holds: the card number, then the URL a hospital opens to verify it."""
    return f"HIMCARE {card_number} {verification_url(card_number, base_url)}"


RELATIONS = dict(Relation.choices)  # code -> label, translated when read


def card_context(enrolment: Enrolment, base_url: str | None = None) -> dict[str, Any]:
    members = [
        {
            "name": em.member.name_roman,
            "name_deva": em.member.name_deva,
            "member_id": em.member.member_id,
            "sex": em.member.sex,
            "year_of_birth": em.member.year_of_birth,
            "relation": in_both_languages(RELATIONS.get(em.member.relation, em.member.relation)),
            "unit": em.unit_no,
        }
        for em in enrolment.members.select_related("member").order_by("unit_no", "id")
    ]
    family = enrolment.family
    return {
        "enrolment": enrolment,
        "card_number": enrolment.card_number or "",
        "family_id": family.family_id,
        "district": family.district,
        "members": members,
        "cover_rupees": enrolment.cover_paise // 100,
        "qr_uri": qr_data_uri(qr_payload(enrolment.card_number or "", base_url))
        if enrolment.card_number
        else "",
    }


def render_card_html(enrolment: Enrolment, *, base_url: str | None = None) -> str:
    with translation.override("en"):
        context = card_context(enrolment, base_url) | pdf_fonts()
        return render_to_string("himcare/enrolment/card_pdf.html", context)


def render_card_pdf(enrolment: Enrolment, *, base_url: str | None = None) -> bytes:
    """The card as PDF bytes: every label in English and Hindi."""
    enrolment = Enrolment.objects.select_related("family", "family__district", "scheme_year").get(
        pk=enrolment.pk
    )
    return html_to_pdf(render_card_html(enrolment, base_url=base_url))


def card_download(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    """The card of `enrolment` as a PDF attachment, the download audited (the page and the API)."""
    record_read("himcare.Enrolment", enrolment.pk, purpose=PURPOSE, action=AuditAction.HIMCARE_ENROLMENT_CARD)
    pdf = render_card_pdf(enrolment, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="himcare-{enrolment.card_number}.pdf"'
    return response
