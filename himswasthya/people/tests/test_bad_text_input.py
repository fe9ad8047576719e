"""Issue #10 item 4 (SEC-27): text that cannot be stored - a lone surrogate such as JSON's "\\ud800", or a NUL
character - is refused with a 400 naming the field, never a 500 when the database encodes it."""

from __future__ import annotations

import json

import pytest

from himswasthya.people.models import Person


def _post(api, body: str):
    return api.post("/api/people/", body, content_type="application/json")


@pytest.mark.parametrize(
    "name",
    [
        r"Kamla \ud800 Devi",  # a lone high surrogate
        r"\udfff",  # a lone low surrogate
        r"Kamla \u0000 Devi",  # NUL: PostgreSQL refuses it in text
    ],
)
def test_api_refuses_unstorable_text_with_the_field(login_as, clerk, name):
    body = '{"name_roman": "' + name + '", "sex": "F", "year_of_birth": 1950, "confirm_new": true}'
    response = _post(login_as(clerk), body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "invalid_text"
    assert data["field"] == "name_roman"
    assert "character" in data["message"]
    assert not Person.objects.exists()


def test_a_nested_field_is_named_by_its_path(login_as, clerk):
    body = '{"name_roman": "Kamla", "extra": [{"x": "\\ud83d"}], "sex": "F", "year_of_birth": 1950}'
    data = _post(login_as(clerk), body).json()
    assert data["field"] == "extra.0.x"


def test_a_surrogate_pair_is_fine(login_as, clerk):
    body = json.dumps({"name_roman": "Kamla 😀 Devi", "sex": "F", "year_of_birth": 1950, "confirm_new": True})
    assert "\\ud83d" in body  # json.dumps escapes it as a pair
    response = _post(login_as(clerk), body)
    assert response.status_code != 500


def test_json_nested_too_deep_is_a_400(login_as, clerk):
    body = '{"name_roman": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = _post(login_as(clerk), body)
    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"


def test_hindi_message(login_as, clerk):
    body = '{"name_roman": "\\ud800", "sex": "F", "year_of_birth": 1950}'
    response = _post(login_as(clerk, HTTP_ACCEPT_LANGUAGE="hi"), body)
    assert response.status_code == 400 and "अक्षर" in response.json()["message"]


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "not valid text"), ("hi", "मान्य पाठ नहीं")],
)
def test_the_html_form_refuses_a_nul_naming_the_field(login_as, clerk, lang, message):
    body = "name_roman=Kamla%00Devi&sex=F&year_of_birth=1950&confirm_new=on"
    response = login_as(clerk, HTTP_ACCEPT_LANGUAGE=lang).post(
        "/people/new/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert text.startswith("name_roman: ") and message in text
    assert not Person.objects.exists()


def test_the_html_form_never_sees_a_lone_surrogate(login_as, clerk):
    """Django decodes form bodies with replacement characters: %ED%A0%80 (an encoded lone surrogate) arrives
    as U+FFFD, which can be stored; no 500."""
    body = "name_roman=Kamla%ED%A0%80Devi&sex=F&year_of_birth=1950&confirm_new=on"
    response = login_as(clerk).post("/people/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/api/people/search", {"q": "Kamla\x00"}),
        ("get", "/people/search/", {"q": "Kamla\x00"}),
        ("post", "/people/new/", {"name_roman": "Kamla", "given_name": "K\x00", "sex": "F"}),
    ],
)
def test_a_nul_anywhere_in_a_form_or_query_is_a_400_naming_the_field(login_as, clerk, method, url, data):
    """PostgreSQL refuses NUL in text (a 500 wherever a view passed request data to a query unchecked)."""
    response = getattr(login_as(clerk), method)(url, data)
    assert response.status_code == 400, response.status_code
    field = next(k for k, v in data.items() if "\x00" in v)
    assert field in response.content.decode()


@pytest.mark.parametrize("url", ["/facilities/AB%00C/", "/api/facilities/AB%00C/opd/", "/people/%ED%A0%80/"])
def test_a_nul_in_the_path_is_a_404(login_as, state_admin, url):
    """/facilities/<code>/ looked the code up as given: PostgreSQL refused the NUL with a 500."""
    assert login_as(state_admin).get(url).status_code == 404
