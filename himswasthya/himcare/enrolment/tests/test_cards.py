"""The HIMCARE e-card PDF: card number and Hindi text in the PDF, and a QR code that scans back."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from himswasthya.himcare.enrolment import services as svc
from himswasthya.himcare.enrolment.cards import qr_payload, render_card_pdf


@pytest.fixture
def card(scheme_year, citizen_family, himcare_officer):
    enrolment = svc.do_enrol_family(actor=himcare_officer, family=citizen_family, channel="officer")
    svc.do_record_counter_payment(actor=himcare_officer, enrolment=enrolment, receipt_no="R-9")
    enrolment.refresh_from_db()
    return enrolment


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler")
def test_pdf_text_has_card_number_members_and_hindi(card, tmp_path):
    (tmp_path / "card.pdf").write_bytes(render_card_pdf(card))
    text = subprocess.run(
        ["pdftotext", "-layout", "card.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert card.card_number in text
    # (pdftotext reorders the vowel sign of some syllables, so look for words without one)
    assert "योजना" in text and "सदस्य" in text and "श्रेणी" in text
    assert "Asha Devi" in text and "Anu Thakur" in text
    assert card.valid_to.strftime("%d-%m-%Y") in text


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler + zbar")
def test_qr_scans_to_card_number_and_verification_url(card, tmp_path):
    (tmp_path / "card.pdf").write_bytes(render_card_pdf(card, base_url="https://example.test"))
    subprocess.run(["pdftoppm", "-r", "200", "-png", "card.pdf", "card"], cwd=tmp_path, check=True)
    image = next(tmp_path.glob("card*.png"))
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert scanned == qr_payload(card.card_number, "https://example.test")
    assert scanned == f"HIMCARE {card.card_number} https://example.test/himcare/verify/?q={card.card_number}"


def test_relations_are_printed_in_english_and_hindi(card):
    """Issue #12 item 4: the bilingual card names each relation in both languages ("Wife · पत्नी"), whatever
    the language of the request that prints it."""
    from django.utils import translation

    from himswasthya.himcare.enrolment.cards import render_card_html

    with translation.override("hi"):
        html = render_card_html(card)
        assert translation.get_language() == "hi"
    assert "<td>Husband · पति</td>" in html and "<td>Daughter · पुत्री</td>" in html
    assert "Self (head) · स्वयं (मुखिया)" in html
