"""manage.py import_himparivar and sync_himparivar."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from himswasthya.audit.models import AuditEntry
from himswasthya.himparivar.models import Family
from himswasthya.himparivar.tests.register_files import sample_families, with_change, write_csv

pytestmark = pytest.mark.django_db


def test_the_import_command_imports_and_names_the_error_report(geography, tmp_path):
    path = write_csv(tmp_path / "export.csv", with_change(sample_families(), 2, 1, relation="NIECE"))
    out = io.StringIO()

    call_command("import_himparivar", str(path), "--verbosity", "0", stdout=out)

    assert "families_created=2" in out.getvalue() and "rows_rejected=2" in out.getvalue()
    assert f"Error report: {path}.errors.csv" in out.getvalue()
    assert Family.objects.count() == 2
    assert AuditEntry.objects.get(action="himparivar.import").detail["families_created"] == 2


def test_the_import_command_dry_run_writes_nothing(geography, tmp_path):
    out = io.StringIO()
    path = write_csv(tmp_path / "export.csv", sample_families())
    call_command("import_himparivar", str(path), "--dry-run", "--verbosity", "0", stdout=out)
    assert "members_created=7" in out.getvalue() and Family.objects.count() == 0


def test_the_import_command_refuses_a_missing_or_foreign_file(geography, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_himparivar", str(tmp_path / "nope.csv"), "--verbosity", "0")
    other = tmp_path / "photo.csv"
    other.write_bytes(b"\x89PNG\x00\x00")
    with pytest.raises(CommandError, match="not a text file"):
        call_command("import_himparivar", str(other), "--verbosity", "0")


def test_the_sync_command_fails_clearly_when_the_register_is_down(settings):
    settings.HIMPARIVAR_API_URL = "http://127.0.0.1:9"
    settings.HIMPARIVAR_RETRIES = 0
    with pytest.raises(CommandError, match="could not be reached"):
        call_command("sync_himparivar")
