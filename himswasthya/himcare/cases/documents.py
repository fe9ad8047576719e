"""Documents of enrolments and cases (SEC-28): size limit, type decided by the content (not the name or the
browser's word), a virus check, a SHA-256 for integrity; stored under MEDIA_ROOT, which is never served
directly (documents are sent only by views that check scope)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import DomainError
from himswasthya.himcare.models import Case, Document, DocumentKind, Enrolment, Package, PackageKind
from himswasthya.records.services import has_signed_discharge_summary

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Magic numbers of the types we accept: PDF, JPEG, PNG.
SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
# The EICAR anti-virus test string: a real deployment also runs ClamAV (clamd) on the bytes.
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


def sniff_content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def check_upload(upload: UploadedFile) -> tuple[bytes, str]:
    """The bytes and their content type, or a DomainError naming the field and the reason."""
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise DomainError(_("The file is larger than 5 MB."), field="file", code="file_too_large")
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DomainError(_("The file is larger than 5 MB."), field="file", code="file_too_large")
    if not data:
        raise DomainError(_("The file is empty."), field="file", code="file_empty")
    if EICAR in data:
        raise DomainError(_("The file was refused by the virus check."), field="file", code="file_infected")
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise DomainError(
            _("Only PDF, JPEG or PNG files are accepted."), field="file", code="file_type_not_allowed"
        )
    return data, content_type


def attach_document(
    *,
    actor: Any,
    kind: str,
    upload: UploadedFile | None = None,
    enrolment: Enrolment | None = None,
    case: Case | None = None,
    reference: str = "",
) -> Document:
    """Attach a document (a file, or only its number, e.g. a certificate seen at the counter) to one parent.

    The caller has already decided that `actor` may act on the parent; this checks the document itself.
    """
    if (enrolment is None) == (case is None):
        raise ValueError("a document belongs to exactly one enrolment or case")
    if kind not in DocumentKind.values:
        raise DomainError(_("Choose a document type from the list."), field="kind", code="invalid_choice")
    if upload is None and not reference.strip():
        raise DomainError(
            _("Upload the document or enter its number."), field="file", code="document_missing"
        )
    document = Document(
        enrolment=enrolment, case=case, kind=kind, reference=reference.strip()[:100], uploaded_by=actor
    )
    if upload is not None:
        data, content_type = check_upload(upload)
        document.content_type = content_type
        document.size_bytes = len(data)
        document.sha256 = hashlib.sha256(data).hexdigest()
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
        # Stored under a name made from the hash, never the user's file name.
        from django.core.files.base import ContentFile

        document.file.save(f"{document.sha256[:32]}.{extension}", ContentFile(data), save=False)
    with transaction.atomic():
        document.save()
        record(
            AuditAction.HIMCARE_DOCUMENT_CREATE,
            object_type="himcare.Document",
            object_id=document.pk,
            purpose="himcare_claims" if case else "himcare_enrolment",
            actor=actor,
            detail={"kind": kind, "size": document.size_bytes},
        )
    return document


# --- the documents each package needs (issue #12 item 6) ----------------------------------------------------
# The one rule the services, pages and API all read: a package's own list (Package.preauth_documents /
# claim_documents, set by the HIMCARE officer in the admin), else the default for its kind (PM-JAY practice:
# clinical notes and investigations to ask for pre-authorisation; discharge summary and final bill - and the
# operation notes of a surgery - to claim).
PREAUTH, CLAIM = "preauth", "claim"
K = DocumentKind
DEFAULT_REQUIRED = {
    PREAUTH: {
        PackageKind.MEDICAL: (K.CLINICAL_NOTES, K.INVESTIGATION),
        PackageKind.SURGICAL: (K.CLINICAL_NOTES, K.INVESTIGATION),
        PackageKind.DAY_CARE: (K.CLINICAL_NOTES,),
    },
    CLAIM: {
        PackageKind.MEDICAL: (K.DISCHARGE_SUMMARY, K.BILL),
        PackageKind.SURGICAL: (K.DISCHARGE_SUMMARY, K.OPERATION_NOTES, K.BILL),
        PackageKind.DAY_CARE: (K.DISCHARGE_SUMMARY, K.BILL),
    },
}
FIELDS = {PREAUTH: "preauth_documents", CLAIM: "claim_documents"}


def parse_kinds(text: str) -> list[str]:
    """Document kinds written as "a,b" (or with ; or blanks), known kinds only, in DocumentKind order."""
    given = {part.strip() for part in (text or "").replace(";", ",").replace(" ", ",").split(",")}
    return [kind for kind in DocumentKind.values if kind in given]


def package_documents(package: Package, stage: str) -> list[str]:
    """The kinds one package needs at `stage` (PREAUTH or CLAIM)."""
    own = parse_kinds(getattr(package, FIELDS[stage]))
    return own or [str(k) for k in DEFAULT_REQUIRED[stage].get(package.kind, ())]


def required_documents(packages: Iterable[Package], stage: str) -> list[str]:
    """The kinds a case with these packages needs at `stage`, in DocumentKind order."""
    needed = {kind for package in packages for kind in package_documents(package, stage)}
    return [kind for kind in DocumentKind.values if kind in needed]


def case_documents(case: Case, stage: str) -> list[str]:
    return required_documents((p.package for p in case.packages.select_related("package")), stage)


def kind_labels(kinds: Iterable[str]) -> list[Any]:
    return [DocumentKind(kind).label for kind in kinds]


def check_required(needed: Iterable[str], have: Iterable[str], stage: str) -> None:
    """A DomainError (field "documents", code "documents_missing") naming every needed kind not in `have`."""
    have = set(have)
    missing = [kind for kind in needed if kind not in have]
    if not missing:
        return
    names = ", ".join(str(label) for label in kind_labels(missing))
    message = (
        _("Attach the documents the package needs for the pre-authorisation: %(kinds)s.")
        if stage == PREAUTH
        else _("Attach the documents the package needs for the claim: %(kinds)s.")
    )
    raise DomainError(message % {"kinds": names}, field="documents", code="documents_missing")


# --- what a claim needs: the one rule the claim service, pages and API read (issue #13 item 3) -------------
def has_discharge_summary(case: Case) -> bool:
    """Does the case's admission record have a signed discharge summary (records, cases/treatment.py)?"""
    return has_signed_discharge_summary(case.facility_id, case.record_source)


def check_claim_ready(case: Case, have: Iterable[str]) -> None:
    """A claim needs a signed discharge summary in the case's admission record (DomainError, field
    "discharge_summary", code "discharge_summary_missing") and the documents its packages need
    (`check_required`)."""
    if not has_discharge_summary(case):
        raise DomainError(
            _(
                "The claim needs a signed discharge summary: write it in the case's admission record and "
                "sign it."
            ),
            field="discharge_summary",
            code="discharge_summary_missing",
        )
    check_required(case_documents(case, CLAIM), have, CLAIM)
