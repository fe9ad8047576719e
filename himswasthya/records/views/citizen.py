"""The pages that show signed health records: "My health records" (a citizen's own and family's), one record
(read-only, for its family and the staff who may see it; its PDF's QR code opens it) with its PDF, and a
patient's history for the doctors and administrator of a facility.

Thin: each page calls one records service, which decides who may see what (accounts scoping) and writes the
audit entry of every read; a record the user may not see is a 404.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import role_required
from himswasthya.core.views import found_or_404
from himswasthya.people.models import Person
from himswasthya.records import services
from himswasthya.records.documents import record_context, render_record_pdf
from himswasthya.records.fhir.bundles import document_bundle

# Who opens these pages (accounts/access_policy.py: RECORD_READ, RECORD_HISTORY_PAGE); the services narrow it
# to the rows each may see. The HIMCARE desk and claims officers read admission records on the case's pages.
READERS = (Role.CITIZEN, Role.DOCTOR, Role.FACILITY_ADMIN)
HISTORY_READERS = (Role.DOCTOR, Role.FACILITY_ADMIN)


@role_required(Role.CITIZEN)
@require_GET
def my_records(request: HttpRequest) -> HttpResponse:
    members = services.family_records(request.user)  # type: ignore[arg-type]
    return render(request, "records/citizen/my_records.html", {"members": members})


@role_required(*READERS)
@require_GET
def record_detail(request: HttpRequest, encounter_id: int) -> HttpResponse:
    encounter = found_or_404(services.get_encounter, request.user, encounter_id)
    context = record_context(encounter) | {
        "newer": services.newer_version(request.user, encounter),  # type: ignore[arg-type]
        "is_staff_reader": request.user.role in HISTORY_READERS,  # type: ignore[union-attr]
    }
    return render(request, "records/record/detail.html", context)


@role_required(*READERS)
@require_GET
def record_pdf(request: HttpRequest, encounter_id: int) -> HttpResponse:
    encounter = found_or_404(services.get_signed_for_document, request.user, encounter_id)
    pdf = render_record_pdf(encounter, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="health-record-{encounter.pk}.pdf"'
    return response


@role_required(*READERS)
@require_GET
def record_fhir(request: HttpRequest, encounter_id: int) -> HttpResponse:
    """The signed record as its FHIR R4 document bundle (NRCeS profile), to carry to any hospital or app."""
    encounter = found_or_404(services.get_signed_for_fhir, request.user, encounter_id)
    body = json.dumps(document_bundle(encounter), ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode(), content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="health-record-{encounter.pk}.fhir.json"'
    return response


@role_required(*HISTORY_READERS)
@require_GET
def patient_history(request: HttpRequest, person_id: int) -> HttpResponse:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404(_("Not found."))
    history = found_or_404(services.history, request.user, person)
    context = {
        "person": history.person,
        "allergies": history.allergies,
        "visits": services.visits(history.encounters),
    }
    return render(request, "records/record/history.html", context)
