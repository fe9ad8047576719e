"""Issue #12 item 6: the documents each package needs (configurable on the package master) are required to
raise a pre-authorisation and to submit a claim, and the officer sees the case's documents beside the
decision; the claim queue does not decide inline."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError
from himswasthya.himcare.admin import PackageForm
from himswasthya.himcare.cases import services as cases
from himswasthya.himcare.cases.documents import CLAIM, PREAUTH, attach_document, required_documents
from himswasthya.himcare.models import Case, Claim, Document, Package, PackageKind
from himswasthya.himcare.tests.factories import TEST_PDF, make_package


@pytest.mark.django_db
def test_defaults_by_package_kind_and_the_package_override(surgery_package):
    specialty = surgery_package.specialty
    medical = make_package("SG001M", specialty=specialty, kind=PackageKind.MEDICAL)
    daycare = make_package("SG002D", specialty=specialty, kind=PackageKind.DAY_CARE)
    assert required_documents([surgery_package], PREAUTH) == ["clinical_notes", "investigation"]
    assert required_documents([daycare], PREAUTH) == ["clinical_notes"]
    assert required_documents([surgery_package], CLAIM) == ["discharge_summary", "bill", "operation_notes"]
    assert required_documents([medical, daycare], CLAIM) == ["discharge_summary", "bill"]
    Package.objects.filter(pk=daycare.pk).update(preauth_documents="photo, investigation;nonsense")
    assert required_documents([Package.objects.get(pk=daycare.pk)], PREAUTH) == ["investigation", "photo"]


def test_preauth_refused_without_the_documents_in_both_languages(raise_preauth):
    for language, expected in (
        ("en", "Attach the documents the package needs for the pre-authorisation: Investigation report."),
        ("hi", "जाँच रिपोर्ट"),
    ):
        with translation.override(language), pytest.raises(DomainError) as caught:
            raise_preauth([{"kind": "clinical_notes", "reference": "N-1"}])
        assert caught.value.field == "documents" and caught.value.code == "documents_missing"
        assert expected in str(caught.value.message)
        assert "Attach" not in str(caught.value.message) or language == "en"
    assert not Case.objects.exists() and not Document.objects.exists()
    case = raise_preauth()
    assert sorted(case.documents.values_list("kind", flat=True)) == ["clinical_notes", "investigation"]


def test_claim_needs_its_documents_attached_before_or_with_it(scheme_desk, discharged):
    case = discharged
    with pytest.raises(DomainError) as caught:
        cases.do_submit_claim(actor=scheme_desk, case=case, documents=[{"kind": "bill", "reference": "B-1"}])
    assert caught.value.field == "documents"
    assert str(caught.value.message).endswith(": Discharge summary, Operation notes.")
    assert not Claim.objects.exists() and not case.documents.filter(kind="bill").exists()
    attach_document(actor=scheme_desk, kind="discharge_summary", case=case, reference="DS-1")
    claim = cases.do_submit_claim(
        actor=scheme_desk,
        case=case,
        documents=[{"kind": "bill", "reference": "B-1"}, {"kind": "operation_notes", "reference": "OT-1"}],
    )
    assert claim.case.status == "claim_submitted"


def test_the_officer_sees_the_documents_beside_the_decision(
    login_as, scheme_desk, other_scheme_desk, himcare_officer, citizen, raised
):
    case = raised
    scan = attach_document(
        actor=scheme_desk,
        kind="investigation",
        case=case,
        upload=SimpleUploadedFile("usg.pdf", TEST_PDF, "application/pdf"),
    )
    officer = login_as(himcare_officer)
    page = officer.get(f"/himcare/cases/{case.pk}/").content.decode()
    decision = page[page.index('data-testid="decide-form"') :]
    documents = decision[decision.index('data-testid="decision-documents"') :]
    link = f"/himcare/cases/{case.pk}/documents/{scan.pk}/"
    assert link in documents and "Investigation report" in documents and "TEST-clinical_notes" in documents
    assert "Clinical notes: attached" in " ".join(documents.split())

    opened = officer.get(link)
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert opened["X-Content-Type-Options"] == "nosniff" and opened["Content-Disposition"].startswith(
        "inline"
    )
    assert b"".join(opened.streaming_content) == TEST_PDF
    entry = AuditEntry.objects.get(action="himcare_document.read")
    assert entry.object_id == str(scan.pk) and entry.actor_id == himcare_officer.pk
    assert login_as(other_scheme_desk).get(link).status_code == 404
    assert login_as(scheme_desk).get(link).status_code == 200
    reference_only = case.documents.get(kind="clinical_notes")
    assert officer.get(f"/himcare/cases/{case.pk}/documents/{reference_only.pk}/").status_code == 404


def test_the_claim_page_lists_missing_documents_and_the_queue_links_to_it(
    login_as, scheme_desk, himcare_officer, discharged
):
    case = discharged
    desk_page = " ".join(login_as(scheme_desk).get(f"/himcare/cases/{case.pk}/").content.decode().split())
    assert 'data-testid="claim-documents"' in desk_page and 'name="document_operation_notes"' in desk_page
    for kind in ("discharge_summary", "bill", "operation_notes"):
        attach_document(actor=scheme_desk, kind=kind, case=case, reference=f"R-{kind}")
    cases.do_submit_claim(actor=scheme_desk, case=case)
    queue = login_as(himcare_officer).get("/himcare/cases/claim-queue/").content.decode()
    assert 'data-testid="adjudicate-form"' not in queue and 'data-testid="open-claim"' in queue
    assert "Operation notes" in queue


def test_the_package_admin_form_keeps_the_ticked_kinds(surgery_package):
    fields = {
        f.name: getattr(surgery_package, f.name)
        for f in Package._meta.fields
        if f.name not in ("id", "specialty", "preauth_documents", "claim_documents")
    }
    form = PackageForm(
        {
            **fields,
            "specialty": surgery_package.specialty_id,
            "preauth_documents": ["photo", "clinical_notes"],
        },
        instance=surgery_package,
    )
    assert form.is_valid(), form.errors
    package = form.save()
    assert package.preauth_documents == "clinical_notes,photo" and package.claim_documents == ""
    assert required_documents([package], PREAUTH) == ["clinical_notes", "photo"]
    assert required_documents([package], CLAIM) == ["discharge_summary", "bill", "operation_notes"]
