"""core.documents: PDFs embed the shipped Devanagari font (Hindi shaped and extractable); QR codes as SVG."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess

import pypdf
import pytest
import qrcode
import qrcode.image.svg

from himswasthya.core import documents

# Pure code or source checks: the outcome cannot depend on the database engine or the cache.
pytestmark = pytest.mark.engine_independent

HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
@font-face {{ font-family: "Noto Sans Devanagari"; src: url("{font_regular}"); }}
body {{ font-family: "Noto Sans Devanagari"; }}
</style></head><body><p>HimSwasthya</p><p>आशा देवी</p><img src="{qr}"></body></html>"""


def _pdf(payload: str = "HSOPD:test") -> bytes:
    return documents.html_to_pdf(HTML.format(**documents.pdf_fonts(), qr=documents.qr_data_uri(payload)))


def test_the_shipped_fonts_are_there_with_their_licence():
    fonts = documents.pdf_fonts()
    assert fonts == {
        "font_regular": documents.FONT_REGULAR.as_uri(),
        "font_bold": documents.FONT_BOLD.as_uri(),
    }
    assert documents.FONT_REGULAR.is_file() and documents.FONT_BOLD.is_file()
    assert (documents.FONT_DIR / "OFL.txt").is_file()


def test_a_pdf_embeds_the_devanagari_font_and_hindi_is_extractable():
    pdf = _pdf()
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "आशा देवी" in text and "HimSwasthya" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Sans-Devanagari" in name for name in fonts), fonts


def test_the_qr_code_is_an_svg_of_its_payload():
    svg = documents.qr_svg("HSOPD:one")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert documents.qr_svg("HSOPD:one") == svg and documents.qr_svg("HSOPD:two") != svg
    inline = documents.qr_svg("HSOPD:one", inline=True)
    assert inline.startswith("<svg") and inline == svg[svg.index("<svg") :]
    uri = documents.qr_data_uri("HSOPD:one")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == svg


@pytest.mark.parametrize("box_size, border", [(10, 4), (12, 2), (10, 2)])
def test_the_qr_code_is_the_one_qrcode_makes_with_the_same_settings(box_size, border):
    # The TOTP enrolment (border 4) and the scan-and-share counters (box 12) drew theirs with qrcode.make.
    out = io.BytesIO()
    qrcode.make(
        "otpauth://totp/x?secret=ABC",
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=box_size,
        border=border,
    ).save(out)
    assert (
        documents.qr_svg("otpauth://totp/x?secret=ABC", box_size=box_size, border=border)
        == out.getvalue().decode()
    )


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler + zbar")
def test_the_printed_qr_scans_back_to_its_payload(tmp_path):
    (tmp_path / "doc.pdf").write_bytes(_pdf("HIMCARE HC0000000000001 https://example.org/v?q=1"))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "doc.pdf", "doc"], cwd=tmp_path, check=True)
    image = next(tmp_path.glob("doc*.png"))
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert scanned == "HIMCARE HC0000000000001 https://example.org/v?q=1"
