"""Who seals the audit chain (issue #11 item 7: no work threads in web workers). AUDIT_SEAL_MODE "inline":
the committing thread seals after commit (the on-commit fast path); "worker": the commit only INSERTs and the
`seal_audit --every N` worker process seals. The rest of the suite runs "inline" (root conftest)."""

from __future__ import annotations

import logging
import os
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from himswasthya.audit import chain, services
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry

# SQLite's *test* database is a shared-cache in-memory one: its table locks fail at once ("database table is
# locked") instead of waiting under the busy timeout, so commits racing the worker are tested on PostgreSQL.
racing_commits = pytest.mark.postgres_only


@pytest.fixture
def worker_mode(settings):
    settings.AUDIT_SEAL_MODE = "worker"


def _record(object_id: object) -> None:
    services.record(AuditAction.PERSON_READ, object_type="people.Person", object_id=object_id, purpose="opd")


def _commit_one(object_id: object) -> None:
    with transaction.atomic():
        _record(object_id)


def _unsealed() -> int:
    return AuditEntry.objects.filter(seq__isnull=True).count()


class StopWorker(Exception):
    pass


def _sleeps_then_stop(after: int, between=lambda n: None):
    """A `sleep` for run_sealing_worker that runs `between(n)` at the n-th pause and stops the worker at
    pause `after` (no real waiting)."""
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) >= after:
            raise StopWorker
        between(len(pauses))

    return sleep, pauses


@pytest.mark.django_db
def test_worker_mode_registers_no_sealing_at_commit(worker_mode, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(3):
            _record(i)
    assert callbacks == []
    assert _unsealed() == 3


@pytest.mark.django_db
def test_inline_mode_seals_in_the_committing_thread(settings, django_capture_on_commit_callbacks):
    settings.AUDIT_SEAL_MODE = "inline"
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _record(1)
        _record(2)
    assert callbacks == [chain.seal_pending_after_commit]  # one per transaction
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == [1, 2]


@pytest.mark.parametrize("mode", ["inline", "worker"])
@pytest.mark.django_db(transaction=True)
def test_no_thread_is_started_by_a_commit(settings, mode):
    settings.AUDIT_SEAL_MODE = mode
    before = set(threading.enumerate())
    for i in range(3):
        _commit_one(i)
    assert set(threading.enumerate()) == before
    assert _unsealed() == (3 if mode == "worker" else 0)


def test_an_unknown_mode_is_a_configuration_error(settings):
    settings.AUDIT_SEAL_MODE = "background"  # the old in-process thread: gone
    with pytest.raises(ImproperlyConfigured):
        chain.after_commit_sealing()


def test_the_settings_module_refuses_the_old_background_mode():
    import subprocess
    import sys

    env = {**os.environ, "AUDIT_SEAL_MODE": "background", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import himswasthya.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "seal_audit --every" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_worker_seals_what_commits_leave_and_keeps_going(worker_mode):
    _commit_one(1)
    _commit_one(2)
    sleep, pauses = _sleeps_then_stop(3, between=lambda n: _commit_one(10 + n))
    with pytest.raises(StopWorker):
        chain.run_sealing_worker(0.2, sleep=sleep)
    assert pauses == [0.2, 0.2, 0.2]
    # cycles 1-3 sealed 1, 2, 11 and 12 (12 committed during the 2nd pause); nothing is left
    assert _unsealed() == 0
    sealed = AuditEntry.objects.order_by("seq").values_list("object_id", flat=True)
    assert list(sealed) == ["1", "2", "11", "12"]
    assert chain.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_bounded_worker_run_reports_what_it_did(worker_mode):
    for i in range(3):
        _commit_one(i)
    stats = chain.run_sealing_worker(0.01, cycles=2, batch_size=2, sleep=lambda s: None)
    assert (stats.cycles, stats.sealed, stats.failures) == (2, 3, 0)


@pytest.mark.django_db(transaction=True)
def test_a_failing_cycle_is_logged_without_row_data_and_retried_with_backoff(
    worker_mode, monkeypatch, caplog
):
    real_seal_pending = chain.seal_pending
    calls = {"n": 0}

    def flaky_seal_pending(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise RuntimeError("duplicate key: object_id=Ram Kumar 9816000000")
        return real_seal_pending(*args, **kwargs)

    monkeypatch.setattr(chain, "seal_pending", flaky_seal_pending)
    _commit_one(1)
    pauses: list[float] = []
    with caplog.at_level(logging.ERROR, logger="himswasthya.audit.chain"):
        stats = chain.run_sealing_worker(0.1, cycles=4, sleep=pauses.append)
    assert calls["n"] == 3 and stats.sealed == 1 and stats.failures == 0
    assert pauses == [0.2, 0.4, 0.1]  # back-off after each failure, the normal pause after success
    assert "audit sealing failed: RuntimeError" in caplog.text
    assert "Ram Kumar" not in caplog.text and "9816000000" not in caplog.text
    assert _unsealed() == 0


@pytest.mark.django_db(transaction=True)
def test_the_command_once_and_as_a_worker(worker_mode, monkeypatch, capsys):
    _commit_one(1)
    call_command("seal_audit")
    assert _unsealed() == 0 and "sealed 1 audit entries" in capsys.readouterr().out

    _commit_one(2)
    sleep, pauses = _sleeps_then_stop(2)
    monkeypatch.setattr(chain.time, "sleep", sleep)  # the worker's default sleep, looked up at call time
    with pytest.raises(StopWorker):
        call_command("seal_audit", "--every", "0.5", verbosity=2)
    assert pauses == [0.5, 0.5]
    out = capsys.readouterr().out
    assert "every 0.5 s" in out and "sealed 1 audit entries" in out
    assert _unsealed() == 0


@racing_commits
@pytest.mark.django_db(transaction=True)
def test_entries_committed_in_several_threads_are_sealed_into_one_chain_by_the_worker(worker_mode):
    writers, transactions, per_transaction = 4, 10, 2
    errors: list[BaseException] = []
    start = threading.Barrier(writers + 1)
    done = threading.Event()

    def writer(n: int) -> None:
        try:
            start.wait()
            for t in range(transactions):
                with transaction.atomic():
                    for i in range(per_transaction):
                        _record(f"{n}-{t}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()

    def worker() -> None:  # stands for the worker process: its own connection, sealing while writers commit
        try:
            start.wait()
            while not done.is_set():
                chain.run_sealing_worker(0, cycles=1)
        finally:
            connection.close()

    sealer = threading.Thread(target=worker)
    sealer.start()
    for thread in threads:
        thread.join(60)
    done.set()
    sealer.join(60)
    assert not errors, errors
    chain.run_sealing_worker(0, cycles=1)  # what committed after the worker's last cycle

    total = writers * transactions * per_transaction
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    result = chain.verify_chain()
    assert result.ok and result.checked == total, result.message
    call_command("verify_audit")  # exits non-zero on a broken chain or stale unsealed entries


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_real_fork_gives_the_child_a_fresh_process_lock():
    with chain._PROCESS_SEALER:  # held by the parent at the moment of fork()
        pid = os.fork()
        if pid == 0:  # the child: report through the exit code only
            os._exit(0 if not chain._PROCESS_SEALER.locked() else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
