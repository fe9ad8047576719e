"""Admin of the register's import and sync bookkeeping (read-mostly).

Families, members and the simulator's change table (its payloads are member records) hold personal data and
are not registered (SEC-26, issue #10; accounts/tests/test_admin.py)."""

from __future__ import annotations

from django.contrib import admin

from himswasthya.himparivar.models import ImportRun, SyncState


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("id", "file_name", "file_format", "dry_run", "started_by", "started_at", "finished_at")
    list_filter = ("dry_run", "file_format")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request) -> bool:  # imports are made by the import page or command
        return False


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ("name", "cursor", "last_run_at", "last_success_at", "changes_applied", "changes_rejected")
