"""POST /api/himparivar/imports (multipart upload) and POST /api/himparivar/sync."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from himswasthya.accounts.scoping import RoleAuth
from himswasthya.core.api import errors
from himswasthya.core.errors import DomainError
from himswasthya.himparivar import register_services as services
from himswasthya.himparivar.importer import error_out

router = Router(tags=["himparivar"])


class RegisterRowErrorOut(Schema):
    row: int
    family_id: str
    member_id: str
    field: str
    reason: str


class RegisterImportOut(Schema):
    run_id: int
    format: str
    dry_run: bool
    counts: dict[str, int]
    errors_total: int
    errors: list[RegisterRowErrorOut]


class SyncOut(Schema):
    pages: int
    applied: int
    rejected: int
    cursor: str
    errors: list[RegisterRowErrorOut]


@router.post(
    "/imports", response={200: RegisterImportOut, **errors(409)}, auth=RoleAuth(*services.IMPORT_ROLES)
)
def post_import(request: HttpRequest, file: File[UploadedFile], dry_run: Form[bool] = False) -> dict:
    if file.size > services.max_upload_bytes():
        raise DomainError("The file is too large.", field="file", code="file_too_large")
    outcome = services.do_import_register(
        request.auth, file, file_name=file.name or "upload", dry_run=dry_run
    )
    return {
        "run_id": outcome.run.pk,
        "format": outcome.result.file_format,
        "dry_run": dry_run,
        "counts": outcome.result.counts.as_dict(),
        "errors_total": outcome.result.errors_written,
        "errors": outcome.errors_preview,
    }


@router.post(
    "/sync", response={200: SyncOut, **errors(409, 502, 503, 504)}, auth=RoleAuth(*services.SYNC_ROLES)
)
def post_sync(request: HttpRequest) -> dict:
    outcome = services.do_sync_register(request.auth)
    return {
        "pages": outcome.pages,
        "applied": outcome.applied,
        "rejected": outcome.rejected,
        "cursor": outcome.cursor,
        "errors": [error_out(e) for e in outcome.errors[:100]],
    }
