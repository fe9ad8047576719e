"""End to end in Chromium: the scheme desk raises a pre-authorisation (ICD-10 picked by the search box), the
officer approves, the desk admits, discharges, signs the discharge summary and submits the claim, the
officer approves the claim from the claim queue, and the citizen sees the family's balance fall."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from himswasthya.core.money import rupees
from himswasthya.himcare.cases.wallet import balance
from himswasthya.himcare.models import Case, CaseStatus
from himswasthya.himcare.tests.browser import signed_in_page, write_discharge_summary
from himswasthya.himcare.tests.factories import TEST_PDF


def _attach(page, kind):
    """Choose a small PDF in the page's file input for this document kind."""
    page.get_by_test_id(f"document-{kind}").set_input_files(
        {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": TEST_PDF + kind.encode()}
    )


def _context(browser, live_server, user, language="en"):
    return signed_in_page(browser, live_server, user, language)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_preauth_to_paid_claim_in_the_browser(
    browser,
    live_server,
    scheme_desk,
    himcare_officer,
    citizen,
    active_enrolment,
    surgery_package,
    empanelment,
    gallstone_icd10,
):
    member = active_enrolment.members.order_by("id")[1]
    cover = active_enrolment.cover_paise

    # 1. The scheme desk raises the pre-authorisation.
    desk_ctx, desk = _context(browser, live_server, scheme_desk)
    desk.goto("/himcare/verify/")  # verified first (member id and a second fact), as a real desk does
    desk.locator("#id_q").fill(member.member.member_id)
    desk.locator("#id_second_fact").fill(str(member.member.year_of_birth))
    desk.get_by_role("button", name="Verify", exact=True).click()
    desk.get_by_test_id("beneficiary").wait_for()
    desk.goto(f"/himcare/cases/new/?enrolled_member={member.pk}")
    assert desk.get_by_test_id("available").inner_text() == rupees(cover)
    desk.get_by_test_id(f"package-{surgery_package.code}").check()
    desk.locator("#icd10-search").fill("gallbl")
    desk.locator("[data-icd10-code='K80.2']").click()
    assert desk.get_by_test_id("icd10-codes").input_value() == "K80.2"
    # Without the investigation report the desk is told what is missing, and attaches it.
    _attach(desk, "clinical_notes")
    desk.get_by_test_id("raise").click()
    assert "Investigation report" in desk.get_by_test_id("error-documents").inner_text()
    desk.get_by_test_id(f"package-{surgery_package.code}").check()
    desk.get_by_test_id("icd10-codes").fill("K80.2")
    _attach(desk, "clinical_notes")
    _attach(desk, "investigation")
    desk.get_by_test_id("raise").click()
    desk.wait_for_url("**/himcare/cases/*/")
    case = Case.objects.get()
    assert desk.get_by_test_id("case-no").inner_text() == case.case_no
    assert case.status == CaseStatus.PREAUTH_PENDING

    # 2. The officer approves it from the queue, the documents beside the decision.
    officer_ctx, officer = _context(browser, live_server, himcare_officer)
    officer.goto("/himcare/cases/preauth-queue/")
    officer.get_by_role("link", name=case.case_no).click()
    shown = officer.get_by_test_id("decision-documents")
    expect(shown.get_by_test_id("document-link")).to_have_count(2)  # waits for the case page
    with officer.expect_popup() as popup:
        shown.get_by_role("link", name="Investigation report").click()
    assert popup.value.url.endswith(f"/documents/{case.documents.get(kind='investigation').pk}/")
    popup.value.close()
    officer.get_by_test_id("decide").click()
    officer.wait_for_url(f"**/himcare/cases/{case.pk}/")
    assert officer.get_by_test_id("case-status").inner_text() == "Pre-authorisation approved"

    # 3. The desk admits, discharges and submits the claim.
    desk.reload()
    desk.get_by_test_id("admit").click()
    assert desk.get_by_test_id("case-status").inner_text() == "Admitted"
    desk.locator("#final_icd10_codes").fill("K80.2")
    desk.locator("#discharge_summary").fill("Open cholecystectomy; recovered well.")
    desk.get_by_test_id("discharge").click()
    assert desk.get_by_test_id("case-status").inner_text() == "Discharged"
    write_discharge_summary(desk, course="Open cholecystectomy; recovered well.", codes="K80.2")
    for kind in ("discharge_summary", "bill", "operation_notes"):
        _attach(desk, kind)
    desk.get_by_test_id("submit-claim").click()
    assert desk.get_by_test_id("case-status").inner_text() == "Claim submitted"

    # 4. The officer opens the claim from the queue, sees its documents, approves, and is back at the queue.
    officer.goto("/himcare/cases/claim-queue/")
    assert officer.get_by_test_id("claim-card").get_by_test_id("adjudicate").count() == 0
    officer.get_by_test_id("claim-card").get_by_test_id("open-claim").click()
    officer.wait_for_url(f"**/himcare/cases/{case.pk}/")
    expect(officer.get_by_test_id("decision-documents").get_by_test_id("document-link")).to_have_count(5)
    officer.get_by_test_id("adjudicate").click()
    officer.wait_for_url("**/himcare/cases/claim-queue/")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLAIM_APPROVED
    officer_ctx.close()
    desk_ctx.close()

    # 5. The family sees its balance fall.
    left = cover - surgery_package.rate_paise
    assert balance(active_enrolment).available_paise == left
    family_ctx, family = _context(browser, live_server, citizen)
    family.goto("/himcare/cases/mine/")
    assert family.get_by_test_id("available").inner_text() == rupees(left)
    assert family.get_by_test_id("my-approved").inner_text() == rupees(surgery_package.rate_paise)
    family_ctx.close()
