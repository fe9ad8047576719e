# ruff: noqa: F401, F811 - pytest fixtures imported from link_fixtures are used as (or by) test arguments
"""/api/abdm/link/...: the same flow for API clients, with role, scope and audit checks."""

from __future__ import annotations

import json

import pytest

from himswasthya.abdm import linking
from himswasthya.abdm.models import AbhaLinkConsent, AbhaLinkRequest
from himswasthya.audit.models import AuditEntry
from himswasthya.people.models import PersonIdentifier

from .link_fixtures import DEMO_PROFILE, GREY, _english_by_default, asha_family, other_family, ramesh  # noqa: F401

BASE = "/api/abdm/link"


def post(client, path: str, payload: dict):
    return client.post(f"{BASE}{path}", data=json.dumps(payload), content_type="application/json")


def start(client, person, **extra):
    payload = {
        "abha_number": "91-7604-8764-7595",
        "consent": True,
        "consent_text_version": linking.CONSENT_TEXT_VERSION,
        **extra,
    }
    return post(client, f"/person/{person.pk}/otp/request", payload)


def verify(client, person) -> dict:
    sent = start(client, person)
    assert sent.status_code == 200, sent.content
    confirmed = post(
        client, f"/person/{person.pk}/otp/confirm", {"txn_id": sent.json()["txn_id"], "otp": "123456"}
    )
    assert confirmed.status_code == 200, confirmed.content
    return confirmed.json()


@pytest.mark.django_db(transaction=True)
def test_a_clerk_verifies_previews_and_confirms(abdm_sim, demo_account, ramesh, clerk, login_as):
    client = login_as(clerk)
    text = client.get(f"{BASE}/consent-text").json()
    assert text["version"] == linking.CONSENT_TEXT_VERSION and "National Health Authority" in text["text"]
    verified = verify(client, ramesh)
    assert verified["abha_number_masked"] == "91-XXXX-XXXX-7595"
    assert verified["match"]["score"] == 100 and verified["match"]["decision"] == "link"
    assert {f["field"] for f in verified["match"]["fields"]} == {"name", "year_of_birth", "sex", "mobile"}
    preview = post(client, f"/person/{ramesh.pk}/score", {"verification_id": verified["verification_id"]})
    assert preview.status_code == 200 and preview.json()["score"] == 100
    linked = post(client, f"/person/{ramesh.pk}/confirm", {"verification_id": verified["verification_id"]})
    assert linked.status_code == 200 and linked.json()["status"] == "linked"
    detail = client.get(f"{BASE}/person/{ramesh.pk}").json()
    assert detail["abha_number"] == "91-7604-8764-7595" and detail["has_abha"]


@pytest.mark.django_db(transaction=True)
def test_consent_is_required_and_must_be_current(abdm_sim, demo_account, ramesh, clerk, login_as):
    client = login_as(clerk)
    refused = start(client, ramesh, consent=False)
    assert refused.status_code == 400 and refused.json()["field"] == "consent"
    outdated = start(client, ramesh, consent_text_version="old")
    assert outdated.status_code == 400 and outdated.json()["code"] == "consent_outdated"
    assert not AbhaLinkConsent.objects.exists()


@pytest.mark.django_db
def test_other_districts_and_roles_are_refused(ramesh, other_facility_clerk, district_officer, login_as):
    assert login_as(other_facility_clerk).get(f"{BASE}/person/{ramesh.pk}").status_code == 404
    assert login_as(district_officer).get(f"{BASE}/person/{ramesh.pk}").status_code == 403
    assert (
        post(
            login_as(other_facility_clerk), f"/person/{ramesh.pk}/confirm", {"verification_id": "x"}
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_anonymous_callers_get_401(ramesh, client):
    assert client.get(f"{BASE}/person/{ramesh.pk}").status_code == 401


@pytest.mark.django_db
def test_a_forged_verification_id_links_nothing(ramesh, clerk, login_as):
    response = post(login_as(clerk), f"/person/{ramesh.pk}/confirm", {"verification_id": "made-up"})
    assert response.status_code == 400 and response.json()["code"] == "verification_expired"
    assert not PersonIdentifier.objects.exists()


@pytest.mark.django_db
def test_review_approve_reject_and_unlink(ramesh, clerk, facility_admin, state_admin, login_as):
    request = linking.do_link_abha(ramesh, GREY, clerk, "registration").request
    assert login_as(clerk).get(f"{BASE}/reviews").status_code == 403
    admin = login_as(facility_admin)
    queue = admin.get(f"{BASE}/reviews").json()
    assert [r["id"] for r in queue] == [request.pk] and queue[0]["abha_number_masked"] == "91-XXXX-XXXX-7595"
    approved = post(admin, f"/reviews/{request.pk}/approve", {"note": "ok"})
    assert approved.status_code == 200 and approved.json()["status"] == "APPROVED"
    again = post(admin, f"/reviews/{request.pk}/reject", {"note": "too late now"})
    assert again.status_code == 409
    assert post(login_as(clerk), f"/person/{ramesh.pk}/unlink", {"reason": "wrong one"}).status_code == 403
    unlinked = post(admin, f"/person/{ramesh.pk}/unlink", {"reason": "wrong person linked"})
    assert unlinked.status_code == 200 and unlinked.json() == {"removed": 2}
    assert AuditEntry.objects.filter(action="abha.unlink", actor=facility_admin).exists()
    second = linking.do_link_abha(ramesh, GREY, clerk, "registration").request
    rejected = post(login_as(state_admin), f"/reviews/{second.pk}/reject", {"note": "Not the same man"})
    assert rejected.json()["status"] == AbhaLinkRequest.Status.REJECTED


@pytest.mark.django_db
def test_a_citizen_lists_her_family_and_nobody_elses(asha_family, other_family, citizen, clerk, login_as):
    linking.do_link_abha(asha_family["ramesh"], DEMO_PROFILE, clerk, "registration")
    client = login_as(citizen)
    members = client.get(f"{BASE}/mine").json()
    assert sorted(m["name_roman"] for m in members) == ["Asha Thakur", "Ramesh Thakur", "Riya Thakur"]
    husband = next(m for m in members if m["name_roman"] == "Ramesh Thakur")
    assert husband["has_abha"] and husband["abha_number"] == "91-XXXX-XXXX-7595"
    assert all(m["may_link"] for m in members)
    assert AuditEntry.objects.filter(
        action="family.read", actor=citizen, purpose="citizen_self_service"
    ).exists()
    assert client.get(f"{BASE}/person/{other_family['head'].pk}").status_code == 404
    assert client.get(f"{BASE}/reviews").status_code == 403
    assert login_as(clerk).get(f"{BASE}/mine").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_citizen_links_through_the_api(abdm_sim, demo_account, asha_family, citizen, login_as):
    client = login_as(citizen)
    verified = verify(client, asha_family["ramesh"])
    done = post(
        client,
        f"/person/{asha_family['ramesh'].pk}/confirm",
        {"verification_id": verified["verification_id"]},
    )
    assert done.json()["status"] == "linked"


@pytest.mark.django_db(transaction=True)
def test_resending_the_otp_too_soon_is_refused(abdm_sim, demo_account, ramesh, clerk, login_as):
    client = login_as(clerk)
    txn_id = start(client, ramesh).json()["txn_id"]
    response = post(client, f"/person/{ramesh.pk}/otp/resend", {"txn_id": txn_id})
    assert response.status_code == 400 and response.json()["code"] == "resend_too_soon"
    stranger = post(client, f"/person/{ramesh.pk}/otp/resend", {"txn_id": "not-a-txn"})
    assert stranger.status_code >= 400
