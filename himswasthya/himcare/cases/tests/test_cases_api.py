"""The whole case path through the API, and outsiders refused."""

from __future__ import annotations

import datetime
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from himswasthya.himcare.models import Claim
from himswasthya.himcare.tests.factories import verify_at_desk

API = "/api/himcare"
RATE = 22_800_00


def post(client, url, data=None):
    return client.post(f"{API}{url}", data or {}, content_type="application/json")


def raise_via_api(desk, world):
    verify_at_desk(desk, world["member"].enrolment)  # as a real desk does, before the pre-authorisation
    body = {
        "enrolled_member_id": world["member"].pk,
        "package_ids": [world["package"].pk],
        "provisional_icd10_codes": ["K80.2"],
        "documents": [{"kind": "clinical_notes", "reference": "OPD note 17"}],
    }
    # The surgery package needs the investigation reports too: refused, nothing written.
    refused = post(desk, "/preauths", body)
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "documents_missing",
        "message": "Attach the documents the package needs for the pre-authorisation: Investigation report.",
        "field": "documents",
    }
    body["documents"].append({"kind": "investigation", "reference": "USG-17"})
    response = post(desk, "/preauths", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_whole_path_through_the_api(login_as, scheme_desk, himcare_officer, citizen, world, active_enrolment):
    desk, officer, family = login_as(scheme_desk), login_as(himcare_officer), login_as(citizen)
    cover = active_enrolment.cover_paise
    case = raise_via_api(desk, world)
    case_id = case["id"]
    assert case["status"] == "preauth_pending" and case["wallet"]["available_paise"] == cover - RATE
    assert case["documents"] == 2 and case["allowed_actions"] == ["cancel"]
    assert case["required_documents"] == {
        "preauth": ["clinical_notes", "investigation"],
        "claim": ["discharge_summary", "bill", "operation_notes"],
    }

    queue = officer.get(f"{API}/preauth-queue").json()
    assert [c["id"] for c in queue] == [case_id]
    detail = officer.get(f"{API}/cases/{case_id}").json()
    assert "decide_preauth" in detail["allowed_actions"]
    assert (
        post(officer, f"/cases/{case_id}/decide", {"decision": "approve"}).json()["status"]
        == "preauth_approved"
    )

    # A claim before discharge is refused with a clear message.
    early = post(desk, f"/cases/{case_id}/claim")
    assert early.status_code == 409
    assert early.json()["code"] == "invalid_transition"
    assert "only after discharge" in early.json()["message"]

    admitted_at = timezone.now() - datetime.timedelta(days=4)
    assert post(desk, f"/cases/{case_id}/admit", {"admitted_at": admitted_at.isoformat()}).status_code == 200
    discharged = post(
        desk,
        f"/cases/{case_id}/discharge",
        {
            "discharged_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
            "final_icd10_codes": ["K80.2"],
            "discharge_summary": "Recovered well",
        },
    ).json()
    assert discharged["status"] == "discharged" and discharged["claim_deadline"]
    # No claim without a signed discharge summary in the case's admission record (written through the API).
    unsigned = post(desk, f"/cases/{case_id}/claim")
    assert unsigned.status_code == 400 and unsigned.json()["code"] == "discharge_summary_missing"
    assert unsigned.json()["field"] == "discharge_summary"
    assert post(desk, f"/cases/{case_id}/record").status_code == 200
    draft = desk.put(
        f"{API}/cases/{case_id}/record/draft",
        data=json.dumps(
            {
                "admitted_at": admitted_at.isoformat(),
                "chief_complaints": "Pain in the abdomen",
                "diagnoses": [{"code": "K80.2"}],
                "discharge": {
                    "discharged_at": discharged["discharged_at"],
                    "course_in_hospital": "Recovered well",
                    "condition_at_discharge": "recovered",
                },
            }
        ),
        content_type="application/json",
    )
    assert draft.status_code == 200, draft.content
    assert draft.json()["discharge"]["course_in_hospital"] == "Recovered well"
    assert post(desk, f"/cases/{case_id}/record/sign").json()["status"] == "signed"
    # The claim needs the discharge summary, the operation notes and the bill: uploaded before or with it.
    missing = post(desk, f"/cases/{case_id}/claim", {"documents": [{"kind": "bill", "reference": "BILL-9"}]})
    assert missing.status_code == 400 and missing.json()["field"] == "documents"
    assert missing.json()["message"].endswith(": Discharge summary, Operation notes.")
    upload = desk.post(
        f"{API}/cases/{case_id}/documents",
        {
            "kind": "discharge_summary",
            "file": SimpleUploadedFile("ds.pdf", b"%PDF-1.4 ds", "application/pdf"),
        },
    )
    assert upload.status_code == 201
    claimed = post(
        desk,
        f"/cases/{case_id}/claim",
        {
            "documents": [
                {"kind": "bill", "reference": "BILL-9"},
                {"kind": "operation_notes", "reference": "OT-3"},
            ]
        },
    )
    assert claimed.status_code == 201 and claimed.json()["claim"]["claimed_paise"] == RATE
    claim_id = claimed.json()["claim"]["id"]
    assert [c["id"] for c in officer.get(f"{API}/claim-queue").json()] == [case_id]

    too_much = post(
        officer, f"/claims/{claim_id}/adjudicate", {"decision": "approve", "approved_paise": RATE + 1}
    )
    assert too_much.status_code == 400 and "cannot be approved" in too_much.json()["message"]
    approved = post(officer, f"/claims/{claim_id}/adjudicate", {"decision": "approve"}).json()
    assert approved["status"] == "claim_approved" and approved["claim"]["payment_status"] == "pending"
    assert approved["wallet"] == {
        "cover_paise": cover,
        "blocked_paise": 0,
        "consumed_paise": RATE,
        "available_paise": cover - RATE,
    }
    paid = post(officer, f"/claims/{claim_id}/payment", {"payment_ref": "UTR-1"}).json()
    assert paid["claim"]["payment_status"] == "paid"

    mine = family.get(f"{API}/claims/mine").json()
    assert mine["wallet"]["available_paise"] == cover - RATE
    assert [c["id"] for c in mine["cases"]] == [case_id]
    assert family.get(f"{API}/cases/{case_id}").json()["allowed_actions"] == []


def test_outsiders_are_refused(
    login_as,
    scheme_desk,
    other_scheme_desk,
    citizen,
    district_officer,
    other_district_officer,
    himcare_officer,
    clerk,
    world,
    persona_district,
):
    desk = login_as(scheme_desk)
    case_id = raise_via_api(desk, world)["id"]
    post(login_as(himcare_officer), f"/cases/{case_id}/decide", {"decision": "approve"})

    other = login_as(other_scheme_desk)
    assert other.get(f"{API}/cases/{case_id}").status_code == 404
    assert post(other, f"/cases/{case_id}/admit").status_code == 404
    assert other.get(f"{API}/cases").json() == []

    family = login_as(citizen)
    assert post(family, f"/cases/{case_id}/decide", {"decision": "reject", "note": "x"}).status_code == 403
    assert post(family, f"/cases/{case_id}/admit").status_code == 403
    assert family.get(f"{API}/preauth-queue").status_code == 403

    assert [c["id"] for c in login_as(district_officer).get(f"{API}/cases").json()] == [case_id]
    far = login_as(other_district_officer)
    assert far.get(f"{API}/cases").json() == []
    assert far.get(f"{API}/cases/{case_id}").status_code == 404

    assert login_as(clerk).get(f"{API}/cases").status_code == 403
    assert post(login_as(clerk), "/preauths", {}).status_code in (403, 422)

    # A stranger citizen (another mobile) sees nothing of this family.
    from himswasthya.himcare.tests.factories import make_family

    _, members = make_family(persona_district)
    stranger = type(citizen).objects.create(username="stranger", role="citizen", mobile=members[0].mobile)
    assert login_as(stranger).get(f"{API}/cases/{case_id}").status_code == 404
    assert login_as(stranger).get(f"{API}/claims/mine").json() == {"wallet": None, "cases": []}
    assert not Claim.objects.exists()


def test_claim_adjudication_of_another_district_is_not_found_for_a_district_bound_officer(
    login_as, scheme_desk, himcare_officer, world, persona_other_district
):
    desk = login_as(scheme_desk)
    case_id = raise_via_api(desk, world)["id"]
    himcare_officer.district = persona_other_district
    himcare_officer.save()
    assert (
        post(login_as(himcare_officer), f"/cases/{case_id}/decide", {"decision": "approve"}).status_code
        == 404
    )


def test_icd10_search_and_upload(login_as, scheme_desk, world, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    desk = login_as(scheme_desk)
    assert [r["code"] for r in desk.get(f"{API}/icd10", {"q": "gallbladder"}).json()] == ["K80.2"]
    assert desk.get(f"{API}/icd10", {"q": "K"}).json() == []
    case_id = raise_via_api(desk, world)["id"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = desk.post(
        f"{API}/cases/{case_id}/documents",
        {"kind": "investigation", "file": SimpleUploadedFile("usg.pdf", b"%PDF-1.4 usg", "application/pdf")},
    )
    assert ok.status_code == 201 and ok.json()["kind"] == "investigation"
    bad = desk.post(
        f"{API}/cases/{case_id}/documents",
        {"kind": "investigation", "file": SimpleUploadedFile("x.exe", b"MZ...", "application/pdf")},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "file"
