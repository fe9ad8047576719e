"""Register import and sync as domain operations: who may run them, where uploads go, the audit entries.

Import: the state administrator for any district, a district officer for families of their own district
(rows of other districts are rejected). Sync: the state administrator (and the scheduled command).
Audit entries carry counts only - never names, ids of people or the file's content.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import Role
from himswasthya.accounts.scoping import require_role
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import DomainError
from himswasthya.core.importfiles import binary_error, not_utf8_error, read_row_error_report
from himswasthya.himparivar.importer import (
    REQUIRED_CSV_COLUMNS,
    ImportResult,
    detect_format,
    import_file,
)
from himswasthya.himparivar.models import ImportRun, SyncState
from himswasthya.himparivar.sync.apply import apply_page
from himswasthya.himparivar.sync.client import RegisterClient, RegisterError

IMPORT_ROLES = (Role.STATE_ADMIN, Role.DISTRICT_OFFICER)
SYNC_ROLES = (Role.STATE_ADMIN,)


def import_dir() -> Path:
    directory = Path(settings.HIMPARIVAR_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def max_upload_bytes() -> int:
    return int(settings.HIMPARIVAR_IMPORT_MAX_BYTES)


def allowed_districts_for(user: Any) -> set[int] | None:
    """None: every district (state administrator, or a command run without a user)."""
    if user is not None and getattr(user, "role", None) == Role.DISTRICT_OFFICER:
        return {user.district_id}
    return None


def _line_at(head: bytes, position: int) -> int:
    return head.count(b"\n", 0, position) + 1


def sniff_upload(head: bytes) -> str:
    """SEC-28: the type is decided by content, not by name or Content-Type: UTF-8 text, CSV header or JSON."""
    if b"\x00" in head:
        raise binary_error(_line_at(head, head.index(b"\x00")), code="bad_file_type")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniffed block is fine; anything earlier is not.
        if exc.start < len(head) - 4:
            raise not_utf8_error(_line_at(head, exc.start), code="bad_file_type") from exc
        text = head[: exc.start].decode("utf-8-sig")
    file_format = detect_format(head)
    if file_format == "csv":
        header = {c.strip() for c in text.splitlines()[0].split(",")} if text.strip() else set()
        if not REQUIRED_CSV_COLUMNS <= header:
            raise DomainError(
                _("This is neither a register CSV (with a header row) nor a JSON export."),
                field="file",
                code="bad_file_type",
            )
    return file_format


@dataclass
class ImportOutcome:
    run: ImportRun
    result: ImportResult

    @property
    def errors_preview(self) -> list[dict[str, str]]:
        return read_row_error_report(self.result.error_report) if self.result.error_report else []


def store_upload(name: str, chunks: Any) -> Path:
    """Write an upload to the private import folder under a random name, enforcing the size limit."""
    limit = max_upload_bytes()
    path = import_dir() / f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:6]}"
    size = 0
    with path.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise DomainError(
                    _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
                    field="file",
                    code="file_too_large",
                )
            out.write(chunk)
    return path


def do_import_register(
    user: Any,
    upload: IO[bytes] | Path,
    *,
    file_name: str,
    dry_run: bool = False,
    on_progress: Callable[[int, int], Any] | None = None,
    batch_families: int | None = None,
) -> ImportOutcome:
    """Import a register export (an uploaded file, or a path for the command). Audited with counts only."""
    if user is not None:
        require_role(user, *IMPORT_ROLES)
    if isinstance(upload, Path):
        path = upload
        with path.open("rb") as f:
            file_format = sniff_upload(f.read(4096))
    else:
        file_format = sniff_upload(upload.read(4096))
        upload.seek(0)
        path = store_upload(file_name, iter(lambda: upload.read(1 << 20), b""))
    run = ImportRun.objects.create(
        started_by=user,
        file_name=Path(file_name).name[:200],
        stored_path=str(path),
        file_format=file_format,
        dry_run=dry_run,
    )
    options: dict[str, Any] = {"batch_families": batch_families} if batch_families else {}
    try:
        result = import_file(
            path,
            dry_run=dry_run,
            file_format=file_format,
            allowed_districts=allowed_districts_for(user),
            on_progress=on_progress,
            **options,
        )
    except ValueError as exc:  # an unreadable file (bad JSON, missing CSV columns)
        raise DomainError(str(exc), field="file", code="bad_file") from exc
    run.counts = result.counts.as_dict()
    run.error_report_path = str(result.error_report or "")
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "error_report_path", "finished_at"])
    record(
        AuditAction.HIMPARIVAR_IMPORT,
        object_type="himparivar.ImportRun",
        object_id=run.pk,
        purpose="register_import",
        actor=user,
        detail={**run.counts, "dry_run": dry_run, "format": file_format},
    )
    return ImportOutcome(run, result)


def import_run_for(user: Any, run_id: int) -> ImportRun:
    """An import run for its own author (or the state administrator): the error report download."""
    from himswasthya.core.errors import NotFound

    require_role(user, *IMPORT_ROLES)
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or (user.role != Role.STATE_ADMIN and run.started_by_id != user.pk):
        raise NotFound(_("Not found."))
    return run


@dataclass
class SyncOutcome:
    pages: int
    applied: int
    rejected: int
    cursor: str
    by_type: dict[str, int]
    errors: list[Any]


def sync_state(name: str = "default") -> SyncState:
    return SyncState.objects.get_or_create(name=name)[0]


def do_sync_register(
    user: Any = None,
    *,
    client: RegisterClient | None = None,
    limit: int = 500,
    max_pages: int = 1000,
    state_name: str = "default",
) -> SyncOutcome:
    """Pull and apply pages of changes until the feed is drained; each page commits with its cursor."""
    if user is not None:
        require_role(user, *SYNC_ROLES)
    client = client or RegisterClient()
    outcome = SyncOutcome(0, 0, 0, "", {}, [])
    state = sync_state(state_name)
    SyncState.objects.filter(pk=state.pk).update(last_run_at=timezone.now())
    try:
        cursor = state.cursor
        while outcome.pages < max_pages:
            page = client.changes(cursor, limit)
            if not page.changes:
                break
            result = apply_page(page, state_name)
            outcome.pages += 1
            outcome.applied += result.applied
            outcome.rejected += result.rejected
            outcome.errors.extend(result.errors)
            for key, count in result.by_type.items():
                outcome.by_type[key] = outcome.by_type.get(key, 0) + count
            cursor = page.next_cursor
            if not page.has_more:
                break
    except RegisterError as exc:
        SyncState.objects.filter(pk=state.pk).update(last_error=str(exc.message)[:500])
        _audit_sync(user, state, outcome, failed=exc.code)
        raise
    outcome.cursor = SyncState.objects.get(pk=state.pk).cursor
    SyncState.objects.filter(pk=state.pk).update(
        last_success_at=timezone.now(),
        last_error="",
        last_counts={
            "pages": outcome.pages,
            "applied": outcome.applied,
            "rejected": outcome.rejected,
            **{k.replace(".", "_"): v for k, v in outcome.by_type.items()},
        },
    )
    _audit_sync(user, state, outcome)
    return outcome


def _audit_sync(user: Any, state: SyncState, outcome: SyncOutcome, failed: str = "") -> None:
    detail: dict[str, Any] = {
        "pages": outcome.pages,
        "applied": outcome.applied,
        "rejected": outcome.rejected,
    }
    if failed:
        detail["failed"] = failed
    record(
        AuditAction.HIMPARIVAR_SYNC,
        object_type="himparivar.SyncState",
        object_id=state.pk,
        purpose="register_sync",
        actor=user,
        detail=detail,
    )
