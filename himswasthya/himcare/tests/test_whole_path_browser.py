"""Issue #5 "done when", in Chromium, in English and in Hindi: the HIMCARE officer enrols a family at the
counter, takes the premium and downloads the card; the hospital's scheme desk verifies the card, raises a
pre-authorisation; the officer approves it; the desk admits, discharges and claims; the officer approves the
claim in part; the desk and the family both see the balance fall by the approved amount.

Only the set-up (family, scheme year, package, empanelment, ICD-10 code, personas) is made in Python; every
step after that is a person signing in through the real login page and clicking through the pages."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from himswasthya.accounts.mfa import needs_second_factor
from himswasthya.accounts.models import User
from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD, pass_second_factor_in_browser
from himswasthya.himcare.tests.browser import write_discharge_summary
from himswasthya.himcare.tests.factories import TEST_PDF
from himswasthya.notify import sms

RECEIPT = "RCPT-WP-1"
SUMMARY = "Open cholecystectomy, uneventful recovery."

LABELS = {
    "en": {
        "username": "Username",
        "sign_in": "Sign in",
        "mobile": "Mobile number",
        "send_otp": "Send OTP",
        "verify_otp": "Verify and sign in",
        "enrol_link": "Enrol a family in HIMCARE",
        "family_id": "Him Parivar family id",
        "check": "Check eligibility",
        "enrol": "Enrol",
        "enrolled": "The family is enrolled",
        "receipt": "Receipt number",
        "take_payment": "Record the premium received",
        "paid": "Premium received. The card is issued.",
        "active": "Active",
        "download": "Download the card (PDF)",
        "verify_link": "Verify a HIMCARE beneficiary",
        "verify_field": "Card number, ABHA, Him Parivar member id or mobile",
        "second_fact": "Second fact: year of birth or name of any family member",
        "verify": "Verify",
        "active_cover": "Active cover",
        "patient": "Ramesh Thakur",
        "raise": "Raise pre-authorisation",
        "new_preauth": "New pre-authorisation",
        "pending": "Pre-authorisation pending",
        "preauth_queue": "Pre-authorisations to decide",
        "decide": "Record the decision",
        "preauth_approved": "Pre-authorisation approved",
        "cases_link": "HIMCARE cases",
        "admit": "Record admission",
        "admitted": "Admitted",
        "final_codes": "Final diagnoses (ICD-10 codes, comma-separated)",
        "summary": "Discharge summary",
        "discharge": "Record discharge",
        "discharged": "Discharged",
        "submit_claim": "Submit the claim",
        "needs_summary": "The claim needs a signed discharge summary",
        "claim_submitted": "Claim submitted",
        "claim_queue": "Claims to adjudicate",
        "part": "Approve in part",
        "approved_amount": "Amount approved (₹; for part approval)",
        "reason": "Reason (needed to reject or approve in part)",
        "no_claims": "No claims are waiting.",
        "part_approved": "Claim approved in part",
        "approved": "Approved",
        "my_claims": "My HIMCARE claims",
    },
    "hi": {
        "username": "उपयोगकर्ता नाम",
        "sign_in": "साइन इन करें",
        "mobile": "मोबाइल नंबर",
        "send_otp": "ओटीपी भेजें",
        "verify_otp": "सत्यापित करें और साइन इन करें",
        "enrol_link": "हिमकेयर में परिवार का नामांकन करें",
        "family_id": "हिम परिवार परिवार आईडी",
        "check": "पात्रता जाँचें",
        "enrol": "नामांकन करें",
        "enrolled": "परिवार का नामांकन हो गया",
        "receipt": "रसीद संख्या",
        "take_payment": "प्राप्त प्रीमियम दर्ज करें",
        "paid": "प्रीमियम प्राप्त हुआ। कार्ड जारी कर दिया गया है।",
        "active": "सक्रिय",
        "download": "कार्ड डाउनलोड करें (पीडीएफ़)",
        "verify_link": "हिमकेयर लाभार्थी का सत्यापन",
        "verify_field": "कार्ड नंबर, आभा, हिम परिवार सदस्य आईडी या मोबाइल",
        "second_fact": "दूसरी जानकारी: परिवार के किसी सदस्य का जन्म वर्ष या नाम",
        "verify": "सत्यापित करें",
        "active_cover": "सक्रिय कवर",
        "patient": "रमेश ठाकुर",
        "raise": "पूर्व-प्राधिकरण का अनुरोध करें",
        "new_preauth": "नया पूर्व-प्राधिकरण",
        "pending": "पूर्व-प्राधिकरण लंबित",
        "preauth_queue": "निर्णय हेतु पूर्व-प्राधिकरण",
        "decide": "निर्णय दर्ज करें",
        "preauth_approved": "पूर्व-प्राधिकरण स्वीकृत",
        "cases_link": "हिमकेयर केस",
        "admit": "भर्ती दर्ज करें",
        "admitted": "भर्ती",
        "final_codes": "अंतिम निदान (ICD-10 कोड, अल्पविराम से अलग)",
        "summary": "डिस्चार्ज सारांश",
        "discharge": "छुट्टी दर्ज करें",
        "discharged": "छुट्टी दी गई",
        "submit_claim": "दावा जमा करें",
        "needs_summary": "दावे के लिए हस्ताक्षरित डिस्चार्ज सारांश आवश्यक है",
        "claim_submitted": "दावा प्रस्तुत",
        "claim_queue": "निर्णय हेतु दावे",
        "part": "आंशिक स्वीकृति",
        "approved_amount": "स्वीकृत राशि (₹; आंशिक स्वीकृति के लिए)",
        "reason": "कारण (अस्वीकार या आंशिक स्वीकृति के लिए आवश्यक)",
        "no_claims": "कोई दावा प्रतीक्षा में नहीं है।",
        "part_approved": "दावा आंशिक रूप से स्वीकृत",
        "approved": "स्वीकृत",
        "my_claims": "मेरे हिमकेयर दावे",
    },
}


def _new_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-IN",  # every person starts in English; the Hindi speakers press the language button
        viewport={"width": 412, "height": 915},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _switch_language(page, language):
    """The header's language button, as a person would use it (the choice is kept in a cookie)."""
    if language == "hi":
        page.get_by_role("button", name="हिन्दी में देखें").click()
        page.wait_for_selector("html[lang=hi]")
    assert page.locator("html").get_attribute("lang") == language


def _sign_in_form(browser, live_server, language, path):
    """A new page on the sign-in form at `path`, switched to `language` with the header's button."""
    context, page = _new_page(browser, live_server)
    page.goto(path)
    _switch_language(page, language)
    return context, page


def _staff_signs_in(browser, live_server, language, username):
    context, page = _sign_in_form(browser, live_server, language, "/login/")
    text = LABELS[language]
    page.get_by_label(text["username"]).fill(username)
    # (not by its label: in Hindi Django's own catalogue wins and labels it "कूटशब्द", not "पासवर्ड")
    page.locator("input[name=password]").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name=text["sign_in"], exact=True).click()
    user = User.objects.get(username=username)
    if needs_second_factor(user):  # state-level roles: a TOTP code next (accounts/mfa.py)
        pass_second_factor_in_browser(page, user)
    page.wait_for_url("**/home/")
    return context, page


def _citizen_signs_in(browser, live_server, language, mobile):
    context, page = _sign_in_form(browser, live_server, language, "/login/mobile/")
    text = LABELS[language]
    page.get_by_label(text["mobile"]).fill(mobile)
    page.get_by_role("button", name=text["send_otp"]).click()
    page.wait_for_url("**/login/otp/")
    page.locator("input[name=otp]").fill(sms.outbox[-1].text[:6])
    page.get_by_role("button", name=text["verify_otp"]).click()
    page.wait_for_url("**/home/")
    return context, page


def _attach(page, kind):
    """Choose a small PDF in the page's file input for this document kind."""
    page.get_by_test_id(f"document-{kind}").set_input_files(
        {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": TEST_PDF + kind.encode()}
    )


def _verify(page, text, card_number):
    page.get_by_label(text["verify_field"]).fill(card_number)
    page.get_by_label(text["second_fact"]).fill("1978")  # the husband's year of birth (issue #10 item 6)
    page.get_by_role("button", name=text["verify"], exact=True).click()
    page.get_by_role("heading", name=text["active_cover"]).wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_whole_path_in_the_browser(
    language,
    browser,
    live_server,
    settings,
    married_citizen_family,
    scheme_year,
    empanelment,
    surgery_package,
    gallstone_icd10,
    himcare_officer,
    scheme_desk,
    citizen,
):
    # Login and OTP limits live in the cache (Redis outlives a run): re-runs must not trip them.
    cache.clear()
    settings.OTP_MAX_SENDS_PER_MOBILE_PER_HOUR = settings.OTP_MAX_SENDS_PER_IP_PER_HOUR = 10_000
    settings.OTP_MAX_VERIFY_PER_IP_PER_HOUR = 10_000
    sms.outbox.clear()
    text = LABELS[language]
    contexts = []
    try:
        # 1. The HIMCARE officer enrols the family at the counter and takes the premium with a receipt.
        context, officer = _staff_signs_in(browser, live_server, language, "himcare_officer")
        contexts.append(context)
        officer.get_by_role("link", name=text["enrol_link"]).click()
        officer.get_by_label(text["family_id"]).fill(married_citizen_family.family_id)
        officer.get_by_role("button", name=text["check"]).click()
        assert "₹1,000" in officer.get_by_test_id("category").inner_text()
        officer.get_by_role("button", name=text["enrol"], exact=True).click()
        officer.wait_for_url(re.compile(r".*/himcare/enrolments/\d+/$"))
        assert text["enrolled"] in officer.locator(".messages").inner_text()
        officer.get_by_label(text["receipt"]).fill(RECEIPT)
        officer.get_by_role("button", name=text["take_payment"]).click()
        officer.get_by_text(text["paid"]).wait_for()
        assert officer.get_by_test_id("enrolment-status").inner_text() == text["active"]
        card_number = officer.get_by_test_id("card-number").inner_text().strip()
        assert re.fullmatch(r"HC\d{12}[0-9X]", card_number)
        assert officer.get_by_test_id("available").inner_text() == "₹5,00,000"
        assert RECEIPT in officer.get_by_role("table").last.inner_text()

        # 2. ... and prints the card: a PDF carrying the card number.
        with officer.expect_download(timeout=60_000) as download_info:
            officer.get_by_role("link", name=text["download"]).click()
        download = download_info.value
        assert download.suggested_filename == f"himcare-{card_number}.pdf"
        with open(download.path(), "rb") as pdf_file:
            pdf = pdf_file.read()
        assert pdf.startswith(b"%PDF-")
        pdf_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert card_number in pdf_text and "Ramesh Thakur" in pdf_text

        # 3. The hospital's scheme desk signs in, verifies the card and sees the full cover available.
        context, desk = _staff_signs_in(browser, live_server, language, "scheme_desk")
        contexts.append(context)
        desk.get_by_role("link", name=text["verify_link"]).click()
        _verify(desk, text, card_number)
        assert desk.get_by_test_id("card-number").inner_text() == card_number
        assert desk.get_by_test_id("available").inner_text() == "₹5,00,000"

        # 4. ... raises a pre-authorisation for the husband: the package and an ICD-10 code from the search.
        desk.get_by_test_id("members").get_by_role("row").filter(has_text=text["patient"]).get_by_role(
            "link", name=text["raise"]
        ).click()
        desk.get_by_role("heading", name=text["new_preauth"]).wait_for()
        desk.wait_for_load_state("load")  # the ICD-10 search script listens only once it has run
        assert text["patient"] in desk.get_by_test_id("patient").inner_text()
        desk.get_by_test_id(f"package-{surgery_package.code}").check()
        desk.locator("#icd10-search").fill("gallbl")
        desk.locator(f"[data-icd10-code='{gallstone_icd10.code}']").click()
        assert desk.get_by_test_id("icd10-codes").input_value() == gallstone_icd10.code
        for kind in ("clinical_notes", "investigation"):  # the documents the surgery package needs
            _attach(desk, kind)
        desk.get_by_role("button", name=text["raise"]).click()
        desk.wait_for_url(re.compile(r".*/himcare/cases/\d+/$"))
        case_url = desk.url
        case_no = desk.get_by_test_id("case-no").inner_text().strip()
        assert desk.get_by_test_id("case-status").inner_text() == text["pending"]
        assert desk.get_by_test_id("patient").inner_text() == text["patient"]
        assert desk.get_by_test_id("available").inner_text() == "₹4,77,200"  # ₹22,800 blocked

        # 5. The officer approves it from the pre-authorisation queue, its documents beside the decision.
        officer.goto("/home/")
        officer.get_by_role("link", name=text["preauth_queue"]).click()
        officer.get_by_test_id("case-row").filter(has_text=text["patient"]).get_by_role(
            "link", name=case_no
        ).click()
        # expect() waits for the case page (count() alone would ask the queue page still on screen).
        expect(officer.get_by_test_id("decision-documents").get_by_test_id("document-link")).to_have_count(2)
        officer.get_by_role("button", name=text["decide"]).click()
        officer.wait_for_url(re.compile(r".*/himcare/cases/\d+/$"))
        assert officer.get_by_test_id("case-status").inner_text() == text["preauth_approved"]

        # 6. The desk finds the case in its list, admits, discharges (final diagnosis + summary) and claims.
        desk.goto("/home/")
        desk.get_by_role("link", name=text["cases_link"]).click()
        desk.get_by_role("link", name=case_no).click()
        assert desk.url == case_url
        assert desk.get_by_test_id("case-status").inner_text() == text["preauth_approved"]
        desk.get_by_role("button", name=text["admit"]).click()
        desk.get_by_test_id("case-status").filter(has_text=text["admitted"]).wait_for()
        desk.get_by_label(text["final_codes"]).fill(gallstone_icd10.code)
        desk.get_by_label(text["summary"]).fill(SUMMARY)
        desk.get_by_role("button", name=text["discharge"]).click()
        desk.get_by_test_id("case-status").filter(has_text=text["discharged"]).wait_for()
        assert desk.get_by_test_id("discharge-summary").inner_text() == SUMMARY
        assert gallstone_icd10.code in desk.get_by_test_id("diagnoses").inner_text()
        # No claim without a signed discharge summary in the admission record (issue #13 item 3): refused in
        # the page's language; the desk writes it on the admission record page and signs it, then claims.
        desk.get_by_role("button", name=text["submit_claim"]).click()
        expect(desk.get_by_test_id("action-error")).to_contain_text(text["needs_summary"])
        write_discharge_summary(
            desk,
            course=SUMMARY,
            codes=gallstone_icd10.code,
            procedure=("Open cholecystectomy", surgery_package.code, timezone.localdate().isoformat()),
        )
        expect(desk.get_by_test_id("discharge-summary-signed")).to_be_visible()
        for kind in ("discharge_summary", "bill", "operation_notes"):
            _attach(desk, kind)
        desk.get_by_role("button", name=text["submit_claim"]).click()
        desk.get_by_test_id("case-status").filter(has_text=text["claim_submitted"]).wait_for()

        # 7. The officer opens the claim from the claim queue and, its documents in view, approves it in part
        # (₹20,000 of ₹22,800); then the queue is shown again.
        officer.goto("/home/")
        officer.get_by_role("link", name=text["claim_queue"]).click()
        card = officer.get_by_test_id("claim-card").filter(has_text=case_no).filter(has_text=text["patient"])
        assert "₹22,800" in card.inner_text()
        card.get_by_test_id("open-claim").click()
        officer.wait_for_url(case_url)
        expect(officer.get_by_test_id("decision-documents").get_by_test_id("document-link")).to_have_count(5)
        # The treatment data beside the decision: the signed discharge summary, its diagnosis, the procedure.
        expect(officer.get_by_test_id("record-course")).to_have_text(SUMMARY)
        expect(officer.get_by_test_id("record-diagnoses")).to_contain_text(gallstone_icd10.code)
        expect(officer.get_by_test_id("record-procedures")).to_contain_text(surgery_package.code)
        claim = officer.get_by_test_id("adjudicate-form")
        claim.get_by_role("radio", name=text["part"]).check()
        claim.get_by_label(text["approved_amount"]).fill("20000")
        claim.get_by_label(text["reason"]).select_option("excess_amount")
        claim.get_by_role("button", name=text["decide"]).click()
        officer.get_by_text(text["no_claims"]).wait_for()
        officer.goto(case_url)
        assert officer.get_by_test_id("case-status").inner_text() == text["part_approved"]
        assert officer.get_by_test_id("approved-amount").inner_text() == "₹20,000"

        # 8. The desk verifies the card again: the balance fell by the approved amount only.
        desk.goto("/home/")
        desk.get_by_role("link", name=text["verify_link"]).click()
        _verify(desk, text, card_number)
        assert desk.get_by_test_id("available").inner_text() == "₹4,80,000"
        past = desk.get_by_test_id("cases").inner_text()
        assert case_no in past and f"{text['approved']} ₹20,000" in past

        # 9. The family (the citizen heading it) signs in with an OTP and sees the same in "My claims".
        context, family_page = _citizen_signs_in(browser, live_server, language, citizen.mobile)
        contexts.append(context)
        family_page.get_by_role("link", name=text["my_claims"]).click()
        family_page.get_by_role("heading", name=text["my_claims"]).wait_for()
        assert family_page.get_by_test_id("available").inner_text() == "₹4,80,000"
        mine = family_page.get_by_test_id("my-case").filter(has_text=case_no)
        assert text["part_approved"] in mine.inner_text() and text["patient"] in mine.inner_text()
        assert mine.get_by_test_id("my-approved").inner_text() == "₹20,000"
    finally:
        for context in contexts:
            context.close()
