"""SEC-28: uploads checked by size and content, the EICAR test file refused, nothing half-written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from himswasthya.core.errors import DomainError
from himswasthya.himcare.cases.documents import MAX_DOCUMENT_BYTES, attach_document
from himswasthya.himcare.models import Document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_it_stores_a_pdf_with_its_hash_under_a_hashed_name(active_enrolment, himcare_officer, media):
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF, content_type="text/html")
    document = attach_document(
        actor=himcare_officer, kind="category_cert", upload=upload, enrolment=active_enrolment
    )
    assert document.content_type == "application/pdf"  # from the bytes, not the browser's word
    assert len(document.sha256) == 64 and document.size_bytes == len(PDF)
    assert "passwd" not in document.file.name and document.file.name.endswith(".pdf")
    assert (media / document.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<html><script>alert(1)</script>", "file_type_not_allowed"),
        (b"%PDF-1.4 X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*", "file_infected"),
        (b"", "file_empty"),
        (b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES, "file_too_large"),
    ],
)
@pytest.mark.django_db
def test_it_refuses_bad_files_and_writes_nothing(active_enrolment, himcare_officer, media, content, code):
    upload = SimpleUploadedFile("x.pdf", content, content_type="application/pdf")
    with pytest.raises(DomainError) as error:
        attach_document(actor=himcare_officer, kind="bill", upload=upload, enrolment=active_enrolment)
    assert error.value.code == code and error.value.field == "file"
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_reference_alone_is_enough_but_nothing_is_not(active_enrolment, himcare_officer):
    document = attach_document(
        actor=himcare_officer, kind="category_cert", enrolment=active_enrolment, reference="BPL/2026/113"
    )
    assert document.reference == "BPL/2026/113" and not document.file
    with pytest.raises(DomainError) as error:
        attach_document(actor=himcare_officer, kind="category_cert", enrolment=active_enrolment)
    assert error.value.code == "document_missing"
