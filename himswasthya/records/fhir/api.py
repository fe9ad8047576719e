"""FHIR R4 REST API at /fhir/ (read and search; JSON as application/fhir+json).

GET /fhir/metadata                           CapabilityStatement (public)
GET /fhir/Patient/{id}                       a patient (id: our person id)
GET /fhir/Patient?identifier=<system>|<value> search by ABHA number, ABHA address or UHID (codes.py systems;
                                             without a system the kind is told from the value)
GET /fhir/Encounter?patient=<id>             the patient's encounters (records.services.history)
GET /fhir/Condition?patient=<id>             their ICD-10 diagnoses
GET /fhir/MedicationRequest?patient=<id>     their prescriptions
GET /fhir/Bundle/{id}                        the document of a signed encounter (id: the encounter's id):
                                             OPConsultRecord or DischargeSummaryRecord (bundles.py)

Who: signed in (the site's session, like the JSON API; a stock FHIR client sends the session cookie) as a
doctor or facility administrator (the patients and encounters their scope shows: records.services) or a
citizen (their family's signed records). Every read goes through records.services (get_patient,
find_patients, get_encounter, history: scoped and audited, noted "via fhir"); nothing is scoped here.

Errors are OperationOutcome, in the request's language: 401 not signed in, 403 a role that may not read
records, 404 not found or not in the caller's scope (the same answer), 400 an unknown or bad search
parameter. Paths under /fhir/ that are no operation answer 404 OperationOutcome too (urls.py).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.patient import Patient
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from himswasthya.accounts.models import User
from himswasthya.accounts.scoping import RoleAuth
from himswasthya.core.errors import DomainError, NotFound
from himswasthya.core.validators import normalise_abha_number
from himswasthya.people import uhid as uhids
from himswasthya.people.models import IdentifierType, Person
from himswasthya.records import services
from himswasthya.records.fhir import bundles, codes

logger = logging.getLogger("himswasthya.fhir")
FHIR_JSON = "application/fhir+json"
VIA = "fhir"
_readers = RoleAuth(*services.PATIENT_READ_ROLES)  # the clinical readers (RECORD_READ in the access policy)


class BadSearch(DomainError):
    code = "invalid"
    status = 400


# --- answers ----------------------------------------------------------------------------------------------


def fhir_response(data: dict[str, Any], status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    response = HttpResponse(body, status=status, content_type=f"{FHIR_JSON}; charset=utf-8")
    response["Cache-Control"] = "no-store"  # SEC-32: health data
    return response


# FHIR IssueType per HTTP status of our errors.
_ISSUE_TYPES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    429: "throttled",
}


def operation_outcome(status: int, message: str | Promise, code: str | None = None) -> HttpResponse:
    """An OperationOutcome of one error, `message` in the request's language."""
    return fhir_response(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": code or _ISSUE_TYPES.get(status, "exception" if status >= 500 else "processing"),
                    "diagnostics": str(message),
                }
            ],
        },
        status=status,
    )


fhir_api = NinjaAPI(
    title="HimSwasthya FHIR R4",
    version="fhir-r4",
    urls_namespace="fhir",
    docs_url=None,
    openapi_url=None,
)


@fhir_api.exception_handler(DomainError)
def _on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return operation_outcome(exc.status, exc.message)


@fhir_api.exception_handler(AuthenticationError)
def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return operation_outcome(401, _("Sign in to continue."))


@fhir_api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return operation_outcome(exc.status_code, str(exc))


@fhir_api.exception_handler(NinjaValidationError)
def _on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return operation_outcome(400, _("The request could not be understood."))


@fhir_api.exception_handler(Http404)
def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return operation_outcome(404, _("Not found."))


@fhir_api.exception_handler(Exception)
def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered as an OperationOutcome (never the HTML error page)."""
    logger.error("FHIR API error on %s %s", request.method, request.path, exc_info=exc)
    got_request_exception.send(sender=None, request=request)
    return operation_outcome(500, _("Something went wrong on our side. Please try again."))


def _actor(request: HttpRequest) -> User:
    return cast(User, getattr(request, "auth"))  # noqa: B009 - set by django-ninja


def _not_found() -> NotFound:
    return NotFound(gettext_lazy("Not found."))


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/").rstrip("/")


def _params(request: HttpRequest, allowed: set[str]) -> dict[str, str]:
    """The search parameters, each once; an unknown or repeated one is refused (400); `_format`: JSON."""
    found: dict[str, str] = {}
    for name in request.GET:
        values = request.GET.getlist(name)
        if name == "_format":
            if any("json" not in v for v in values):
                raise BadSearch(
                    gettext_lazy("Only JSON is served (_format=json)."), field="_format", code="not-supported"
                )
            continue
        if name not in allowed:
            raise BadSearch(
                gettext_lazy("Unknown search parameter %(name)s; supported: %(supported)s.")
                % {"name": name, "supported": ", ".join(sorted(allowed))},
                field=name,
            )
        if len(values) != 1 or not values[0].strip():
            raise BadSearch(
                gettext_lazy("Give the search parameter %(name)s once, with a value.") % {"name": name}
            )
        found[name] = values[0].strip()
    return found


def _pk(text: str) -> int:
    """Our numeric id from "12", "Patient/12" or an absolute URL ending so; NotFound otherwise."""
    tail = text.rstrip("/").rsplit("/", 1)[-1]
    if not re.fullmatch(r"[1-9][0-9]{0,17}", tail):
        raise _not_found()
    return int(tail)


def _searchset(request: HttpRequest, kind: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    base = _base(request)
    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": timezone.localtime().isoformat(timespec="seconds")},
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": request.build_absolute_uri()}],
    }
    if resources:  # FHIR JSON has no empty arrays
        bundle["entry"] = [
            {"fullUrl": f"{base}/{kind}/{r['id']}", "resource": r, "search": {"mode": "match"}}
            for r in resources
        ]
    Bundle.model_validate(bundle)  # R4B: what we answer is valid FHIR
    return bundle


def _history(request: HttpRequest) -> services.History:
    params = _params(request, {"patient"})
    if "patient" not in params:
        raise BadSearch(gettext_lazy("Search by patient (patient=<id>)."), field="patient")
    person = Person.objects.filter(pk=_pk(params["patient"])).first()
    if person is None:
        raise _not_found()
    return services.history(_actor(request), person, via=VIA)


# --- the operations ---------------------------------------------------------------------------------------

CAPABILITY_DATE = "2026-12-08"  # when this statement last changed
RESOURCES: dict[str, dict[str, Any]] = {
    "Patient": {"read": True, "search": {"identifier": "token"}},
    "Encounter": {"search": {"patient": "reference"}},
    "Condition": {"search": {"patient": "reference"}},
    "MedicationRequest": {"search": {"patient": "reference"}},
    "Bundle": {"read": True},
}


def capability_statement(request: HttpRequest) -> dict[str, Any]:
    resources = []
    for kind, what in RESOURCES.items():
        interactions = ([{"code": "read"}] if what.get("read") else []) + (
            [{"code": "search-type"}] if what.get("search") else []
        )
        entry: dict[str, Any] = {"type": kind, "interaction": interactions}
        if what.get("search"):
            entry["searchParam"] = [{"name": n, "type": t} for n, t in what["search"].items()]
        if kind == "Bundle":
            entry["supportedProfile"] = [codes.profile("DocumentBundle")]
        resources.append(entry)
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITY_DATE,
        "publisher": "HimSwasthya, Department of Health and Family Welfare, Himachal Pradesh",
        "kind": "instance",
        "software": {"name": "HimSwasthya"},
        "implementation": {"description": "HimSwasthya FHIR R4 API (read only)", "url": _base(request)},
        "fhirVersion": "4.0.1",
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Sign in to HimSwasthya and send the session cookie. Patient identifiers: "
                    f"{codes.ABHA_NUMBER_SYSTEM} (ABHA number), {codes.ABHA_ADDRESS_SYSTEM} (ABHA address), "
                    f"{codes.UHID_SYSTEM} (UHID). Documents follow the NRCeS (ABDM) profiles."
                ),
                "security": {"cors": False, "description": "Session sign-in (the HimSwasthya site)."},
                "resource": resources,
            }
        ],
    }
    CapabilityStatement.model_validate(statement)
    return statement


@fhir_api.get("/metadata", auth=None, include_in_schema=False)
def metadata(request: HttpRequest) -> HttpResponse:
    _params(request, set())
    return fhir_response(capability_statement(request))


@fhir_api.get("/Patient/{person_id}", auth=_readers, include_in_schema=False)
def read_patient(request: HttpRequest, person_id: str) -> HttpResponse:
    _params(request, set())
    person = services.get_patient(_actor(request), _pk(person_id), via=VIA)
    resource = bundles.patient_resource(person)
    Patient.model_validate(resource)
    return fhir_response(resource)


def _identifier_query(text: str) -> tuple[str, str]:
    """`<system>|<value>` or `<value>` -> (IdentifierType, the value as stored)."""
    system, _sep, value = text.rpartition("|")
    value = value.strip()
    if system:
        kind = codes.IDENTIFIER_SYSTEMS.get(system)
        if kind is None:
            raise BadSearch(
                gettext_lazy("Unknown identifier system; supported: %(systems)s.")
                % {"systems": ", ".join(codes.IDENTIFIER_SYSTEMS)},
                field="identifier",
            )
    elif "@" in value:
        kind = IdentifierType.ABHA_ADDRESS
    elif re.fullmatch(r"[0-9][0-9 -]{12,20}", value):
        kind = IdentifierType.ABHA_NUMBER
    else:
        kind = IdentifierType.UHID
    if kind == IdentifierType.ABHA_NUMBER:
        try:
            return kind, normalise_abha_number(value)
        except DjangoValidationError as exc:
            raise BadSearch(exc.messages[0], field="identifier") from exc
    if kind == IdentifierType.ABHA_ADDRESS:
        return kind, value.lower()
    if re.match(r"^\s*HP[\s-]*\d", value, re.IGNORECASE):  # the state UHID: checked and normalised
        return kind, uhids.normalise_uhid(value)
    return kind, value  # a hospital's own UHID, as issued


@fhir_api.get("/Patient", auth=_readers, include_in_schema=False)
def search_patients(request: HttpRequest) -> HttpResponse:
    params = _params(request, {"identifier"})
    if "identifier" not in params:
        raise BadSearch(
            gettext_lazy("Search by identifier (identifier=<system>|<value>)."), field="identifier"
        )
    kind, value = _identifier_query(params["identifier"])
    people = services.find_patients(_actor(request), kind, value, via=VIA)
    return fhir_response(_searchset(request, "Patient", [bundles.patient_resource(p) for p in people]))


@fhir_api.get("/Encounter", auth=_readers, include_in_schema=False)
def search_encounters(request: HttpRequest) -> HttpResponse:
    found = _history(request)
    resources = [bundles.encounter_resource(e) for e in found.encounters]
    return fhir_response(_searchset(request, "Encounter", resources))


@fhir_api.get("/Condition", auth=_readers, include_in_schema=False)
def search_conditions(request: HttpRequest) -> HttpResponse:
    found = _history(request)
    resources = [c for e in found.encounters for c in bundles.condition_resources(e)]
    return fhir_response(_searchset(request, "Condition", resources))


@fhir_api.get("/MedicationRequest", auth=_readers, include_in_schema=False)
def search_medication_requests(request: HttpRequest) -> HttpResponse:
    found = _history(request)
    resources = [m for e in found.encounters for m in bundles.medication_request_resources(e)]
    return fhir_response(_searchset(request, "MedicationRequest", resources))


@fhir_api.get("/Bundle/{encounter_id}", auth=_readers, include_in_schema=False)
def read_document(request: HttpRequest, encounter_id: str) -> HttpResponse:
    _params(request, set())
    encounter = services.get_encounter(_actor(request), _pk(encounter_id), via=VIA)
    try:
        document = bundles.document_bundle(encounter)
    except bundles.NotSigned as exc:
        raise NotFound(gettext_lazy("This record is not signed yet: it has no document.")) from exc
    return fhir_response({**document, "id": str(encounter.pk)})
