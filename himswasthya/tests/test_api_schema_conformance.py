"""The API keeps to its own OpenAPI schema (issue #10 item 5): schemathesis over /api/openapi.json.

For a staff member (the facility administrator of a medical college: OPD set-up, the counter, the queue,
the HIMCARE desk, people and linking; state-level roles need a second factor and are not used here) and a
citizen with a family, every operation gets a bounded number of generated requests, valid and invalid
(hypothesis, derandomised, so a run is repeatable), sent in-process to Django's WSGI application with the
session cookie and the CSRF header. Each answer must be:

- no server error (5xx) other than a documented upstream error (502/503/504 where the operation declares it);
- a documented status code;
- a body that conforms to the schema declared for that status (types, formats, required fields).

Data: a small world (facility with an OPD session, the citizen's family with an active HIMCARE card, a case
and a claim, a package, an empanelment) so that valid ids exist; besides the generated ids, each operation
is also tried with the world's real path ids. The ABDM gateway, the payment gateway and the Him Parivar
register point at a closed local port: those operations answer their documented 503, nothing leaves the
machine, and SMS go to the in-memory outbox (conftest).

Nothing is excluded.
"""

from __future__ import annotations

import datetime
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string  # type: ignore[attr-defined]
from django.test import Client
from django.utils import timezone

EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "5"))  # per operation, generation mode and role
STRICT = os.environ.get("API_SCHEMA_STRICT") == "1"
UPSTREAM_STATUSES = (502, 503, 504)
CLOSED_PORT = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


@dataclass
class Finding:
    role: str
    operation: str
    check: str
    status: int | None
    detail: str

    def __str__(self) -> str:
        return f"[{self.role}] {self.operation} -> {self.status} {self.check}: {self.detail}"


@dataclass
class Report:
    cases: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per operation, to keep the run short


# --- the world ------------------------------------------------------------------------------------------
@pytest.fixture
def world(
    settings,
    citizen,
    facility_admin,
    persona_facility,
    persona_district,
):
    from himswasthya.facilities.departments import ensure_departments
    from himswasthya.facilities.models import Department, OpdSession
    from himswasthya.himcare.tests.factories import (
        make_active_enrolment,
        make_empanelled_package,
        make_family,
        make_scheme_year,
    )

    settings.ABDM_GATEWAY_URL = f"{CLOSED_PORT}/gateway"
    settings.ABDM_ABHA_URL = f"{CLOSED_PORT}/abha"
    settings.ABDM_RETRIES = 0
    settings.ABDM_TIMEOUT_SECONDS = 2
    settings.HIMCARE_PAYMENT_GATEWAY_URL = CLOSED_PORT
    settings.HIMCARE_PAYMENT_TIMEOUT_SECONDS = 2
    settings.HIMPARIVAR_API_URL = CLOSED_PORT
    settings.HIMPARIVAR_RETRIES = 0

    ensure_departments()
    medicine = Department.objects.get(code="general-medicine")
    persona_facility.departments.add(medicine)
    today = timezone.localdate()
    session = OpdSession.objects.create(
        facility=persona_facility,
        department=medicine,
        weekday=today.weekday(),
        kind="morning",
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(13, 0),
        online_quota=30,
        walk_in_quota=30,
    )
    year = make_scheme_year()
    family, members = make_family(
        persona_district,
        [
            {"name_roman": "Asha Devi", "sex": "F", "year_of_birth": 1980, "mobile": citizen.mobile},
            {"name_roman": "Ramesh Thakur", "sex": "M", "year_of_birth": 1978, "relation": "HUSBAND"},
        ],
        family_id="HP-FAM-API-1",
    )
    enrolment = make_active_enrolment(family, year)
    package = make_empanelled_package(persona_facility)
    return {
        "facility": persona_facility,
        "department": medicine,
        "session": session,
        "family": family,
        "person": members[0].person,
        "enrolment": enrolment,
        "enrolled_member": enrolment.members.order_by("id").first(),
        "package": package,
        "empanelment": package.specialty.empanelments.get(),
    }


def _path_values(world: dict[str, Any]) -> dict[str, Any]:
    """Real values for path parameters, by name."""
    return {
        "lgd_code": world["facility"].district.lgd_code,
        "code": world["facility"].code,
        "facility_code": world["facility"].code,
        "department_code": world["department"].code,
        "session_id": world["session"].pk,
        "family_id": world["family"].family_id,
        "person_id": world["person"].pk,
        "enrolment_id": world["enrolment"].pk,
        "empanelment_id": world["empanelment"].pk,
        "action": "suspend",
    }


# --- the run --------------------------------------------------------------------------------------------
def _cookies_for(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}


def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    if STRICT:  # also: invalid input refused (4xx), valid input accepted (not 400/422)
        from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

        checks += [negative_data_rejection, positive_data_acceptance]
    return checks


def _validate(case, response, *, role: str, headers: dict[str, str], report: Report) -> None:
    from schemathesis.core.failures import FailureGroup

    operation = case.operation
    name = f"{operation.method.upper()} {operation.path}"
    try:
        case.validate_response(response, checks=_checks(), headers=headers)
    except FailureGroup as group:
        for failure in group.exceptions:
            if _documented_upstream_error(operation, response.status_code, failure):
                continue
            detail = " ".join(str(failure).split())[:300] + f" | answer: {response.text[:200]}"
            report.findings.append(Finding(role, name, type(failure).__name__, response.status_code, detail))


def _try_operation(strategy, *, role: str, cookies: dict[str, str], report: Report) -> None:
    """Up to EXAMPLES requests drawn from `strategy`, each checked; findings collected, not raised."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable

    headers = {"X-CSRFToken": cookies["csrftoken"]}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def send(case) -> None:
        report.cases += 1
        with transaction.atomic():  # a savepoint: one failed request cannot break the next
            response = case.call(headers=headers, cookies=cookies)
        _validate(case, response, role=role, headers=headers, report=report)

    try:
        send()
    except Unsatisfiable:  # e.g. no invalid request exists for an operation without input
        pass


def _run(schema, role: str, user, path_values: dict[str, Any], report: Report) -> None:
    from schemathesis import GenerationMode

    for result in schema.get_all_operations():
        operation = result.ok()
        # A fresh session per operation: signing out (POST /api/accounts/logout) ends only its own.
        cookies = _cookies_for(user)
        strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
        names = [p.name for p in operation.path_parameters]
        if names and all(n in path_values for n in names):  # and once more with the world's real ids
            strategies.append(operation.as_strategy(path_parameters={n: path_values[n] for n in names}))
        started = time.monotonic()
        for strategy in strategies:
            _try_operation(strategy, role=role, cookies=cookies, report=report)
        key = f"[{role}] {operation.method.upper()} {operation.path}"
        report.seconds[key] = time.monotonic() - started


def _documented_upstream_error(operation, status: int, failure: Exception) -> bool:
    """502/503/504 from an operation that calls ABDM, the payment gateway or the register, and says so."""
    from schemathesis.core.failures import ServerError

    return (
        isinstance(failure, ServerError)
        and status in UPSTREAM_STATUSES
        and str(status) in operation.definition.raw.get("responses", {})
    )


def _schema():
    import schemathesis

    return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def _quiet_request_log() -> Iterator[None]:
    """Thousands of 4xx answers would each log a line; the findings below say what matters."""
    loggers = [logging.getLogger(name) for name in ("django.request", "himswasthya.api")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """Django's WSGI handler closes "old" database connections when a request starts and ends, which would
    close the test's transaction on PostgreSQL; its test client unhooks that too."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.long
@pytest.mark.whole_site
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facility_admin", "citizen"])  # one test each: parallel workers share them
def test_the_api_keeps_to_its_schema(role, request, world, _quiet_request_log, _keep_test_connection):
    schema = _schema()
    report = Report()
    started = time.monotonic()
    values = _path_values(world)
    _run(schema, role, request.getfixturevalue(role), values, report)
    seconds = time.monotonic() - started
    unique = sorted({str(f) for f in report.findings})
    print(
        f"\n{report.cases} cases in {seconds:.0f} s, {len(report.findings)} findings, {len(unique)} distinct"
    )
    slowest = sorted(report.seconds.items(), key=lambda item: -item[1])[:5]
    print("slowest: " + ", ".join(f"{name} {spent:.1f} s" for name, spent in slowest))
    assert not unique, "\n".join(unique[:200])
