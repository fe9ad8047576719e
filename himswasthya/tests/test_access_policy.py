"""SEC-26: every URL and every API operation against the declared access policy (accounts/access_policy.py).

The test walks Django's URL resolver and the API's operations; anything the table does not declare fails.
Then each one is requested as every persona: anonymous, each role on "side A" (the facility, district and
family the requested rows belong to) and, for URLs naming a row, the same role on "side B" (another facility
in another district, another citizen's family). The outcome class is compared with the table:

- ok      2xx, 3xx to anything but a sign-in page, a 4xx validation/conflict error (the permission layer let
          the request through), or 502-504 (an outside service unreachable in the test);
- denied  401, 403, 404, or a redirect to a sign-in or second-factor page;
- error   any other 5xx, 429, or an exception: always a failure.

Pages are requested with GET, or with a POST when GET is not allowed (405); writes carry an empty body except
where BODIES gives a valid one (where the scope check comes after input validation). Every request runs in a
savepoint that is rolled back, so one persona's request cannot change what the next one sees; the rows are
built once for the module, in one transaction rolled back at its end. A list narrowed by scope (SCOPED, no
row in its URL) is also asked by the other side, whose answer must not show side A's rows (`markers`).

A URL or operation missing from the table fails, and its test prints what every persona got: declare what it
should be (never copy an observed leak into the table).
"""

from __future__ import annotations

import datetime
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from himswasthya.accounts import access_policy as policy
from himswasthya.accounts.access_policy import ALLOW, SCOPED, Access

# --- what there is -----------------------------------------------------------------------------------


def _as_api_path(route: str) -> str:
    """A Django route of the API's URLconf as django-ninja spells the operation's path."""
    return "/" + re.sub(r"<([^>]+)>", r"{\1}", route)


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    kwargs: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[Any]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield p, prefix + str(p.pattern), namespace


def all_pages() -> dict[str, Page]:
    """Every named URL that is not an API operation, by `namespace:name`; unnamed ones as `?route`."""
    pages: dict[str, Page] = {}
    operation_paths = {op.path for op in OPERATIONS.values()}
    for pattern, route, namespace in _walk(get_resolver().url_patterns):
        if _as_api_path(route) in operation_paths:
            continue  # an API operation: declared in access_policy.API
        name = pattern.name
        if name is None:
            if namespace == "admin":  # Django's admin redirects/catch-all: part of the admin family
                continue
            key = f"?{route}"
        else:
            key = f"{namespace}:{name}" if namespace else name
        kwargs = tuple(
            getattr(pattern.pattern, "converters", {}) or re.compile(pattern.pattern.regex).groupindex
        )
        pages.setdefault(key, Page(key, route, kwargs))
    return pages


@dataclass(frozen=True)
class Operation:
    method: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def kwargs(self) -> tuple[str, ...]:
        return tuple(m.split(":")[-1] for m in re.findall(r"{([^}]+)}", self.path))


def all_operations() -> dict[str, Operation]:
    from ninja.utils import normalize_path

    import himswasthya.urls  # noqa: F401 - mounts the routers on the API
    from himswasthya.core.api import api
    from himswasthya.records.fhir.api import fhir_api

    found: dict[str, Operation] = {}
    # The JSON API is mounted at /api/, the FHIR API at /fhir/ (urls.py).
    for mount, ninja_api in (("/api/", api), ("/fhir/", fhir_api)):
        for prefix, router in ninja_api._routers:
            for path, path_view in router.path_operations.items():
                for operation in path_view.operations:
                    full = normalize_path(f"{mount}{prefix}{path}")
                    for method in operation.methods:
                        op = Operation(method.upper(), full)
                        found[op.key] = op
    return found


OPERATIONS = all_operations()
PAGES = all_pages()


# --- who asks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    name: str
    role: str  # a policy role (ANONYMOUS for nobody)
    other_side: bool = False  # on side B: another facility/district/family than the rows asked about


PERSONAS = [
    Persona("anonymous", policy.ANONYMOUS),
    *(Persona(role, role) for role in policy.SIGNED_IN),
    *(
        Persona(f"other_{role}", role, other_side=True)
        for role in (policy.CITIZEN, *policy.FACILITY_STAFF, policy.DISTRICT_OFFICER)
    ),
    # HIMCARE and grievance officers may be narrowed to one district (accounts/scoping.py): these two are
    # narrowed to side B's district.
    Persona("other_himcare_officer", policy.HIMCARE_OFFICER, other_side=True),
    Persona("other_grievance_officer", policy.GRIEVANCE_OFFICER, other_side=True),
]


# --- the rows ----------------------------------------------------------------------------------------


@dataclass
class World:
    params: dict[str, Any] = field(default_factory=dict)  # kwarg -> value (side A)
    overrides: dict[tuple[str, str], Any] = field(default_factory=dict)  # (url key, kwarg) -> value
    sessions: dict[str, str] = field(default_factory=dict)  # persona -> session key
    markers: list[str] = field(default_factory=list)  # text only side A's rows show
    signed_in_at: float = 0.0  # when the personas' sessions began (time.time())


def _user(username: str, role: str, **fields: Any):
    from himswasthya.accounts.models import User

    user = User(username=username, role=role, first_name=username.title(), **fields)
    if role == policy.CITIZEN:
        user.set_unusable_password()
    else:
        user.set_password("Persona#Pass2026")
    user.save()
    return user


def _side(label: str, district, facility, mobile: str, scheme_year, specialty, tmp_dir) -> dict[str, Any]:
    """One facility in one district with its staff, a citizen's family and the rows the URLs name."""
    from himswasthya.abdm.models import AbhaLinkRequest
    from himswasthya.facilities.models import OpdClosure
    from himswasthya.himcare.models import CaseStatus, Document, MisuseFlag, MisuseRule
    from himswasthya.himcare.tests.factories import make_active_enrolment, make_empanelment, make_family
    from himswasthya.himcare.tests.monitoring_factories import days_ago, make_case
    from himswasthya.himparivar.models import ImportRun
    from himswasthya.people import services as people_services
    from himswasthya.people.models import Person
    from himswasthya.places.models import Block, GramPanchayat
    from himswasthya.records import services as records
    from himswasthya.registration.models import AppointmentStatus
    from himswasthya.registration.scan_share_models import ScanShareToken
    from himswasthya.registration.tests import queue_factories as qf

    users = {"citizen": _user(f"citizen-{label}", policy.CITIZEN, mobile=mobile)}
    for role in policy.FACILITY_STAFF:
        users[role] = _user(f"{role}-{label}", role, facility=facility)
    users[policy.DISTRICT_OFFICER] = _user(
        f"district_officer-{label}", policy.DISTRICT_OFFICER, district=district
    )

    code = 9000 + district.lgd_code
    block = Block.objects.create(
        lgd_code=code, name=f"Block {label}", name_hi=f"ब्लॉक {label}", district=district
    )
    gp = GramPanchayat.objects.create(
        lgd_code=code * 10,
        source_id=f"AP-{label}",
        name=f"GP {label}",
        name_hi="पंचायत",
        district=district,
        block=block,
    )
    family, members = make_family(
        district,
        [
            {
                "name_roman": f"Asha {label}",
                "sex": "F",
                "year_of_birth": 1980,
                "relation": "SELF",
                "mobile": mobile,
            },
            {"name_roman": f"Ramesh {label}", "sex": "M", "year_of_birth": 1978, "relation": "HUSBAND"},
        ],
        family_id=f"HP-FAM-AP-{label}",
        gram_panchayat=gp,
    )
    person = members[0].person
    enrolment = make_active_enrolment(family, scheme_year)
    empanelment = make_empanelment(facility, specialty)
    case = make_case(
        enrolment,
        facility,
        admitted_at=days_ago(5),
        discharged_at=days_ago(2),
        claimed_paise=5_000_00,
        status=CaseStatus.CLAIM_SUBMITTED,
    )
    flag = MisuseFlag.objects.create(rule=MisuseRule.NON_MEMBER_ADMISSION, case=case, facility=facility)
    # A case document; its file is written into each test's MEDIA_ROOT (_case_document_files).
    document = Document.objects.create(
        case=case, kind="bill", file=f"himcare/policy/bill-{label}.pdf", content_type="application/pdf"
    )
    day = qf.session_day(facility, qf.department("gen-med"))
    appointment = qf.appointment(day, person, status=AppointmentStatus.BOOKED, number=f"OPD-AP-{label}")
    type(day).objects.filter(pk=day.pk).update(online_booked=1)  # the place the booking holds
    # A signed consultation record of the appointment (so the family may read it too).
    encounter = records.open_encounter(
        users[policy.DOCTOR], person, facility, source_ref=f"opd:{appointment.number}"
    )
    records.sign(users[policy.DOCTOR], encounter)
    uhid = people_services.do_issue_uhid(person)  # found by the FHIR identifier search
    # The case's admission record with its signed discharge summary (a claim needs one), by the hospital desk.
    admission = records.open_encounter(
        users[policy.SCHEME_DESK], person, facility, source_ref=case.record_source, kind="admission"
    )
    records.save_draft(
        users[policy.SCHEME_DESK],
        admission,
        {
            "admitted_at": case.admitted_at,
            "chief_complaints": "Pain in the abdomen",
            "procedures": [{"name": "Cholecystectomy", "performed_on": timezone.localdate(days_ago(4))}],
            "discharge": {
                "discharged_at": case.discharged_at,
                "course_in_hospital": "Uneventful recovery",
                "condition_at_discharge": "recovered",
            },
        },
    )
    records.sign(users[policy.SCHEME_DESK], admission)
    closure = OpdClosure.objects.create(
        facility=facility, date=timezone.localdate() + datetime.timedelta(days=20), reason="Holiday"
    )
    survivor = Person.objects.create(
        given_name="Dup",
        family_name=label,
        name_roman=f"Dup {label}",
        sex="M",
        year_of_birth=1990,
        district=district,
    )
    duplicate = Person.objects.create(
        given_name="Dup",
        family_name=label,
        name_roman=f"Dup {label}",
        sex="M",
        year_of_birth=1990,
        district=district,
    )
    merge = people_services.do_merge_persons(survivor, duplicate, users[policy.FACILITY_ADMIN], "same person")
    error_report = tmp_dir / f"errors-{label}.csv"
    error_report.write_text("line,error\n")
    run = ImportRun.objects.create(
        started_by=users[policy.DISTRICT_OFFICER],
        file_name=f"register-{label}.csv",
        error_report_path=str(error_report),
        file_format="csv",
    )
    link_request = AbhaLinkRequest.objects.create(
        person=person,
        abha_number=f"9100000000{district.lgd_code:04d}",
        profile_name=f"Asha {label}",
        score=70,
        reason=AbhaLinkRequest.Reason.GREY_ZONE,
        channel="staff",
        purpose="registration",
        requested_by=users[policy.CLERK],
    )
    token = ScanShareToken.objects.create(
        facility=facility,
        date=timezone.localdate(),
        token_number=1,
        hip_id=f"IN02{label}",
        abha_address=f"asha.{label.lower()}@sbx",
        name=f"Asha {label}",
        expires_at=timezone.now() + datetime.timedelta(hours=4),
    )
    return {
        "users": users,
        "markers": [
            family.family_id,
            appointment.number,
            enrolment.enrolment_no,
            enrolment.card_number,
            case.case_no,
            case.claim.claim_no,
            person.name_roman,
            members[1].person.name_roman,
        ],
        "params": {
            "lgd_code": district.lgd_code,
            "code": facility.code,
            "facility_code": facility.code,
            "department_code": day.department.code,
            "person_id": person.pk,
            "merge_id": merge.pk,
            "run_id": run.pk,
            "family_id": family.family_id,
            "request_id": link_request.pk,
            "number": appointment.number,
            "session_day_id": day.pk,
            "encounter_id": encounter.pk,
            "session_id": day.session_id,
            "closure_id": closure.pk,
            "token_id": token.pk,
            "enrolment_id": enrolment.pk,
            "empanelment_id": empanelment.pk,
            "flag_id": flag.pk,
            "gp_id": gp.pk,
            "case_id": case.pk,
            "document_id": document.pk,
            "claim_id": case.claim.pk,
            "block_lgd_code": block.lgd_code,
            "department_pk": day.department_id,
            "enrolled_member_pk": enrolment.members.order_by("pk")[0].pk,
            "person2_pk": members[1].person.pk,
            "uhid": uhid,
        },
    }


def _second_factor(client: Client, user) -> None:
    """Staff sessions as after a full sign-in: verified with a second factor where the role needs one."""
    from himswasthya.accounts.mfa import needs_second_factor
    from himswasthya.accounts.tests.fixtures import mark_second_factor_verified

    if needs_second_factor(user):
        mark_second_factor_verified(client, user)


def _verify_side_a_family(client: Client, enrolled_member_pk: int) -> None:
    """Side A's desks verified side A's family (identifier and second fact), as a desk does before opening a
    case: the case page and the pre-authorisation accept only such a family's members (issue #10 item 6)."""
    from himswasthya.himcare.models import EnrolledMember
    from himswasthya.himcare.tests.factories import verify_at_desk

    verify_at_desk(client, EnrolledMember.objects.get(pk=enrolled_member_pk).enrolment)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    from himswasthya.facilities.models import Facility
    from himswasthya.himcare.tests.factories import make_package, make_scheme_year, make_specialty
    from himswasthya.places.models import District, State

    # The world is built, and every test runs, at 10:00 today in Himachal (the clock ticks on): built just
    # before midnight, "today's" OPD session had closed and the booking operations were refused.
    morning = time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10))), tick=True
    )
    morning.start()
    django_db_blocker.unblock()
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        state = State.objects.create(lgd_code=2, name="Himachal Pradesh", name_hi="हिमाचल प्रदेश")
        shimla = District.objects.create(lgd_code=23, name="Shimla", name_hi="शिमला", state=state)
        kangra = District.objects.create(lgd_code=18, name="Kangra", name_hi="कांगड़ा", state=state)
        hospital_a = Facility.objects.create(
            code="AP-MC-SML",
            name="Policy College Shimla",
            name_hi="शिमला",
            facility_type="MC",
            district=shimla,
        )
        hospital_b = Facility.objects.create(
            code="AP-CH-KGR",
            name="Policy Hospital Kangra",
            name_hi="कांगड़ा",
            facility_type="CH",
            district=kangra,
        )
        year = make_scheme_year()
        specialty = make_specialty()
        make_package(specialty=specialty)
        tmp_dir = tmp_path_factory.mktemp("access_policy")
        side_a = _side("A", shimla, hospital_a, "9876543210", year, specialty, tmp_dir)
        side_b = _side("B", kangra, hospital_b, "9876500000", year, specialty, tmp_dir)
        users = dict(side_a["users"])
        users.update({f"other_{role}": user for role, user in side_b["users"].items()})
        for role in policy.STATE_STAFF:
            users[role] = _user(
                role, role, **({"is_staff": True, "is_superuser": True} if role == policy.STATE_ADMIN else {})
            )
        for role in (policy.HIMCARE_OFFICER, policy.GRIEVANCE_OFFICER):
            users[f"other_{role}"] = _user(f"{role}-B", role, district=kangra)
        w = World(params=side_a["params"], markers=side_a["markers"])
        block = side_a["params"]["block_lgd_code"]
        w.overrides.update(
            {
                ("places:block", "lgd_code"): block,
                ("GET /api/places/blocks/{lgd_code}/gram-panchayats", "lgd_code"): block,
                ("opd_setup:opd_session_edit", "pk"): side_a["params"]["session_id"],
                ("opd_setup:opd_session_deactivate", "pk"): side_a["params"]["session_id"],
                ("opd_setup:opd_closure_delete", "pk"): side_a["params"]["closure_id"],
                ("registration:doctor_action", "action"): "complete",
                ("himcare:case_action", "action"): "cancel",
                ("POST /api/himcare/empanelments/{empanelment_id}/{action}", "action"): "suspend",
                ("himcare_paysim_pay", "order_id"): "order_policy_test",
            }
        )
        for name, user in users.items():
            client = Client()
            client.force_login(user)
            _second_factor(client, user)
            if name in (policy.SCHEME_DESK, policy.FACILITY_ADMIN):
                _verify_side_a_family(client, side_a["params"]["enrolled_member_pk"])
            w.sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
        w.signed_in_at = time.time()
        django_db_blocker.restore()
        yield w
        django_db_blocker.unblock()
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        django_db_blocker.restore()
        morning.stop()


@pytest.fixture(autouse=True)
def _soon_after_signing_in(request, time_machine) -> None:
    """A test with the world runs at the start of the minute after its personas signed in (time-machine),
    however long this module takes on a busy machine: their sessions never reach the idle time-out (the
    requests that refresh `last_seen` are rolled back with each test)."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        time_machine.move_to((world.signed_in_at // 60 + 1) * 60)


@pytest.fixture(autouse=True)
def _case_document_files(request, settings) -> None:
    """The files of the world's case documents, in this test's MEDIA_ROOT (the conftest gives each test its
    own), so that opening one is answered by the permission check, not by a missing file."""
    if "world" in request.fixturenames:
        from himswasthya.himcare.models import Document

        for name in Document.objects.exclude(file="").values_list("file", flat=True):
            path = settings.MEDIA_ROOT / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4 policy\n")


@pytest.fixture(autouse=True)
def _own_counters(settings):
    """Rate-limit counters in a fresh cache namespace per test (the Redis database may be shared), and limits
    high enough that every persona asking once is never throttled."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-access-policy-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }
    settings.PEOPLE_SEARCH_PER_MINUTE = 10_000
    settings.HIMCARE_VERIFY_PER_MINUTE = 10_000
    # Outside services at a closed port (never a demo server that may run on this machine): an allowed
    # request that reaches them gets a fast 502/503, which the permission check counts as let through.
    closed = "http://127.0.0.1:9"
    settings.ABDM_GATEWAY_URL = f"{closed}/gateway"
    settings.ABDM_ABHA_URL = f"{closed}/abha"
    settings.ABDM_RETRY_BACKOFF_SECONDS = 0
    settings.HIMCARE_PAYMENT_GATEWAY_URL = f"{closed}/paysim"
    settings.HIMPARIVAR_API_URL = f"{closed}/himparivar"


# --- asking ------------------------------------------------------------------------------------------


def _refusal_pages() -> tuple[str, ...]:
    """Where a refused visitor is sent: the sign-in pages and the second-factor page."""
    from django.urls import NoReverseMatch

    found = ["/admin/login/"]
    for name in (settings.LOGIN_URL, "accounts:mobile_login", "accounts:mfa"):
        try:
            found.append(reverse(name))
        except NoReverseMatch:
            continue
    return tuple(found)


LOGIN_PATHS = _refusal_pages()


@dataclass
class Outcome:
    outcome: str  # ok | denied | error
    method: str
    status: int | str
    detail: str = ""
    body: bytes = field(default=b"", repr=False)

    def __str__(self) -> str:
        return f"{self.outcome} ({self.method} {self.status}{' ' + self.detail if self.detail else ''})"


def _classify(method: str, response: Any) -> Outcome:
    status = response.status_code
    if status in (502, 503, 504):
        # An outside service (register, gateway) unreachable in the test: the permission layer let it through.
        return Outcome("ok", method, status, "upstream")
    if status >= 500:
        return Outcome("error", method, status)
    if status in (401, 403, 404):
        return Outcome("denied", method, status)
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        to_login = any(target.startswith(p) or target.startswith(f"/hi{p}") for p in LOGIN_PATHS)
        return Outcome("denied" if to_login else "ok", method, status, f"-> {target}")
    if status == 405:
        return Outcome("method", method, status)
    if status == 429:
        return Outcome("error", method, status, "rate limited")
    return Outcome("ok", method, status)


def _later(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@dataclass(frozen=True)
class Multipart:
    fields: dict[str, Any]


# Valid bodies for the writes whose scope check comes after input validation: with an empty body the other
# side's persona would only ever see a 422. Requests are rolled back, so a valid body changes nothing.
BODIES: dict[str, Any] = {
    # writes that name side A's rows in the body (ROW_IN_BODY)
    "POST /api/himcare/enrolments": lambda p: {
        "family_id": p["family_id"],
        "channel": "citizen" if p["role"] == policy.CITIZEN else "counter",  # the channels each role may use
    },
    "POST /api/registration/appointments/": lambda p: {
        "person_id": p["person_id"],
        "session_id": p["session_id"],
        "date": _later(7),
    },
    "POST /api/registration/check-in/": lambda p: {"number": p["number"]},
    "POST /api/records/encounters": lambda p: {
        "person_id": p["person_id"],
        "source_ref": f"opd:{p['number']}",
    },
    "POST /api/registration/walk-ins/": lambda p: {
        "person_id": p["person_id"],
        "department_id": p["department_pk"],
    },
    "POST /api/people/merge": lambda p: {
        "survivor_id": p["person_id"],
        "duplicate_id": p["person2_pk"],
        "reason": "same person",
    },
    "POST /api/abdm/verify/search": lambda p: {"abha_address": "asha.a@sbx"},
    "POST /api/abdm/verify/otp/request": lambda p: {"abha_number": "91-0000-0000-0023"},
    "POST /api/abdm/verify/otp/confirm": lambda p: {"txn_id": "policy-test-txn", "otp": "123456"},
    "POST /api/abdm/link/person/{person_id}/confirm": lambda p: {"verification_id": "policy-test"},
    "POST /api/abdm/link/person/{person_id}/score": lambda p: {"verification_id": "policy-test"},
    "POST /api/abdm/link/person/{person_id}/otp/confirm": lambda p: {
        "txn_id": "policy-test",
        "otp": "123456",
    },
    "POST /api/abdm/link/person/{person_id}/otp/resend": lambda p: {"txn_id": "policy-test"},
    "POST /api/abdm/link/person/{person_id}/unlink": lambda p: {"reason": "wrong person"},
    "POST /api/abdm/link/reviews/{request_id}/reject": lambda p: {"note": "not the same person"},
    "POST /api/facilities/{code}/opd/closures": lambda p: {"date": _later(40), "reason": "Holiday"},
    "POST /api/facilities/{code}/opd/sessions": lambda p: {
        "department": p["department_code"],
        "weekday": (timezone.localdate().weekday() + 3) % 7,
        "starts_at": "14:00",
        "ends_at": "16:00",
        "online_quota": 5,
        "walk_in_quota": 5,
    },
    "PUT /api/facilities/{code}/opd/policy": lambda p: {
        "booking_window_days": 7,
        "cancellation_cutoff_minutes": 60,
    },
    "POST /api/himcare/cases/{case_id}/answer-query": lambda p: {"text": "the answer"},
    "POST /api/himcare/cases/{case_id}/cancel": lambda p: {"reason": "patient left"},
    "POST /api/himcare/cases/{case_id}/discharge": lambda p: {
        "discharged_at": timezone.now().isoformat(),
        "final_icd10_codes": ["K80.2"],
        "discharge_summary": "recovered",
    },
    "POST /api/himcare/cases/{case_id}/documents": lambda p: Multipart(
        {"kind": "bill", "file": SimpleUploadedFile("bill.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
    ),
    "POST /api/himcare/cases/{case_id}/decide": lambda p: {"decision": "reject", "note": "not covered"},
    "POST /api/himcare/claims/{claim_id}/adjudicate": lambda p: {"decision": "reject", "note": "not covered"},
    "POST /api/himcare/claims/{claim_id}/payment": lambda p: {"payment_ref": "UTR-POLICY-1"},
    "POST /api/himcare/enrolments/{enrolment_id}/cancel": lambda p: {"reason": "duplicate enrolment"},
    "POST /api/himcare/empanelments/{empanelment_id}/{action}": lambda p: {"reason": "inspection pending"},
    "POST /api/himcare/monitoring/flags/{flag_id}/review": lambda p: {
        "decision": "cleared",
        "note": "checked",
    },
    "POST /api/himcare/claims/{claim_id}/answer-query": lambda p: {"text": "the answer"},
    "POST /api/himcare/enrolments/{enrolment_id}/counter-payment": lambda p: {"receipt_no": "R-POLICY-1"},
    "POST /api/himcare/enrolments/{enrolment_id}/renew": lambda p: {"channel": "counter"},
    "POST /api/registration/appointments/{number}/reschedule/": lambda p: {
        "session_id": p["session_id"],
        "date": _later(7),
    },
    "POST /api/registration/scan-share/tokens/{token_id}/register/": lambda p: {
        "department_id": p["department_pk"]
    },
    # pages (form fields)
    "abdm:link_review_decide": lambda p: {"decision": "reject", "note": "not the same person"},
    "registration:scan_share_register": lambda p: {"department": p["department_pk"]},
    "himcare:empanelment_action": lambda p: {"action": "suspend", "reason": "inspection pending"},
    "registration:book_confirm": lambda p: {
        "person": p["person_id"],
        "session": p["session_id"],
        "date": _later(7),
        "fee_exemption": "none",
    },
    "registration:counter_walk_in": lambda p: {
        "person": p["person_id"],
        "department": p["department_pk"],
        "fee_exemption": "none",
    },
    "registration:counter_check_in": lambda p: {"code": p["number"]},
}


# Pages and operations without a row in their path whose body (BODIES) names side A's rows: asked by the other
# side too.
ROW_IN_BODY = {
    "POST /api/himcare/enrolments",
    "POST /api/registration/appointments/",
    "POST /api/registration/walk-ins/",
    "POST /api/people/merge",
    "POST /api/registration/check-in/",
    "POST /api/records/encounters",
    "registration:book_confirm",
    "registration:counter_walk_in",
    "registration:counter_check_in",
}

# API operations without a row in their path whose query (QUERIES) names side A's row: asked by the other side
# too, which must be refused.
ROW_IN_QUERY = {
    "GET /fhir/Encounter",
    "GET /fhir/Condition",
    "GET /fhir/MedicationRequest",
}

# Query strings a page needs to get past its input check (page -> function of the side-A parameters).
QUERIES: dict[str, Any] = {
    "himcare:case_new": lambda p: f"?enrolled_member={p['enrolled_member_pk']}",
    # API operations: searches (side A's patient; the identifier search is a list narrowed by scope)
    "GET /fhir/Patient": lambda p: f"?identifier={p['uhid']}",
    "GET /fhir/Encounter": lambda p: f"?patient={p['person_id']}",
    "GET /fhir/Condition": lambda p: f"?patient={p['person_id']}",
    "GET /fhir/MedicationRequest": lambda p: f"?patient={p['person_id']}",
}


def _body(world: World, key: str, persona: Persona) -> Any:
    """A fresh body per request (an uploaded file can be read once); `role` tells who is asking."""
    return BODIES[key]({**world.params, "role": persona.role}) if key in BODIES else None


def _request(
    world: World, persona: Persona, method: str, path: str, *, api: bool, body: Any = None
) -> Outcome:
    client = Client()
    if persona.role != policy.ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona.name]
    with transaction.atomic():
        try:
            if api and isinstance(body, Multipart):
                response = client.post(path, body.fields)
            elif api:
                data = (
                    json.dumps(body if body is not None else {}) if method in ("POST", "PUT", "PATCH") else ""
                )
                response = client.generic(method, path, data=data, content_type="application/json")
            elif method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, body or {})
            outcome = _classify(method, response)
            if outcome.outcome == "ok" and response.status_code == 200:
                outcome.body = (
                    b"".join(cast(Any, response).streaming_content)
                    if response.streaming
                    else bytes(response.content)
                )
        except Exception as exc:  # noqa: BLE001 - any exception is a failure to report, not to stop on
            outcome = Outcome("error", method, type(exc).__name__, str(exc)[:200])
        transaction.set_rollback(True)
    return outcome


def _expected(access: Access, persona: Persona, names_a_row: bool) -> str:
    if access == ALLOW:
        return "ok"
    if access == SCOPED:
        return "denied" if persona.other_side and names_a_row else "ok"
    return "denied"


def _params(world: World, key: str, kwargs: tuple[str, ...]) -> dict[str, Any]:
    values = {}
    for kwarg in kwargs:
        if (key, kwarg) in world.overrides:
            values[kwarg] = world.overrides[(key, kwarg)]
        elif kwarg in world.params:
            values[kwarg] = world.params[kwarg]
        else:
            pytest.fail(f"{key}: no test value for the path parameter {kwarg!r}: add it to the world fixture")
    return values


def _names_a_row(key: str, kwargs: tuple[str, ...]) -> bool:
    return key in ROW_IN_BODY or key in ROW_IN_QUERY or any(k not in {"action", "order_id"} for k in kwargs)


def _check(world: World, key: str, rule: policy.Rule | None, kwargs: tuple[str, ...], ask) -> None:
    """Ask as every persona and compare; an undeclared URL (rule None) fails with what everyone got."""
    declared = rule is not None
    rule = rule or policy.NOBODY
    names_a_row = _names_a_row(key, kwargs)
    failures = []
    for persona in PERSONAS:
        # A list (no row in the URL) is asked by the other side only where it is narrowed by scope; then it
        # must not show side A's rows.
        if persona.other_side and not names_a_row and rule[persona.role] != SCOPED:
            continue
        outcome = ask(persona)
        expected = _expected(rule[persona.role], persona, names_a_row)
        if not declared:
            failures.append(f"  {persona.name:26} got {outcome}")
        elif outcome.outcome != expected:
            failures.append(f"  {persona.name:26} expected {expected:7} got {outcome}")
        elif persona.other_side and outcome.body:
            shown = [m for m in world.markers if m.encode() in outcome.body]
            if shown:
                failures.append(f"  {persona.name:26} sees side A's rows: {', '.join(shown)} ({outcome})")
    if not declared:
        pytest.fail(
            f"{key} is not declared in accounts/access_policy.py:\n" + "\n".join(failures), pytrace=False
        )
    if failures:
        pytest.fail(f"{key}: access differs from the declared policy:\n" + "\n".join(failures), pytrace=False)


# --- the tests ---------------------------------------------------------------------------------------

# The admin pages requested (the family's other pages name objects or are variants of these); admin:logout
# is not requested: it would end the session the other admin pages are asked with.
ADMIN_REQUESTED = re.compile(r"^admin:(index|login|password_change|\w+_changelist|\w+_add)$")


def test_policy_speaks_of_every_role() -> None:
    from himswasthya.accounts.models import Role

    assert set(policy.ROLES) == {*(r.value for r in Role), policy.ANONYMOUS}
    for key, rule in {**policy.PAGES, **policy.API}.items():
        assert set(rule) == set(policy.ROLES), key
        assert all(isinstance(v, Access) for v in rule.values()), key


def test_every_url_is_declared() -> None:
    missing = sorted(name for name in PAGES if policy.page_rule(name) is None)
    assert not missing, "URLs missing from accounts/access_policy.py PAGES:\n" + "\n".join(missing)
    stale = sorted(
        name
        for name in policy.PAGES
        if name not in PAGES
        and name != policy.ADMIN_FAMILY
        and not name.startswith(policy.SIMULATOR_PREFIXES)
    )
    assert not stale, "PAGES declares URLs that do not exist:\n" + "\n".join(stale)


def test_every_api_operation_is_declared() -> None:
    missing = sorted(key for key in OPERATIONS if key not in policy.API)
    assert not missing, "API operations missing from accounts/access_policy.py API:\n" + "\n".join(missing)
    stale = sorted(key for key in policy.API if key not in OPERATIONS)
    assert not stale, "API declares operations that do not exist:\n" + "\n".join(stale)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", [n for n in sorted(PAGES) if not n.startswith("admin:") or ADMIN_REQUESTED.match(n)]
)
def test_page_access(world: World, name: str) -> None:
    rule = policy.page_rule(name)
    page = PAGES[name]
    if name.startswith("?"):
        pytest.fail(f"{page.route}: every URL outside the admin needs a name to be declared")
    path = reverse(name, kwargs=_params(world, name, page.kwargs))
    path += QUERIES[name](world.params) if name in QUERIES else ""

    def ask(persona: Persona) -> Outcome:
        if name in BODIES:  # a form to submit
            return _request(world, persona, "POST", path, api=False, body=_body(world, name, persona))
        outcome = _request(world, persona, "GET", path, api=False)
        if outcome.outcome == "method":
            outcome = _request(world, persona, "POST", path, api=False, body=_body(world, name, persona))
        return outcome

    _check(world, name, rule, page.kwargs, ask)


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_api_access(world: World, key: str) -> None:
    rule = policy.API.get(key)
    op = OPERATIONS[key]
    values = _params(world, key, op.kwargs)
    path = re.sub(r"{(?:\w+:)?(\w+)}", lambda m: str(values[m.group(1)]), op.path)
    path += QUERIES[key](world.params) if key in QUERIES else ""

    def ask(persona: Persona) -> Outcome:
        outcome = _request(world, persona, op.method, path, api=True, body=_body(world, key, persona))
        if (
            persona.role == policy.ANONYMOUS
            and outcome.outcome == "denied"
            and outcome.status not in (401, 403)
        ):
            outcome.outcome, outcome.detail = "error", "an anonymous API refusal must be 401/403"
        return outcome

    _check(world, key, rule, op.kwargs, ask)


@pytest.mark.django_db
def test_a_desk_reaches_a_member_only_through_verification(world: World) -> None:
    """The policy table can say who may raise a case, not "only for a member just verified": this can.
    Regression (issue #10 item 6): /himcare/cases/new/?enrolled_member=<id> showed any district's member to
    any scheme desk. Side A's desks verified their family in the world fixture; side B's did not."""
    path = reverse("himcare:case_new") + QUERIES["himcare:case_new"](world.params)
    outcome = _request(
        world, Persona("other_scheme_desk", policy.SCHEME_DESK, other_side=True), "GET", path, api=False
    )
    assert outcome.outcome == "denied", outcome
    assert not [m for m in world.markers if m.encode() in outcome.body]
