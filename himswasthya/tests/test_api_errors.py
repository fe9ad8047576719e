"""Every error under /api/ is JSON {code, message, field} - also with DEBUG off (issue #10 item 4) - and the
OpenAPI schema names each schema once, with the common errors documented (item 5)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client, RequestFactory
from ninja import Schema

from himswasthya.core import api as core_api


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def _is_api_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert body["code"] == code and body["message"], body


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(production, client):
    _is_api_error(client.get("/api/no-such-thing/"), 404, "not_found")
    # elsewhere the site's page
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_wrong_method_is_a_json_405_with_allow(production, client):
    response = client.delete("/api/places/districts")
    _is_api_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_an_unexpected_exception_is_a_json_500(production, monkeypatch):
    from himswasthya.places import services

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "districts_with_counts", broken)
    response = Client(raise_request_exception=False).get("/api/places/districts")
    _is_api_error(response, 500, "server_error")
    assert "a bug" not in response.content.decode()


@pytest.mark.django_db
def test_not_signed_in_is_a_json_401(production, client):
    _is_api_error(client.get("/api/accounts/me"), 401, "not_authenticated")


@pytest.mark.django_db
def test_a_missing_csrf_token_is_a_json_403(production, login_as, clerk):
    client = login_as(clerk, enforce_csrf_checks=True)
    _is_api_error(client.post("/api/accounts/logout"), 403, "csrf_failed")


def test_django_error_views_answer_json_under_api_only(production):
    factory = RequestFactory()
    api_request, page_request = factory.get("/api/anything"), factory.get("/people/")
    _is_api_error(core_api.handler500(api_request), 500, "server_error")
    _is_api_error(core_api.handler404(api_request, None), 404, "not_found")
    _is_api_error(core_api.handler403(api_request, None), 403, "forbidden")
    _is_api_error(core_api.handler400(api_request, None), 400, "bad_request")
    _is_api_error(core_api.csrf_failure(factory.post("/api/x"), reason="no token"), 403, "csrf_failed")
    assert core_api.handler500(page_request)["Content-Type"].startswith("text/html")
    assert core_api.csrf_failure(factory.post("/login/"), reason="x")["Content-Type"].startswith("text/html")


def test_the_error_views_are_the_projects():
    from django.conf import settings

    from himswasthya import urls

    assert urls.handler404 == "himswasthya.core.api.handler404"
    assert urls.handler500 == "himswasthya.core.api.handler500"
    assert settings.CSRF_FAILURE_VIEW == "himswasthya.core.api.csrf_failure"


# --- the schema ----------------------------------------------------------------------------------------
def _api_schemas() -> dict[str, list[str]]:
    import himswasthya.urls  # noqa: F401 - mounts every router

    seen: dict[str, list[str]] = {}
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("himswasthya."):
            seen.setdefault(cls.__name__, []).append(f"{cls.__module__}.{cls.__qualname__}")
    return seen


def test_every_api_schema_has_its_own_name():
    """OpenAPI components are keyed by class name: two `MemberOut`s made the schema describe the wrong one
    (MemberOut.enrolled_member_id, PackageOut.quantity, served/has_abha in /api/people/stats)."""
    clashes = {name: where for name, where in _api_schemas().items() if len(set(where)) > 1}
    assert not clashes


@pytest.mark.django_db
def test_the_schema_documents_the_common_errors(client):
    schema = client.get("/api/openapi.json").json()
    assert {"ErrorOut", "ValidationErrorOut"} <= set(schema["components"]["schemas"])
    me = schema["paths"]["/api/accounts/me"]["get"]["responses"]
    assert {"200", "401", "403"} <= set(me)
    search = schema["paths"]["/api/people/search"]["get"]["responses"]
    assert {"200", "400", "401", "403", "404", "422", "429"} <= set(search)
    districts = schema["paths"]["/api/places/districts"]["get"]["responses"]
    assert set(districts) == {"200"}  # public, no input: nothing else can happen
    gps = schema["paths"]["/api/places/districts/{lgd_code}/gram-panchayats"]["get"]["responses"]
    assert set(gps) == {"200", "400", "404", "422"}
    stats = schema["components"]["schemas"]["PeopleStatsOut"]["properties"]
    assert "districts" in stats and "served" not in stats


@pytest.mark.django_db
def test_the_docs_page_still_works(client):
    assert client.get("/api/docs").status_code == 200


# --- times of day ---------------------------------------------------------------------------------------
def test_a_time_of_day_answers_with_the_state_offset() -> None:
    class Out(Schema):
        at: core_api.WallTimeOut

    assert json.loads(Out(at=datetime.time(9, 30)).model_dump_json()) == {"at": "09:30:00+05:30"}
    assert Out(at=datetime.time(9, 30)).model_dump() == {"at": "09:30:00+05:30"}


def test_a_time_of_day_with_an_offset_is_read_on_the_state_clock() -> None:
    class In(Schema):
        at: core_api.WallTimeIn

    def read(text: str) -> datetime.time:
        return In.model_validate({"at": text}).at

    assert read("09:30") == datetime.time(9, 30)
    assert read("09:30:00+05:30") == datetime.time(9, 30)
    assert read("04:00:00Z") == datetime.time(9, 30)
    assert read("04:00:00Z").tzinfo is None  # what the database (SQLite too) can store
