"""The OPD slip: PDF content (token, Devanagari name), the QR scans back to the appointment, access."""

from __future__ import annotations

import io
import shutil
import subprocess
import time

import pypdf
import pytest

from himswasthya.accounts.models import User
from himswasthya.audit.models import AuditEntry
from himswasthya.core.documents import FONT_DIR, qr_data_uri
from himswasthya.people.services import do_issue_uhid
from himswasthya.registration.qr import appointment_number_from_qr, slip_qr_payload
from himswasthya.registration.slips import render_slip_html, render_slip_pdf
from himswasthya.registration.tests import queue_factories as make


@pytest.fixture
def slip_appointment(persona_facility, citizen):
    day = make.session_day(persona_facility)
    patient = make.person(persona_facility, name="Asha Devi", name_deva="आशा देवी", mobile=citizen.mobile)
    for _ in range(6):  # so the token under test is 7, not a default-looking 1
        make.appointment(day)
    return make.appointment(day, patient, status="booked", number="OPD-SLIP-0007")


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_pdf_shows_token_number_and_both_scripts_of_the_name(slip_appointment, language):
    uhid = do_issue_uhid(slip_appointment.person)
    pdf = render_slip_pdf(slip_appointment, language)

    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "OPD-SLIP-0007" in text
    assert "\n7\n" in f"\n{text}\n"  # the token, on a line of its own (large)
    assert "Asha Devi" in text
    assert "आशा देवी" in text  # Devanagari shaped and extractable: the shipped font is embedded
    assert "पर्सोना मेडिकल कॉलेज शिमला" in text
    assert uhid in text
    assert "XXXXXX3210" in text and "9876543210" not in text


@pytest.mark.django_db
def test_the_pdf_embeds_the_shipped_devanagari_font(slip_appointment):
    html = render_slip_html(slip_appointment, "hi", for_pdf=True)
    assert (FONT_DIR / "NotoSansDevanagari-Regular.ttf").as_uri() in html
    assert (FONT_DIR / "NotoSansDevanagari-Regular.ttf").is_file() and (FONT_DIR / "OFL.txt").is_file()
    pdf = pypdf.PdfReader(io.BytesIO(render_slip_pdf(slip_appointment, "hi")))
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Noto-Sans-Devanagari" in name for name in fonts), fonts


@pytest.mark.django_db
def test_the_slip_html_carries_the_qr_of_this_appointment(slip_appointment, time_machine):
    time_machine.move_to(time.time(), tick=False)  # the QR's signature carries the second it was made in
    html = render_slip_html(slip_appointment, "en")
    assert qr_data_uri(slip_qr_payload("OPD-SLIP-0007")) in html


@pytest.mark.django_db
@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler + zbar")
def test_the_printed_qr_scans_back_to_the_appointment_number(slip_appointment, tmp_path):
    (tmp_path / "slip.pdf").write_bytes(render_slip_pdf(slip_appointment, "en"))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "slip.pdf", "slip"], cwd=tmp_path, check=True)
    image = next(tmp_path.glob("slip*.png"))
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert appointment_number_from_qr(scanned) == "OPD-SLIP-0007"


# --- the views ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_citizen_downloads_their_own_slip_and_it_is_audited(slip_appointment, citizen, login_as):
    response = login_as(citizen).get("/opd/appointments/OPD-SLIP-0007/slip.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "आशा देवी" in _pdf_text(response.content)
    entry = AuditEntry.objects.get(action="appointment.slip")
    assert entry.object_id == "OPD-SLIP-0007" and entry.actor == citizen


@pytest.mark.django_db
def test_another_citizen_gets_404_for_a_slip_not_theirs(slip_appointment, login_as):
    stranger = User.objects.create(username="stranger", role="citizen", mobile="9123456780")
    response = login_as(stranger).get("/opd/appointments/OPD-SLIP-0007/slip.pdf")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="appointment.slip").exists()


@pytest.mark.django_db
def test_the_clerk_prints_slips_of_their_facility_only(
    slip_appointment, clerk, other_facility_clerk, login_as
):
    page = login_as(clerk).get("/opd/appointments/OPD-SLIP-0007/slip/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="slip-token">7<' in body and "आशा देवी" in body
    assert login_as(clerk).get("/opd/appointments/OPD-SLIP-0007/slip.pdf").status_code == 200
    assert login_as(other_facility_clerk).get("/opd/appointments/OPD-SLIP-0007/slip.pdf").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(slip_appointment, client):
    response = client.get("/opd/appointments/OPD-SLIP-0007/slip.pdf")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_the_hindi_slip_has_hindi_labels(slip_appointment, login_as, clerk):
    response = login_as(clerk).get("/opd/appointments/OPD-SLIP-0007/slip.pdf?lang=hi")
    assert "मरीज़" in _pdf_text(response.content)
