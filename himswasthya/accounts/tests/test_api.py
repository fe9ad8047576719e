"""/api/accounts/: OTP request/verify with session login, me, logout; DomainError shape; CSRF enforced."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from himswasthya.accounts import services
from himswasthya.accounts.models import User
from himswasthya.notify import sms

MOBILE = "9822233344"


def _post(client, path, data):
    return client.post(f"/api/accounts/{path}", data, content_type="application/json")


@pytest.mark.django_db
def test_otp_request_and_verify_by_challenge_id_logs_in(client):
    response = _post(client, "otp/request", {"mobile": MOBILE})
    assert response.status_code == 200
    body = response.json()
    assert body["mobile"] == "XXXXXX3344" and body["expires_in"] == 300 and body["resend_after"] == 60
    response = _post(
        client, "otp/verify", {"challenge_id": body["challenge_id"], "otp": sms.outbox[-1].text[:6]}
    )
    assert response.status_code == 200
    me = response.json()
    assert me["role"] == "citizen" and me["scope"] == "own"
    assert client.session[SESSION_KEY] == str(User.objects.get(mobile=MOBILE).pk)
    assert client.get("/api/accounts/me").json()["username"] == services.citizen_username(MOBILE)


@pytest.mark.django_db
def test_otp_verify_by_mobile(client):
    _post(client, "otp/request", {"mobile": MOBILE})
    response = _post(client, "otp/verify", {"mobile": MOBILE, "otp": sms.outbox[-1].text[:6]})
    assert response.status_code == 200


@pytest.mark.django_db
def test_errors_have_the_domain_error_shape(client):
    response = _post(client, "otp/request", {"mobile": "123"})
    assert response.status_code == 400
    assert response.json()["code"] == "mobile_invalid" and response.json()["field"] == "mobile"
    _post(client, "otp/request", {"mobile": MOBILE})
    response = _post(client, "otp/request", {"mobile": MOBILE})
    assert response.status_code == 429
    assert response.json()["code"] == "otp_resend_too_soon" and response.json()["message"]
    response = _post(
        client,
        "otp/verify",
        {"mobile": MOBILE, "otp": "000000" if sms.outbox[-1].text[:6] != "000000" else "111111"},
    )
    assert response.status_code == 400
    assert response.json() == {"code": "otp_wrong", "message": "Wrong OTP. 4 attempts left.", "field": "otp"}
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_errors_are_translated(client):
    response = client.post(
        "/api/accounts/otp/request",
        {"mobile": "123"},
        content_type="application/json",
        headers={"accept-language": "hi"},
    )
    assert "मोबाइल नंबर" in response.json()["message"]


@pytest.mark.django_db
def test_verify_needs_a_challenge_or_mobile(client):
    response = _post(client, "otp/verify", {"otp": "123456"})
    assert response.status_code == 400 and response.json()["field"] == "challenge_id"


@pytest.mark.django_db
def test_me_needs_login_and_reports_scope(client, login_as, clerk, district_officer, state_admin):
    assert client.get("/api/accounts/me").status_code == 401
    me = login_as(clerk).get("/api/accounts/me").json()
    assert me["role"] == "clerk" and me["scope"] == "facility"
    assert me["facility"]["name"] == "Persona Medical College Shimla" and me["district"]["name"] == "Shimla"
    me = login_as(district_officer).get("/api/accounts/me").json()
    assert me["scope"] == "district" and me["facility"] is None and me["district"]["name"] == "Shimla"
    assert login_as(state_admin).get("/api/accounts/me").json()["scope"] == "state"


@pytest.mark.django_db
def test_logout_kills_the_session(login_as, clerk):
    client = login_as(clerk)
    assert client.post("/api/accounts/logout").status_code == 204
    assert client.get("/api/accounts/me").status_code == 401


@pytest.mark.django_db
def test_api_posts_enforce_csrf(clerk):
    anonymous = Client(enforce_csrf_checks=True)
    response = _post(anonymous, "otp/request", {"mobile": MOBILE})
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert not sms.outbox
    response = _post(anonymous, "otp/verify", {"mobile": MOBILE, "otp": "123456"})
    assert response.status_code == 403

    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(clerk)
    assert _post(signed_in, "logout", {}).status_code == 403
    assert signed_in.get("/api/accounts/me").status_code == 200  # still signed in
    token = signed_in.get("/api/accounts/me").json()["csrf_token"]
    response = signed_in.post(
        "/api/accounts/logout", {}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 204


@pytest.mark.django_db
def test_api_otp_request_with_csrf_token_works():
    client = Client(enforce_csrf_checks=True)
    client.get("/login/mobile/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/accounts/otp/request",
        {"mobile": MOBILE},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_role_auth_refuses_other_roles(rf, citizen, clerk):
    from himswasthya.accounts.models import Role
    from himswasthya.accounts.scoping import RoleAuth
    from himswasthya.core.errors import Forbidden

    auth = RoleAuth(Role.REGISTRATION_CLERK)
    request = rf.get("/api/x")
    request.user = clerk
    assert auth.authenticate(request, "key") == clerk
    request.user = citizen
    with pytest.raises(Forbidden):
        auth.authenticate(request, "key")
