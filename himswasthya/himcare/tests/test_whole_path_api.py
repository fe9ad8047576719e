"""Issue #5 "done when", through the API: enrol a family, pay, verify at a hospital, pre-authorise, admit,
discharge, claim, adjudicate, and see the family's balance fall; invalid steps refused with clear messages."""

import json

import pytest
from django.utils import timezone

from himswasthya.himcare.tests.factories import needed_papers

API = "/api/himcare"
FACT = "1980"  # the head's year of birth: the second fact of a verification (issue #10 item 6)


def _post(client, path, body=None, status=200):
    response = client.post(f"{API}{path}", data=json.dumps(body or {}), content_type="application/json")
    assert response.status_code == status, response.content
    return response.json()


@pytest.mark.django_db
def test_the_whole_path_through_the_api(
    married_citizen_family,
    scheme_year,
    empanelment,
    surgery_package,
    gallstone_icd10,
    login_as,
    himcare_officer,
    scheme_desk,
    citizen,
):
    officer, desk, me = login_as(himcare_officer), login_as(scheme_desk), login_as(citizen)

    # Enrol and pay the premium at the counter: the card is issued.
    enrolment = _post(
        officer, "/enrolments", {"family_id": married_citizen_family.family_id, "channel": "officer"}, 201
    )
    assert enrolment["status"] == "pending_payment" and enrolment["premium_paise"] == 1_000_00
    paid = _post(officer, f"/enrolments/{enrolment['id']}/counter-payment", {"receipt_no": "RCPT-1"})
    card = paid["card_number"]
    assert paid["enrolment_status"] == "active" and card
    assert officer.get(f"{API}/enrolments/{enrolment['id']}/card.pdf").content.startswith(b"%PDF")

    # The hospital desk verifies the card and sees the full balance.
    seen = _post(desk, "/verify", {"q": card, "second_fact": FACT})
    assert seen["has_active_cover"] and seen["available_paise"] == 500_000_00
    patient = next(m for m in seen["members"] if m["name"] == "Ramesh Thakur")

    # Pre-authorisation blocks the package rate.
    case = _post(
        desk,
        "/preauths",
        {
            "enrolled_member_id": patient["enrolled_member_id"],
            "package_ids": [surgery_package.pk],
            "provisional_icd10_codes": [gallstone_icd10.code],
            "documents": needed_papers([surgery_package]),
        },
        201,
    )
    assert case["wallet"]["blocked_paise"] == surgery_package.rate_paise

    # A claim before discharge is refused, and says why.
    refused = desk.post(f"{API}/cases/{case['id']}/claim", data="{}", content_type="application/json")
    assert refused.status_code in (400, 409) and "discharge" in refused.json()["message"].lower()

    _post(officer, f"/cases/{case['id']}/decide", {"decision": "approve"})
    _post(desk, f"/cases/{case['id']}/admit", {})
    _post(
        desk,
        f"/cases/{case['id']}/discharge",
        {
            "discharged_at": timezone.now().isoformat(),
            "final_icd10_codes": [gallstone_icd10.code],
            "discharge_summary": "Open cholecystectomy, uneventful recovery.",
        },
    )
    # The desk writes the admission record's discharge summary and signs it (a claim needs it).
    record = _post(desk, f"/cases/{case['id']}/record")
    assert record["kind"] == "admission" and record["status"] == "draft"
    shown = desk.get(f"{API}/cases/{case['id']}").json()
    saved = desk.put(
        f"{API}/cases/{case['id']}/record/draft",
        data=json.dumps(
            {
                "admitted_at": shown["admitted_at"],
                "diagnoses": [{"code": gallstone_icd10.code}],
                "discharge": {
                    "discharged_at": shown["discharged_at"],
                    "course_in_hospital": "Open cholecystectomy, uneventful recovery.",
                    "condition_at_discharge": "recovered",
                },
            }
        ),
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    _post(desk, f"/cases/{case['id']}/record/sign")
    claimed = _post(
        desk, f"/cases/{case['id']}/claim", {"documents": needed_papers([surgery_package], "claim")}, 201
    )
    claim_id = claimed["claim"]["id"]

    # Approval above the blocked amount is refused; a part approval releases the rest.
    too_much = officer.post(
        f"{API}/claims/{claim_id}/adjudicate",
        data=json.dumps({"decision": "approve", "approved_paise": surgery_package.rate_paise + 1}),
        content_type="application/json",
    )
    assert too_much.status_code in (400, 409)
    approved = _post(
        officer,
        f"/claims/{claim_id}/adjudicate",
        {"decision": "part_approve", "approved_paise": 20_000_00, "reason": "excess_amount"},
    )
    assert approved["wallet"] == {
        "cover_paise": 500_000_00,
        "blocked_paise": 0,
        "consumed_paise": 20_000_00,
        "available_paise": 480_000_00,
    }
    _post(officer, f"/claims/{claim_id}/payment", {"payment_ref": "PFMS-0001"})

    # The family sees its balance fall and the claim paid.
    mine = me.get(f"{API}/claims/mine").json()
    assert mine["wallet"]["available_paise"] == 480_000_00
    assert mine["cases"][0]["claim"]["payment_status"] == "paid"
    again = _post(desk, "/verify", {"q": card, "second_fact": FACT})
    assert again["available_paise"] == 480_000_00 and again["cases"][0]["case_no"] == case["case_no"]
