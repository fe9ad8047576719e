"""The doctor's consultation workbench: one page to record an encounter, save the draft, sign it, correct it.

Every read and write goes through `records.services` (scoping, audit, the rules of a record); this module only
turns the form into the services' data and their errors back into the form. The form's input names are the
services' field paths ("vitals.spo2", "diagnoses[0].code", "prescriptions[1].dose"), so an error lands next
to the field it names. The code-list searches answer HTML fragments for the page's script (records.js).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, cast

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from himswasthya.accounts.models import User
from himswasthya.accounts.scoping import may_act_at, role_required
from himswasthya.codelists.models import Icd10Code, Medicine
from himswasthya.codelists.search import icd10_matches, medicine_matches
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.people.models import IdentifierType, PersonIdentifier
from himswasthya.people.presenters import person_summary, show_identifier
from himswasthya.records import coding, services
from himswasthya.records.models import VITAL_RANGES, Encounter, Route

WRITERS = services.RECORD_ROLES
SEARCH_LIMIT = 8
PRESCRIPTION_FIELDS = (
    "medicine_id",
    "free_text",
    "name",
    "strength",
    "dose",
    "frequency",
    "duration_days",
    "route",
    "instructions",
)
DECIMAL_STEP = {"temperature_c", "weight_kg", "height_cm"}
FREQUENCIES = ("OD", "BD", "TDS", "QID", "HS", "SOS", "STAT")
# The field shown first when a list gets a new row or an error (what the cursor should land on).
_ROW = re.compile(r"^(diagnoses|prescriptions|allergies)\[(\d+)\]\.(\w+)$")


def _doctor(request: HttpRequest) -> User:
    return cast(User, request.user)  # role_required has admitted a doctor or facility administrator


def _found(lookup: Any, *args: Any) -> Any:
    try:
        return lookup(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- the form <-> the services' data -----------------------------------------------------------------------


def _rows(post: QueryDict, name: str) -> list[tuple[str, dict[str, str]]]:
    """The rows of a list in the form, in the order of their indexes, each (index, {field: text})."""
    rows: dict[int, dict[str, str]] = {}
    for key in post:
        match = _ROW.match(key)
        if match and match.group(1) == name:
            rows.setdefault(int(match.group(2)), {})[match.group(3)] = post.get(key, "").strip()
    return [(str(i), rows[i]) for i in sorted(rows)]


def _int_or_text(value: str) -> int | str | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return value  # the service names it: "The duration is 1 to 365 days."


def form_data(post: QueryDict) -> dict[str, Any]:
    """The services' draft data from the submitted form; empty rows are left out, nothing else is judged."""
    data: dict[str, Any] = {name: post.get(name, "") for name in services.NOTE_FIELDS}
    follow_up = post.get("follow_up_on", "").strip()
    try:
        data["follow_up_on"] = datetime.date.fromisoformat(follow_up) if follow_up else None
    except ValueError:
        data["follow_up_on"] = follow_up  # refused by the service as "Enter a date."
    data["vitals"] = {name: (post.get(f"vitals.{name}", "").strip() or None) for name in VITAL_RANGES}

    primary = post.get("primary", "")
    data["diagnoses"] = [
        {"code": row.get("code", ""), "note": row.get("note", ""), "is_primary": index == primary}
        for index, row in _rows(post, "diagnoses")
        if row.get("code") or row.get("note")
    ]

    prescriptions = []
    for _index, row in _rows(post, "prescriptions"):
        if not any(row.get(f) for f in PRESCRIPTION_FIELDS if f not in ("route", "free_text")):
            continue
        free_text = row.get("free_text") in ("1", "on", "true")
        medicine_id = _int_or_text(row.get("medicine_id", ""))
        prescriptions.append(
            {
                "medicine_id": None if free_text else (medicine_id if isinstance(medicine_id, int) else None),
                "free_text": free_text,
                "name": row.get("name", ""),
                "strength": row.get("strength", ""),
                "dose": row.get("dose", ""),
                "frequency": row.get("frequency", ""),
                "duration_days": _int_or_text(row.get("duration_days", "")),
                "route": row.get("route") or Route.ORAL,
                "instructions": row.get("instructions", ""),
            }
        )
    data["prescriptions"] = prescriptions
    data["allergies"] = [
        {"substance": row.get("substance", ""), "reaction": row.get("reaction", "")}
        for _index, row in _rows(post, "allergies")
        if row.get("substance") or row.get("reaction")
    ]
    return data


def encounter_data(encounter: Encounter) -> dict[str, Any]:
    """The same data read from a saved encounter (to fill the form)."""
    vitals = getattr(encounter, "vitals", None)
    return {
        **{name: getattr(encounter, name) for name in services.NOTE_FIELDS},
        "follow_up_on": encounter.follow_up_on,
        "vitals": {name: getattr(vitals, name) if vitals else None for name in VITAL_RANGES},
        "diagnoses": [
            {"code": d.icd10.code, "note": d.note, "is_primary": d.is_primary}
            for d in encounter.diagnoses.all()
        ],
        "prescriptions": [
            {
                "medicine_id": p.medicine_id,
                "free_text": p.free_text,
                "name": p.name,
                "strength": p.strength,
                "dose": p.dose,
                "frequency": p.frequency,
                "duration_days": p.duration_days,
                "route": p.route,
                "instructions": p.instructions,
            }
            for p in encounter.prescriptions.all()
        ],
        "allergies": [{"substance": a.substance, "reaction": a.reaction} for a in encounter.allergies.all()],
    }


def _errors_under(errors: Mapping[str, str], prefix: str) -> dict[str, str]:
    return {path[len(prefix) :]: message for path, message in errors.items() if path.startswith(prefix)}


def _bmi(vitals: Mapping[str, Any]) -> str:
    try:
        weight, height = float(vitals.get("weight_kg") or 0), float(vitals.get("height_cm") or 0)
    except (TypeError, ValueError):
        return ""
    if weight <= 0 or height <= 0:
        return ""
    return f"{weight / (height / 100) ** 2:.1f}"


def form_context(data: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, Any]:
    """What the template shows: each field's value and error, the rows of each list."""
    vitals = data.get("vitals") or {}
    vital_fields = [
        {
            "name": name,
            "label": limits.label,
            "unit": limits.unit,
            "min": limits.low,
            "max": limits.high,
            "step": "0.1" if name in DECIMAL_STEP else "1",
            "value": "" if vitals.get(name) is None else vitals[name],
            "error": errors.get(f"vitals.{name}", ""),
        }
        for name, limits in VITAL_RANGES.items()
    ]
    codes = [str(d.get("code") or "").strip().upper() for d in data.get("diagnoses") or []]
    titles = dict(Icd10Code.objects.filter(code__in=codes).values_list("code", "title"))
    diagnoses = [
        {
            "index": i,
            "code": d.get("code") or "",
            "title": titles.get(codes[i], ""),
            "note": d.get("note") or "",
            "is_primary": bool(d.get("is_primary")),
            "errors": _errors_under(errors, f"diagnoses[{i}]."),
        }
        for i, d in enumerate(data.get("diagnoses") or [])
    ]
    if diagnoses and not any(d["is_primary"] for d in diagnoses):
        diagnoses[0]["is_primary"] = True
    ids = [
        p.get("medicine_id") for p in data.get("prescriptions") or [] if isinstance(p.get("medicine_id"), int)
    ]
    medicines = Medicine.objects.in_bulk(ids)
    prescriptions = [
        {
            **p,
            "index": i,
            "medicine_id": p.get("medicine_id") or "",
            "duration_days": "" if p.get("duration_days") is None else p["duration_days"],
            "label": str(medicines[p["medicine_id"]]) if p.get("medicine_id") in medicines else "",
            "errors": _errors_under(errors, f"prescriptions[{i}]."),
        }
        for i, p in enumerate(data.get("prescriptions") or [])
    ]
    allergies = [
        {**a, "index": i, "errors": _errors_under(errors, f"allergies[{i}].")}
        for i, a in enumerate(data.get("allergies") or [])
    ]
    shown = {f"vitals.{n}" for n in VITAL_RANGES} | {*services.NOTE_FIELDS, "follow_up_on"}
    unplaced = [m for path, m in errors.items() if path not in shown and not _ROW.match(path)]
    follow_up = data.get("follow_up_on")
    return {
        "notes": {name: data.get(name) or "" for name in services.NOTE_FIELDS},
        "follow_up_on": follow_up.isoformat() if isinstance(follow_up, datetime.date) else (follow_up or ""),
        "vital_fields": vital_fields,
        "bmi": _bmi(vitals),
        "diagnoses": diagnoses,
        "prescriptions": prescriptions,
        "allergies": allergies,
        "errors": dict(errors),
        "unplaced_errors": unplaced,
        "first_error": next(iter(errors), ""),
    }


# --- the page ---------------------------------------------------------------------------------------------


def _patient(encounter: Encounter) -> dict[str, Any]:
    person = encounter.person
    identifiers = {
        i.id_type: show_identifier(i)
        for i in PersonIdentifier.objects.filter(
            person=person,
            id_type__in=(IdentifierType.UHID, IdentifierType.ABHA_NUMBER, IdentifierType.ABHA_ADDRESS),
        ).order_by("pk")
    }
    return {
        **person_summary(person),
        "uhid": identifiers.get(IdentifierType.UHID, ""),
        "abha_number": identifiers.get(IdentifierType.ABHA_NUMBER, ""),
        "abha_address": identifiers.get(IdentifierType.ABHA_ADDRESS, ""),
    }


def _render(
    request: HttpRequest,
    encounter: Encounter,
    data: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _doctor(request)
    history = services.history(user, encounter.person)  # audited: RECORDS_HISTORY_READ
    versions = {encounter.pk, encounter.supersedes_id}
    past = [e for e in history.encounters if e.pk not in versions and e.supersedes_id != encounter.pk]
    newer = Encounter.objects.filter(supersedes=encounter).values_list("pk", flat=True).first()
    context = {
        "encounter": encounter,
        "patient": _patient(encounter),
        "past": past,
        "history_allergies": history.allergies,
        "editable": not encounter.is_signed and may_act_at(user, encounter.facility_id),
        "can_correct": encounter.is_signed and newer is None and may_act_at(user, encounter.facility_id),
        "newer_id": newer,
        "previous_ids": services.versions(encounter),
        "routes": Route.choices,
        "frequencies": FREQUENCIES,
        "favourites": coding.favourite_codes(user),
        "blank_row": {"index": "__i__", "route": Route.ORAL, "errors": {}},
        "blank_free_row": {"index": "__i__", "route": Route.ORAL, "free_text": True, "errors": {}},
        "recent": coding.recent_codes(user),
        **form_context(data if data is not None else encounter_data(encounter), errors or {}),
    }
    return render(request, "records/workbench/page.html", context, status=status)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def workbench(request: HttpRequest, encounter_id: int) -> HttpResponse:
    """GET: the encounter (a form for a draft, read-only when signed). POST: save the draft, and with
    action=sign sign it too; on a refusal the form comes back as typed with the error at its field."""
    user = _doctor(request)
    encounter = _found(services.get_encounter, user, encounter_id)  # audited: ENCOUNTER_READ
    if request.method == "GET":
        return _render(request, encounter)
    data = form_data(request.POST)
    signing = request.POST.get("action") == "sign"
    try:
        with transaction.atomic():  # signing saves first: both or neither
            services.save_draft(user, encounter, data)
            if signing:
                services.sign(user, encounter)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        field = exc.field or "__all__"
        messages.error(request, _("The record was not saved: %(reason)s") % {"reason": exc.message})
        return _render(request, encounter, data, {field: str(exc.message)}, status=400)
    if signing:
        messages.success(request, _("The record is signed."))
    else:
        messages.success(request, _("The draft is saved."))
    return redirect("records:workbench", encounter_id=encounter.pk)


@role_required(*WRITERS)
@require_POST
def correct(request: HttpRequest, encounter_id: int) -> HttpResponse:
    """Start a correction of a signed record: a new draft version, the signed one kept as it was."""
    user = _doctor(request)
    encounter = Encounter.objects.filter(pk=encounter_id).first()
    if encounter is None:
        raise Http404(_("Not found."))
    try:
        new = services.correct(user, encounter)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("records:workbench", encounter_id=encounter.pk)
    messages.success(request, _("A new version is open for correction; the signed record is kept."))
    return redirect("records:workbench", encounter_id=new.pk)


# --- code-list searches (HTML fragments) -----------------------------------------------------------------


@role_required(*WRITERS)
@require_GET
def icd10_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    found = list(icd10_matches(q, limit=SEARCH_LIMIT))
    return render(request, "records/workbench/_icd10_results.html", {"codes": found, "q": q.strip()})


@role_required(*WRITERS)
@require_GET
def medicine_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    found = list(medicine_matches(q, limit=SEARCH_LIMIT))
    return render(request, "records/workbench/_medicine_results.html", {"medicines": found, "q": q.strip()})


@role_required(*WRITERS)
@require_POST
def favourite(request: HttpRequest) -> HttpResponse:
    """Add a code to the doctor's favourites or take it off; answers the favourites list (a fragment for the
    page's script: favourites are a convenience of the scripted page)."""
    user = _doctor(request)
    error = ""
    try:
        coding.toggle_favourite(user, request.POST.get("code", ""))
    except DomainError as exc:
        error = str(exc.message)
    context = {"favourites": coding.favourite_codes(user), "favourite_error": error}
    return render(request, "records/workbench/_favourites.html", context, status=400 if error else 200)
