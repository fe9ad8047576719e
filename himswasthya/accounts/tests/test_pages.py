"""Web pages: OTP sign-in flow, per-role home pages, language switch, error pages, headers, CSRF."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from himswasthya.accounts.models import User
from himswasthya.notify import sms

MOBILE = "9811122233"


def _otp_login(client: Client, mobile: str = MOBILE):
    response = client.post("/login/mobile/", {"mobile": mobile})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp")
    return client.post("/login/otp/", {"otp": sms.outbox[-1].text[:6]})


@pytest.mark.django_db
def test_landing_offers_both_logins(client):
    body = client.get("/").content.decode()
    assert "Login with mobile" in body and "Staff login" in body
    assert 'href="/login/mobile/"' in body and 'href="/login/"' in body


@pytest.mark.django_db
def test_citizen_signs_in_with_mobile_otp(client):
    response = _otp_login(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    user = User.objects.get(mobile=MOBILE)
    assert client.session[SESSION_KEY] == str(user.pk)
    home = client.get("/home/").content.decode()
    assert "Namaste" in home and "Book an OPD appointment" in home and "Sign out" in home


@pytest.mark.django_db
def test_otp_login_rotates_the_session(client):
    client.post("/login/mobile/", {"mobile": MOBILE})
    before = client.session.session_key
    client.post("/login/otp/", {"otp": sms.outbox[-1].text[:6]})
    assert client.session.session_key != before


@pytest.mark.django_db
def test_wrong_otp_shows_attempts_left(client):
    client.post("/login/mobile/", {"mobile": MOBILE})
    right = sms.outbox[-1].text[:6]
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    body = client.post("/login/otp/", {"otp": wrong}).content.decode()
    assert "Wrong OTP. 4 attempts left." in body
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_resend_too_soon_is_explained_on_the_page(client):
    client.post("/login/mobile/", {"mobile": MOBILE})
    body = client.post("/login/mobile/", {"mobile": MOBILE}).content.decode()
    assert "before asking for a new OTP" in body
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_otp_page_without_a_challenge_goes_back(client):
    assert client.get("/login/otp/")["Location"] == reverse("accounts:mobile_login")


@pytest.mark.django_db
def test_demo_mode_shows_the_otp_labelled(client, settings):
    settings.DEMO_MODE = True
    client.post("/login/mobile/", {"mobile": MOBILE})
    body = client.get("/login/otp/").content.decode()
    assert "Demo only" in body and sms.outbox[-1].text[:6] in body
    settings.DEMO_MODE = False
    assert "Demo only" not in client.get("/login/otp/").content.decode()


@pytest.mark.django_db
def test_otp_form_enforces_csrf():
    client = Client(enforce_csrf_checks=True)
    client.get("/login/mobile/")
    assert client.post("/login/mobile/", {"mobile": MOBILE}).status_code == 403
    assert not sms.outbox
    token = client.cookies["csrftoken"].value
    assert client.post("/login/mobile/", {"mobile": MOBILE, "csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clerk", "Persona Medical College Shimla"),
        ("doctor", "Persona Medical College Shimla"),
        ("facility_admin", "Persona Medical College Shimla"),
        ("district_officer", "Shimla"),
        ("other_district_officer", "Kangra"),
        ("himcare_officer", "All of Himachal Pradesh"),
        ("state_admin", "Audit log"),
    ],
)
def test_home_page_per_role(request, login_as, persona, expected):
    user = request.getfixturevalue(persona)
    body = login_as(user).get("/home/").content.decode()
    assert expected in body
    assert user.get_role_display() in body  # header shows the role


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


@pytest.mark.django_db
def test_language_switch_to_hindi_and_back(login_as, clerk):
    client = login_as(clerk)
    response = client.post("/i18n/setlang/", {"language": "hi", "next": "/home/"})
    assert response.status_code == 302
    body = client.get("/home/").content.decode()
    assert '<html lang="hi">' in body and "आपकी स्वास्थ्य संस्था" in body and "पर्सोना मेडिकल कॉलेज शिमला" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/home/"})
    body = client.get("/home/").content.decode()
    assert '<html lang="en">' in body and "Your facility" in body


@pytest.mark.django_db
def test_404_page_is_bilingual(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "पृष्ठ नहीं मिला" in body and 'lang="hi"' in body


@pytest.mark.django_db
def test_a_demo_served_with_debug_shows_the_sites_404_page_not_djangos(client, settings):
    """Issue #12 item 6: `make demo` serves with DEBUG on; visitors see our 404 page, in their language."""
    settings.DEBUG = True
    settings.DEMO_MODE = False
    assert "URLconf" in client.get("/no-such-page/").content.decode()  # Django's page, for developers
    settings.DEMO_MODE = True
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="hi")
    body = response.content.decode()
    assert response.status_code == 404 and "URLconf" not in body
    assert body.index("पृष्ठ नहीं मिला") < body.index("Page not found")
    api = client.get("/api/no-such-operation/")
    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_403_page_is_bilingual(login_as, citizen, settings):
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/x/")
    request.user = citizen
    body = permission_denied(request, PermissionDenied()).content.decode()
    assert "Access denied" in body and "पहुँच अस्वीकृत" in body
    assert body.index("<h1>Access denied</h1>") < body.index("पहुँच अस्वीकृत")  # English page: English first
    from django.utils import translation

    with translation.override("hi"):  # issue #12 item 4: not "Access denied" above the Hindi
        hindi = permission_denied(request, PermissionDenied()).content.decode()
    assert hindi.index("<h1>पहुँच अस्वीकृत</h1>") < hindi.index("Access denied")


def test_500_page_is_bilingual_and_self_contained():
    from django.template.loader import get_template

    body = get_template("500.html").render()
    assert "Something went wrong" in body and "कुछ गड़बड़ हो गई" in body


@pytest.mark.django_db
def test_security_headers_on_pages(client):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached(login_as, clerk):
    response = login_as(clerk).get("/home/")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_samesite(client, clerk):
    from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD

    client.post("/login/", {"username": "clerk", "password": PERSONA_PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_role_required_decorator(rf, clerk, citizen):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from himswasthya.accounts.models import Role
    from himswasthya.accounts.scoping import role_required

    @role_required(Role.REGISTRATION_CLERK)
    def view(request):
        return HttpResponse("ok")

    request = rf.get("/x/")
    request.user = clerk
    assert view(request).status_code == 200
    request.user = citizen
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = AnonymousUser()
    assert view(request).status_code == 302


@pytest.mark.django_db
def test_state_admin_can_open_the_user_admin(login_as, state_admin, clerk):
    client = login_as(state_admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    body = client.get(f"/admin/accounts/user/{clerk.pk}/change/").content.decode()
    assert "Role and scope" in body
