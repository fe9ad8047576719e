"""The signed record's PDF: letterhead, bilingual labels, the clinical content, a QR code of the record's page
that scans back, the version and "corrected version of ..." of a correction."""

from __future__ import annotations

import io
import shutil
import subprocess

import pypdf
import pytest
from django.utils import translation

from himswasthya.core.documents import FONT_DIR, qr_data_uri
from himswasthya.records import services
from himswasthya.records.documents import qr_payload, render_record_html, render_record_pdf

pytestmark = pytest.mark.django_db
BASE = "https://records.example.test"


@pytest.fixture
def signed(doctor, draft, good_draft, persona_facility):
    persona_facility.address = "Sanjauli Road"
    persona_facility.save(update_fields=["address"])
    draft.person.name_deva = "आशा देवी"
    draft.person.save(update_fields=["name_deva"])
    services.save_draft(doctor, draft, good_draft)
    services.sign(doctor, draft)
    return services.get_encounter(doctor, draft.pk)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_holds_letterhead_patient_diagnoses_prescription_and_doctor(signed, doctor):
    pdf = render_record_pdf(signed, base_url=BASE)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for expected in (
        "Persona Medical College Shimla",
        "पर्सोना मेडिकल कॉलेज शिमला",  # the facility's Hindi name: Devanagari shaped and extractable
        "आवश्यक दवाओं की सूची में",  # a Hindi label
        "Sanjauli Road",
        "Shimla",
        "Asha Devi",
        "J06.9",
        "Acute upper respiratory infection, unspecified",
        "I10",
        "Paracetamol Tablet",
        "500 mg",
        "TDS",
        "Betadine gargle",
        "not in the essential medicines list",  # the free-text line is marked
        "Fever for three days",
        "Plenty of fluids",
        "Penicillin",
        "130/85 mmHg",
        "23.4",  # BMI
        doctor.display_name,
        f"{BASE}/records/{signed.pk}/",
    ):
        assert expected in text, expected


def _laid_out_text(html: str) -> str:
    """The text of the document as WeasyPrint lays it out (shaped; pypdf's extraction of some Devanagari
    vowel signs from the embedded subset font is unreliable, so names are checked here)."""
    from weasyprint import HTML

    found: list[str] = []

    def walk(box) -> None:
        if getattr(box, "text", None):
            found.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    for page in HTML(string=html, base_url=str(FONT_DIR)).render().pages:
        walk(page._page_box)
    return " ".join(found)


def test_the_patients_name_is_printed_in_both_scripts(signed):
    text = _laid_out_text(render_record_html(signed, base_url=BASE))
    assert "Asha Devi" in text and "आशा देवी" in text
    assert "पर्सोना मेडिकल कॉलेज शिमला" in text and "शिमला" in text


def test_the_labels_are_in_english_and_hindi_whatever_the_language(signed):
    for language in ("en", "hi"):
        with translation.override(language):
            html = render_record_html(signed, base_url=BASE)
        assert "Diagnoses · निदान" in html
        assert "Prescription · पर्चा" in html
        assert "Doctor · डॉक्टर" in html
        assert "By mouth · मुँह से" in html  # the route, a choice label


def test_the_pdf_embeds_the_shipped_devanagari_font(signed):
    html = render_record_html(signed)
    assert (FONT_DIR / "NotoSansDevanagari-Regular.ttf").as_uri() in html
    reader = pypdf.PdfReader(io.BytesIO(render_record_pdf(signed)))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Sans-Devanagari" in name for name in fonts), fonts


def test_the_qr_code_holds_the_records_page(signed, settings):
    settings.HIMSWASTHYA_PUBLIC_URL = "https://himswasthya.example.test/"
    assert qr_payload(signed) == f"https://himswasthya.example.test/records/{signed.pk}/"
    assert qr_payload(signed, BASE) == f"{BASE}/records/{signed.pk}/"
    assert qr_data_uri(f"{BASE}/records/{signed.pk}/") in render_record_html(signed, base_url=BASE)


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler + zbar")
def test_the_printed_qr_scans_back_to_the_records_page(signed, tmp_path):
    (tmp_path / "record.pdf").write_bytes(render_record_pdf(signed, base_url=BASE))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "record.pdf", "r"], cwd=tmp_path, check=True
    )
    image = next(tmp_path.glob("r*.png"))
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert scanned == f"{BASE}/records/{signed.pk}/"


def test_a_correction_says_which_record_it_corrects_and_its_version(signed, doctor):
    correction = services.correct(doctor, signed)
    services.sign(doctor, correction)
    correction = services.get_encounter(doctor, correction.pk)
    text = _text(render_record_pdf(correction, base_url=BASE))
    assert f"Corrected version of record {signed.pk}" in text
    assert "Version · संस्करण 2" in text.replace("\n", " ")
    assert "Version · संस्करण 1" in _text(render_record_pdf(signed, base_url=BASE)).replace("\n", " ")
    assert "Corrected version" not in _text(render_record_pdf(signed, base_url=BASE))


def test_an_admission_record_prints_its_stay_procedures_and_discharge_summary(
    doctor, patient, persona_facility, codes, login_as, citizen
):
    from himswasthya.records.models import EncounterKind
    from himswasthya.records.tests.test_admission import good_admission

    admission = services.open_encounter(
        doctor, patient, persona_facility, source_ref="himcare:CASE-DOC-1", kind=EncounterKind.ADMISSION
    )
    services.save_draft(doctor, admission, good_admission())
    services.sign(doctor, admission)
    shown = services.get_encounter(doctor, admission.pk)
    text = _text(render_record_pdf(shown, base_url=BASE))
    for expected in (
        "Admission record",
        "Open cholecystectomy",
        "SG039A",
        "Uneventful recovery",
        "Recovered",
    ):
        assert expected in text, expected
    html = render_record_html(shown)
    assert "Discharge summary · डिस्चार्ज सारांश" in html and "Procedures · प्रक्रियाएँ" in html
    page = login_as(citizen).get(f"/records/{admission.pk}/").content.decode()  # the family reads it too
    assert "Open cholecystectomy" in page and "Uneventful recovery" in page
