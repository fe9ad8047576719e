"""A real kill: `manage.py import_himparivar` in a subprocess, SIGKILLed midway, then rerun (PostgreSQL).

The subprocess must see the test database, which SQLite's in-memory test database does not allow.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from himswasthya.himparivar.importer import import_file
from himswasthya.himparivar.models import Family, Member
from himswasthya.himparivar.tests.register_files import database_state, sample_families, write_csv
from himswasthya.people.models import Person

ROOT = Path(__file__).resolve().parents[3]


def _many_families(copies: int) -> list[dict]:
    return [
        {
            **f,
            "family_id": f"{f['family_id']}-{n}",
            "head_member_id": f"{f['head_member_id']}-{n}" if f.get("head_member_id") else "",
            "members": [
                {**m, "member_id": f"{m['member_id']}-{n}", "abha_number": "", "abha_address": ""}
                for m in f["members"]
            ],
        }
        for n in range(copies)
        for f in sample_families()
    ]


def _database_url() -> str:
    s = connection.settings_dict
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'])}@{host}/{s['NAME']}"


@contextmanager
def _committed_family_counts() -> Iterator[psycopg.Connection]:
    """A connection of its own that hears the number of families after each committed insert (an AFTER INSERT
    trigger NOTIFYs it). Nothing waits unbounded: lock_timeout for the trigger's DDL, timeouts to listen."""
    table = connection.ops.quote_name(Family._meta.db_table)
    with closing(psycopg.connect(_database_url(), autocommit=True)) as listener:
        listener.execute("SET lock_timeout = '30s'")
        listener.execute(
            "CREATE FUNCTION test_notify_family_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" PERFORM pg_notify('test_family_count', (SELECT count(*) FROM {table})::text);"
            " RETURN NULL; END $$"
        )
        try:
            listener.execute(
                f"CREATE TRIGGER test_notify_family_count AFTER INSERT ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION test_notify_family_count()"
            )
            listener.execute("LISTEN test_family_count")
            yield listener
        finally:
            listener.execute(f"DROP TRIGGER IF EXISTS test_notify_family_count ON {table}")
            listener.execute("DROP FUNCTION test_notify_family_count()")


def _wait_for_families(listener: psycopg.Connection, process: subprocess.Popen, at_least: int) -> None:
    """Return once a committed batch brought the families to `at_least`, the process ended, or 60 s passed."""
    deadline = time.monotonic() + 60
    while process.poll() is None and (left := deadline - time.monotonic()) > 0:
        # Wakes on each notification; the short timeout only bounds how late a dead process is noticed.
        with closing(listener.notifies(timeout=min(left, 1.0))) as notifies:
            if any(int(notify.payload) >= at_least for notify in notifies):
                return


def _wipe() -> None:
    Family.objects.update(head=None)
    Member.objects.all().delete()
    Family.objects.all().delete()
    Person.objects.all().delete()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_killing_the_import_process_then_rerunning_equals_a_clean_run(geography, tmp_path):
    path = write_csv(tmp_path / "export.csv", _many_families(400))
    import_file(path, batch_families=3)
    clean = database_state()
    _wipe()

    env = {**os.environ, "DATABASE_URL": _database_url(), "DEBUG": "1"}
    with _committed_family_counts() as listener:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_himparivar", str(path), "--batch", "3", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _wait_for_families(listener, process, at_least=30)  # the tenth batch is committed
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    interrupted = Family.objects.count()
    assert 30 <= interrupted < 1200, process.stderr.read().decode()[-2000:]
    assert not Family.objects.filter(members__isnull=True).exists()  # whole families only
    assert interrupted % 3 == 0  # whole batches only

    import_file(path, batch_families=3)

    assert database_state() == clean
