"""The case pages: new pre-authorisation, hospital list, case detail and actions, queues, My claims."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from himswasthya.core import money
from himswasthya.himcare.models import Case, CaseStatus, Document
from himswasthya.himcare.tests.factories import paper_uploads, verify_at_desk

RATE = 22_800_00


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_new_preauth_page_and_submit(login_as, scheme_desk, world, tmp_path, settings, active_enrolment):
    settings.MEDIA_ROOT = str(tmp_path)
    desk = login_as(scheme_desk)
    verify_at_desk(desk, active_enrolment, via="page")
    url = f"/himcare/cases/new/?enrolled_member={world['member'].pk}"
    page = desk.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "SG039A" in body and "₹22,800" in body and "₹5,00,000" in body
    assert desk.get(url + "&specialty=XX").content.decode().count('name="packages"') == 0
    # Errors are shown next to the field.
    bad = desk.post(
        "/himcare/cases/new/",
        {"enrolled_member": world["member"].pk, "packages": [world["package"].pk], "icd10_codes": "Q99.99"},
    )
    assert bad.status_code == 400 and "not an ICD-10 code" in bad.content.decode()
    # The page asks for each document the packages need; without the investigation report it is refused.
    assert 'name="document_investigation"' in body and 'name="document_clinical_notes"' in body
    fields = {
        "enrolled_member": world["member"].pk,
        "packages": [world["package"].pk],
        "icd10_codes": "k80.2",
        "estimated": "20,000",
        "document_kind": "clinical_notes",
        "documents": [SimpleUploadedFile("n.pdf", b"%PDF-1.4 x", "application/pdf")],
    }
    missing = desk.post("/himcare/cases/new/", fields)
    assert missing.status_code == 400 and not Case.objects.exists()
    assert 'data-testid="error-documents"' in missing.content.decode()
    assert "Investigation report." in missing.content.decode()
    fields["documents"] = [SimpleUploadedFile("n.pdf", b"%PDF-1.4 x", "application/pdf")]
    fields["document_investigation"] = SimpleUploadedFile("lab.png", b"\x89PNG\r\n\x1a\nlab", "image/png")
    ok = desk.post("/himcare/cases/new/", fields)
    case = Case.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/himcare/cases/{case.pk}/"
    assert case.blocked_paise == 20_000_00
    assert sorted(Document.objects.filter(case=case).values_list("kind", flat=True)) == [
        "clinical_notes",
        "investigation",
    ]
    detail = desk.get(ok["Location"]).content.decode()
    assert case.case_no in detail and "₹20,000" in detail


def test_new_preauth_page_refuses_others(login_as, clerk, citizen, world):
    url = f"/himcare/cases/new/?enrolled_member={world['member'].pk}"
    assert login_as(clerk).get(url).status_code == 403
    assert login_as(citizen).get(url).status_code == 403
    assert (
        login_as(world["member"] and clerk).get("/himcare/cases/new/?enrolled_member=999999").status_code
        == 403
    )


def test_icd10_search_fragment(login_as, scheme_desk, world):
    body = login_as(scheme_desk).get("/himcare/cases/icd10/?q=gallbl").content.decode()
    assert "K80.2" in body and 'data-icd10-code="K80.2"' in body


def test_whole_path_through_the_pages(
    login_as, scheme_desk, himcare_officer, citizen, raised, active_enrolment
):
    case = raised
    desk, officer = login_as(scheme_desk), login_as(himcare_officer)
    base = f"/himcare/cases/{case.pk}/"
    queue = officer.get("/himcare/cases/preauth-queue/").content.decode()
    assert case.case_no in queue
    assert 'data-testid="decide-form"' in officer.get(base).content.decode()
    assert 'data-testid="decide-form"' not in desk.get(base).content.decode()
    assert officer.post(base + "decide_preauth/", {"decision": "approve"}).status_code == 302
    # Claim too early: refused with the message on the page.
    early = desk.post(base + "submit_claim/", {})
    assert early.status_code == 409 and "only after discharge" in early.content.decode()
    admitted = timezone.now() - datetime.timedelta(days=4)
    assert desk.post(base + "admit/", {"admitted_at": _local(admitted)}).status_code == 302
    r = desk.post(
        base + "discharge/",
        {
            "discharged_at": _local(timezone.now() - datetime.timedelta(hours=1)),
            "final_icd10_codes": "K80.2",
            "discharge_summary": "Recovered",
        },
    )
    assert r.status_code == 302
    # The claim needs a signed discharge summary first: refused, then written on the admission record page.
    refused = desk.post(base + "submit_claim/", {"claimed": ""})
    assert refused.status_code == 400 and "needs a signed discharge summary" in refused.content.decode()
    record = base + "record/"
    assert 'data-testid="record-open"' in desk.get(record).content.decode()
    assert desk.post(record, {"do": "open"}).status_code == 302
    draft = {
        "do": "save",
        "rows": "3",
        "admitted_at": _local(admitted),
        "chief_complaints": "Pain in the right upper abdomen",
        "procedure_name_0": "Open cholecystectomy",
        "procedure_code_0": case.packages.get().package.code,
        "procedure_on_0": (admitted + datetime.timedelta(days=1)).date().isoformat(),
        "discharged_at": _local(timezone.now() - datetime.timedelta(hours=1)),
        "condition_at_discharge": "recovered",
        "course_in_hospital": "Uneventful recovery",
        "diagnoses": "K80.2",
    }
    early_procedure = desk.post(record, {**draft, "procedure_on_0": "2000-01-01"})
    assert early_procedure.status_code == 400 and "during the stay" in early_procedure.content.decode()
    assert desk.post(record, draft).status_code == 302
    assert desk.post(record, {"do": "sign"}).status_code == 302
    assert "Uneventful recovery" in desk.get(base).content.decode()
    # The claim needs its documents: refused naming them, then sent with them.
    refused = desk.post(base + "submit_claim/", {"claimed": ""})
    assert refused.status_code == 400
    assert "Discharge summary, Hospital bill, Operation notes." in refused.content.decode()
    papers = paper_uploads([case.packages.get().package], "claim")
    assert desk.post(base + "submit_claim/", {"claimed": "", **papers}).status_code == 302
    # The queue links to the claim's page (its documents beside the decision), it does not decide inline.
    claims = officer.get("/himcare/cases/claim-queue/").content.decode()
    assert case.case_no in claims and 'data-testid="adjudicate-form"' not in claims
    assert f'href="{base}" data-testid="open-claim"' in claims
    detail = officer.get(base).content.decode()
    assert 'data-testid="decision-documents"' in detail and 'data-testid="adjudicate-form"' in detail
    wrong = officer.post(base + "adjudicate_claim/", {"decision": "part_approve", "approved": "30000"})
    assert wrong.status_code == 400 and "reason" in wrong.content.decode().lower()
    r = officer.post(
        base + "adjudicate_claim/",
        {"decision": "approve", "next": "/himcare/cases/claim-queue/"},
    )
    assert r.status_code == 302 and r["Location"] == "/himcare/cases/claim-queue/"
    case.refresh_from_db()
    assert case.status == CaseStatus.CLAIM_APPROVED
    assert officer.post(base + "record_payment/", {"payment_ref": "UTR77"}).status_code == 302
    mine = login_as(citizen).get("/himcare/cases/mine/").content.decode()
    left = money.rupees(active_enrolment.cover_paise - RATE)
    assert left in mine and "₹22,800" in mine and case.facility.name in mine
    with translation.override("hi"):
        hindi = login_as(citizen).get("/himcare/cases/mine/", HTTP_ACCEPT_LANGUAGE="hi")
    assert hindi.status_code == 200


def test_outsiders_get_404_or_403(
    login_as, scheme_desk, other_scheme_desk, other_district_officer, district_officer, citizen, raised
):
    case = raised
    base = f"/himcare/cases/{case.pk}/"
    assert login_as(other_scheme_desk).get(base).status_code == 404
    assert login_as(other_scheme_desk).post(base + "cancel/", {"reason": "x"}).status_code == 404
    assert login_as(other_district_officer).get(base).status_code == 404
    assert case.case_no not in login_as(other_district_officer).get("/himcare/cases/").content.decode()
    assert case.case_no in login_as(district_officer).get("/himcare/cases/").content.decode()
    assert login_as(citizen).post(base + "decide_preauth/", {"decision": "approve"}).status_code == 403
    assert login_as(citizen).get("/himcare/cases/preauth-queue/").status_code == 403
    assert login_as(citizen).get(base).status_code == 200  # the family's own case, read-only
    assert "decide-form" not in login_as(citizen).get(base).content.decode()
    assert case.case_no in login_as(scheme_desk).get("/himcare/cases/").content.decode()


def test_overdue_is_highlighted(login_as, scheme_desk, himcare_officer, raised):
    case = raised
    Case.objects.filter(pk=case.pk).update(decision_due_at=timezone.now() - datetime.timedelta(hours=1))
    body = login_as(himcare_officer).get("/himcare/cases/preauth-queue/").content.decode()
    assert 'class="overdue"' in body and 'data-testid="overdue"' in body


def test_pages_in_hindi(login_as, scheme_desk, himcare_officer, world, settings, active_enrolment, raised):
    case = raised
    client = login_as(himcare_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    body = client.get(f"/himcare/cases/{case.pk}/").content.decode()
    assert "पूर्व-प्राधिकरण" in body
    body = login_as(scheme_desk)
    verify_at_desk(body, active_enrolment)
    body.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    assert (
        "पूर्व-प्राधिकरण"
        in body.get(f"/himcare/cases/new/?enrolled_member={world['member'].pk}").content.decode()
    )


def test_package_names_in_the_page_language(login_as, citizen, scheme_desk, raised):
    package = raised.packages.get().package
    package.name_hi = "पित्ताशय की थैली निकालना (कोलेसिस्टेक्टॉमी)"
    package.save(update_fields=["name_hi"])
    for path, client in (
        ("/himcare/cases/mine/", login_as(citizen)),
        (f"/himcare/cases/{raised.pk}/", login_as(scheme_desk)),
    ):
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert package.name in english and package.name_hi not in english
        with translation.override("hi"):
            hindi = client.get(path, HTTP_ACCEPT_LANGUAGE="hi").content.decode()
        assert package.name_hi in hindi and package.name not in hindi
