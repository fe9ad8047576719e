"""In Chromium on a 360-px phone, in English and in Hindi: a citizen whose family has signed records signs in
with a mobile OTP, opens "My health records" from the home page, opens a record and downloads its PDF and its
FHIR document bundle."""

from __future__ import annotations

import io
import json

import pypdf
import pytest
from django.conf import settings as django_settings
from fhir.resources.R4B.bundle import Bundle

from himswasthya.notify import sms
from himswasthya.records import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}
TEXT = {
    "en": {
        "my_records": "My health records",
        "record": "Record {}",
        "download": "Download PDF",
        "fhir": "Download for another hospital (FHIR)",
        "diagnoses": "Diagnoses",
    },
    "hi": {
        "my_records": "मेरे स्वास्थ्य रिकॉर्ड",
        "record": "रिकॉर्ड {}",
        "download": "पीडीएफ़ डाउनलोड करें",
        "fhir": "दूसरे अस्पताल के लिए डाउनलोड करें (FHIR)",
        "diagnoses": "निदान",
    },
}


@pytest.mark.parametrize("language", ["en", "hi"])
def test_a_citizen_opens_a_family_record_and_downloads_its_pdf_and_fhir_bundle(
    language, browser, live_server, settings, doctor, family, persona_facility, good_draft
):
    settings.OTP_MAX_SENDS_PER_MOBILE_PER_HOUR = settings.OTP_MAX_SENDS_PER_IP_PER_HOUR = 10_000
    settings.OTP_MAX_VERIFY_PER_IP_PER_HOUR = 10_000
    text = TEXT[language]
    head, child = family["head"], family["child"]
    older = services.open_encounter(doctor, head, persona_facility, source_ref="opd:OPD-OLD")
    services.sign(doctor, older)
    record = services.open_encounter(doctor, child, persona_facility, source_ref="opd:OPD-NEW")
    services.save_draft(doctor, record, good_draft)
    services.sign(doctor, record)
    services.open_encounter(doctor, head, persona_facility, source_ref="opd:OPD-DRAFT")  # never shown

    context = browser.new_context(
        base_url=live_server.url,
        locale="hi-IN" if language == "hi" else "en-IN",
        viewport=PHONE,
        accept_downloads=True,
    )
    context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        # Signs in with the OTP the (memory) SMS gateway received.
        page.goto("/login/mobile/")
        page.locator("input[name=mobile]").fill(head.mobile)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/login/otp/")
        page.locator("input[name=otp]").fill(sms.outbox[-1].text[:6])
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/home/")

        page.get_by_role("link", name=text["my_records"]).click()
        page.wait_for_url("**/records/mine/")
        assert page.get_by_role("heading", level=1).inner_text() == text["my_records"]
        assert page.get_by_test_id("member-records").count() == 2  # the citizen and her daughter
        assert page.get_by_test_id("record-link").count() == 2  # the draft is not shown

        page.get_by_role("link", name=text["record"].format(record.pk)).click()
        page.wait_for_url(f"**/records/{record.pk}/")
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", name=text["diagnoses"]).is_visible()
        assert "J06.9" in page.get_by_test_id("diagnoses").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        download_link = page.get_by_role("link", name=text["download"])
        box = download_link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        with page.expect_download(timeout=60_000) as download_info:
            download_link.click()
        download = download_info.value
        assert download.suggested_filename == f"health-record-{record.pk}.pdf"
        with open(download.path(), "rb") as pdf_file:
            pdf = pdf_file.read()
        assert pdf.startswith(b"%PDF-")
        pdf_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert "Anu Devi" in pdf_text and "J06.9" in pdf_text and "Betadine gargle" in pdf_text
        assert f"{live_server.url}/records/{record.pk}/" in pdf_text  # the QR's page, on this site

        with page.expect_download(timeout=60_000) as download_info:
            page.get_by_role("link", name=text["fhir"]).click()
        download = download_info.value
        assert download.suggested_filename == f"health-record-{record.pk}.fhir.json"
        with open(download.path(), encoding="utf-8") as json_file:
            bundle = json.load(json_file)
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
        Bundle.model_validate(bundle)  # the national R4 models accept what the citizen carries away
    finally:
        context.close()
