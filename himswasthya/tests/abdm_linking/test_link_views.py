# ruff: noqa: F401, F811 - pytest fixtures imported from link_fixtures are used as (or by) test arguments
"""/abdm/link/person/<id>/ and /abdm/link/reviews/: the clerk's flow against the simulator, and the queue."""

from __future__ import annotations

import pytest

from himswasthya.abdm import linking
from himswasthya.abdm.models import AbhaLinkConsent, AbhaLinkRequest, SimulatedOtpTransaction
from himswasthya.abdm.tests.conftest import DEMO_ADDRESS
from himswasthya.audit.models import AuditEntry
from himswasthya.people.models import PersonIdentifier

from .link_fixtures import GREY, _english_by_default, kangra_person, make_person, ramesh  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def url(person) -> str:
    return f"/abdm/link/person/{person.pk}/"


def walk_to_score(client, person, **start):
    fields = {"step": "start", "otp_system": "abdm", "consent": "on", **start}
    sent = client.post(url(person), fields)
    assert sent.status_code == 200, sent.content.decode()[:2000]
    txn_id = sent.context["otp_form"].initial["txn_id"]
    verified = client.post(url(person), {"step": "otp", "txn_id": txn_id, "otp": "123456"})
    assert verified.status_code == 200, verified.content.decode()[:2000]
    return verified


def test_a_clerk_verifies_sees_the_score_and_links(abdm_sim, demo_account, ramesh, clerk, login_as):
    client = login_as(clerk)
    page = client.get(url(ramesh))
    assert page.status_code == 200 and b'data-testid="consent-text"' in page.content
    assert AuditEntry.objects.filter(action="person.read", object_id=str(ramesh.pk)).exists()
    verified = walk_to_score(client, ramesh, abha_number="91-7604-8764-7595")
    assert b'data-testid="match-score">100<' in verified.content
    verification_id = verified.context["confirm_form"].initial["verification_id"]
    linked = client.post(url(ramesh), {"step": "link", "verification_id": verification_id})
    assert linked.context["outcome"].status == "linked"
    assert '<dd data-testid="linked-abha">91-7604-8764-7595</dd>' in linked.content.decode()
    # The verification is used once.
    again = client.post(url(ramesh), {"step": "link", "verification_id": verification_id})
    assert again.status_code == 400 and PersonIdentifier.objects.filter(person=ramesh).count() == 2


def test_the_abha_address_can_be_used_instead_of_the_number(abdm_sim, demo_account, ramesh, doctor, login_as):
    verified = walk_to_score(login_as(doctor), ramesh, abha_address=DEMO_ADDRESS)
    assert verified.context["verified"].profile.abha_number == "91760487647595"


def test_no_otp_is_requested_without_consent(abdm_sim, demo_account, ramesh, clerk, login_as):
    response = login_as(clerk).post(
        url(ramesh), {"step": "start", "abha_number": "91-7604-8764-7595", "otp_system": "abdm"}
    )
    assert response.status_code == 200 and "otp_form" not in response.context
    assert not SimulatedOtpTransaction.objects.exists() and not AbhaLinkConsent.objects.exists()


def test_consent_is_stored_before_the_otp_is_requested(abdm_sim, demo_account, ramesh, clerk, login_as):
    walk_to_score(login_as(clerk), ramesh, abha_number="91760487647595")
    consent = AbhaLinkConsent.objects.get()
    otp = SimulatedOtpTransaction.objects.get()
    assert consent.agreed_at <= otp.created_at
    assert (consent.text_version, consent.given_by.username, consent.channel) == (
        linking.CONSENT_TEXT_VERSION,
        "clerk",
        "staff",
    )
    assert len(consent.text_sha256) == 64


def test_a_wrong_otp_is_shown_on_the_otp_field(abdm_sim, demo_account, ramesh, clerk, login_as):
    client = login_as(clerk)
    sent = client.post(
        url(ramesh), {"step": "start", "abha_number": "91760487647595", "otp_system": "abdm", "consent": "on"}
    )
    txn_id = sent.context["otp_form"].initial["txn_id"]
    wrong = client.post(url(ramesh), {"step": "otp", "txn_id": txn_id, "otp": "000000"})
    assert wrong.status_code == 400 and wrong.context["error"]
    assert AuditEntry.objects.filter(action="abha_link.verify").exclude(detail__outcome="verified").exists()


def test_a_verification_cannot_be_replayed_on_another_person(
    abdm_sim, demo_account, ramesh, persona_district, clerk, login_as
):
    client = login_as(clerk)
    verified = walk_to_score(client, ramesh, abha_number="91760487647595")
    verification_id = verified.context["confirm_form"].initial["verification_id"]
    other = make_person(persona_district, mobile="9816000005")
    response = client.post(url(other), {"step": "link", "verification_id": verification_id})
    assert response.status_code == 400 and not PersonIdentifier.objects.exists()


def test_a_clerk_of_another_district_gets_404(abdm_sim, ramesh, other_facility_clerk, login_as):
    assert login_as(other_facility_clerk).get(url(ramesh)).status_code == 404


def test_a_district_officer_may_not_link(abdm_sim, ramesh, district_officer, login_as):
    assert login_as(district_officer).get(url(ramesh)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(abdm_sim, ramesh, client):
    response = client.get(url(ramesh))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_queue_lists_and_decides(ramesh, clerk, facility_admin, login_as):
    request = linking.do_link_abha(ramesh, GREY, clerk, "registration").request
    admin = login_as(facility_admin)
    queue = admin.get("/abdm/link/reviews/")
    assert queue.status_code == 200 and b'data-testid="review"' in queue.content
    assert b"91-XXXX-XXXX-7595" in queue.content and b"91760487647595" not in queue.content
    done = admin.post(f"/abdm/link/reviews/{request.pk}/", {"decision": "approve", "note": "Seen the card"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == AbhaLinkRequest.Status.APPROVED
    assert PersonIdentifier.objects.filter(person=ramesh, id_type="ABHA_NUMBER").exists()


def test_the_queue_is_for_supervisors(clerk, login_as):
    assert login_as(clerk).get("/abdm/link/reviews/").status_code == 403


def test_a_supervisor_unlinks_from_the_person_page(ramesh, clerk, facility_admin, login_as):
    from .link_fixtures import DEMO_PROFILE

    linking.do_link_abha(ramesh, DEMO_PROFILE, clerk, "registration")
    page = login_as(clerk).get(url(ramesh))
    assert b'value="unlink"' not in page.content
    admin = login_as(facility_admin)
    done = admin.post(url(ramesh), {"step": "unlink", "reason": "Wrong person linked"})
    assert done.context["unlinked"] and not PersonIdentifier.objects.filter(person=ramesh).exists()
    assert b"Unlinked" in done.content  # the history stays on the page


def test_the_page_speaks_hindi(ramesh, clerk, login_as):
    page = login_as(clerk, HTTP_ACCEPT_LANGUAGE="hi").get(url(ramesh))
    assert "ओटीपी भेजें" in page.content.decode()


def test_a_scanned_abha_card_starts_the_otp(abdm_sim, demo_account, ramesh, clerk, login_as):
    qr = '{"hidn":"91-7604-8764-7595","hid":"ramesh.thakur@sbx","name":"Ramesh Thakur","gender":"M"}'
    sent = login_as(clerk).post(
        url(ramesh), {"step": "start", "scanned": qr, "otp_system": "abdm", "consent": "on"}
    )
    assert sent.status_code == 200 and "otp_form" in sent.context
    assert SimulatedOtpTransaction.objects.get().account == demo_account


def test_the_queue_shows_the_score_reasons(ramesh, clerk, facility_admin, login_as):
    linking.do_link_abha(ramesh, GREY, clerk, "registration")
    page = login_as(facility_admin, HTTP_ACCEPT_LANGUAGE="hi").get("/abdm/link/reviews/").content.decode()
    assert "जन्म वर्ष निकट है: 1 का अंतर है।" in page and "मोबाइल नंबर अलग है।" in page


def test_an_otp_can_be_resent_after_a_minute_a_few_times(
    abdm_sim, demo_account, ramesh, clerk, login_as, monkeypatch
):
    client = login_as(clerk)
    sent = client.post(
        url(ramesh), {"step": "start", "abha_number": "91760487647595", "otp_system": "abdm", "consent": "on"}
    )
    first = sent.context["otp_form"].initial["txn_id"]
    too_soon = client.post(url(ramesh), {"step": "resend", "txn_id": first})
    assert too_soon.status_code == 400 and "seconds" in str(too_soon.context["error"])
    monkeypatch.setattr(linking, "OTP_RESEND_SECONDS", 0)
    txn_id = first
    for _ in range(linking.OTP_MAX_RESENDS):
        resent = client.post(url(ramesh), {"step": "resend", "txn_id": txn_id})
        assert resent.status_code == 200, resent.context.get("error")
        txn_id = resent.context["otp_form"].initial["txn_id"]
        assert txn_id != first
    limit = client.post(url(ramesh), {"step": "resend", "txn_id": txn_id})
    assert limit.status_code == 400
    stale = client.post(url(ramesh), {"step": "otp", "txn_id": first, "otp": "123456"})
    assert stale.status_code == 400
    fresh = client.post(url(ramesh), {"step": "otp", "txn_id": txn_id, "otp": "123456"})
    assert fresh.status_code == 200 and fresh.context["verified"].match.score == 100
    assert AbhaLinkConsent.objects.count() == 1  # one consent covers the resends
