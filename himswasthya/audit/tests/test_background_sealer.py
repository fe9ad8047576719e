"""AUDIT_SEAL_MODE="background": commits only wake the process's sealer thread, which seals off the request
path. The rest of the suite runs "inline" (root conftest); these tests switch background mode on."""

from __future__ import annotations

import logging
import os
import threading
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from himswasthya.audit import chain, services
from himswasthya.audit.models import AuditEntry

SEALED_WITHIN = 10.0  # seconds; generous for a loaded 2-core machine, normally ~0.1 s
# SQLite's *test* database is a shared-cache in-memory one: its table locks fail at once ("database table is
# locked") instead of waiting under the busy timeout, so commits racing the sealer are tested on PostgreSQL.
# (bench/audit.py runs background mode against a file SQLite database with WAL and the busy timeout.)
racing_commits = pytest.mark.postgres_only


@pytest.fixture
def background(settings):
    settings.AUDIT_SEAL_MODE = "background"
    settings.AUDIT_SEAL_INTERVAL_MS = 10
    chain.sealer.stop()
    yield chain.sealer
    chain.sealer.stop()


def _record(object_id: object) -> None:
    services.record("person.read", object_type="people.Person", object_id=object_id, purpose="opd")


def _commit_one(object_id: object) -> None:
    with transaction.atomic():
        _record(object_id)


def _sealer_thread() -> threading.Thread:
    thread = chain.sealer._thread
    assert thread is not None
    return thread


@pytest.mark.django_db
def test_background_mode_only_wakes_the_sealer_after_commit(background, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        for i in range(3):
            _record(i)
    # One wake-up per transaction, and nothing sealed by the committing thread itself.
    assert callbacks == [chain.wake_background_sealer]
    assert not AuditEntry.objects.filter(seq__isnull=False).exists()


@pytest.mark.django_db
def test_inline_mode_seals_in_the_committing_thread(settings, django_capture_on_commit_callbacks):
    settings.AUDIT_SEAL_MODE = "inline"
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _record(1)
    assert callbacks == [chain.seal_pending_after_commit]
    assert AuditEntry.objects.get().seq == 1


def test_an_unknown_mode_is_a_configuration_error(settings):
    settings.AUDIT_SEAL_MODE = "later"
    with pytest.raises(ImproperlyConfigured):
        chain.after_commit_sealing()


@racing_commits
@pytest.mark.django_db(transaction=True)
def test_entries_committed_in_several_threads_are_sealed_into_one_chain(background):
    writers = 4
    transactions, per_transaction = 10, 2
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

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
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert chain.wait_until_sealed(SEALED_WITHIN)

    total = writers * transactions * per_transaction
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert background.sealed == total  # the background thread did all of it, nobody else
    result = chain.verify_chain()
    assert result.ok and result.checked == total, result.message
    call_command("verify_audit")  # exits non-zero on a broken chain or stale unsealed entries


@pytest.mark.django_db(transaction=True)
def test_one_sealer_thread_per_process_however_many_wake_it(background):
    wakers = [threading.Thread(target=background.wake) for _ in range(8)]
    for thread in wakers:
        thread.start()
    for thread in wakers:
        thread.join()
    sealers = [t for t in threading.enumerate() if t.name.startswith("audit-sealer-") and t.is_alive()]
    assert len(sealers) == 1 and sealers[0].daemon


@pytest.mark.django_db(transaction=True)
def test_a_new_thread_is_started_after_a_fork(background, monkeypatch):
    _commit_one(1)
    assert chain.wait_until_sealed(SEALED_WITHIN)
    parent_thread = _sealer_thread()
    assert parent_thread.is_alive()

    real_pid = os.getpid()
    monkeypatch.setattr(chain.os, "getpid", lambda: real_pid + 100_000)  # as in a gunicorn worker
    _commit_one(2)
    child_thread = _sealer_thread()
    assert child_thread is not parent_thread and child_thread.name == f"audit-sealer-{real_pid + 100_000}"
    assert chain.wait_until_sealed(SEALED_WITHIN)
    parent_thread.join(SEALED_WITHIN)
    assert not parent_thread.is_alive()  # the stale thread retired itself
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_locks_copied_by_a_fork_while_held_are_reset_in_the_child():
    sealer = chain.BackgroundSealer(interval=0.01)
    sealer._lock.acquire()  # as if the parent was starting its thread at the moment of fork()
    sealer.after_fork_in_child()
    assert sealer._lock.acquire(timeout=1)
    sealer._lock.release()
    assert sealer._thread is None and not sealer.is_running()


@pytest.mark.django_db(transaction=True)
def test_a_sealing_error_is_logged_without_row_data_and_retried(background, monkeypatch, caplog):
    real_seal_pending = chain.seal_pending
    calls = {"n": 0}

    def flaky_seal_pending(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("duplicate key: object_id=Ram Kumar 9816000000")
        return real_seal_pending(*args, **kwargs)

    monkeypatch.setattr(chain, "seal_pending", flaky_seal_pending)
    with caplog.at_level(logging.ERROR, logger="himswasthya.audit.chain"):
        _commit_one(1)
        assert chain.wait_until_sealed(SEALED_WITHIN)  # retried without any further commit
    assert calls["n"] >= 2 and _sealer_thread().is_alive()
    assert "audit sealing failed: RuntimeError" in caplog.text
    assert "Ram Kumar" not in caplog.text and "9816000000" not in caplog.text
    # Still serving later commits.
    _commit_one(2)
    assert chain.wait_until_sealed(SEALED_WITHIN)


@pytest.mark.django_db(transaction=True)
def test_a_dead_sealer_thread_is_restarted_by_the_next_commit(background, monkeypatch):
    real_seal_pending = chain.seal_pending

    def fatal(*args, **kwargs):
        raise SystemExit  # not an Exception: the thread really dies

    monkeypatch.setattr(chain, "seal_pending", fatal)
    monkeypatch.setattr(threading, "excepthook", lambda args: None)  # keep the expected death quiet
    _commit_one(1)
    dead = _sealer_thread()
    dead.join(SEALED_WITHIN)
    assert not dead.is_alive()
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1

    monkeypatch.setattr(chain, "seal_pending", real_seal_pending)
    _commit_one(2)
    assert _sealer_thread() is not dead
    assert chain.wait_until_sealed(SEALED_WITHIN)
    assert AuditEntry.objects.filter(seq__isnull=False).count() == 2


@racing_commits
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_commits_is_sealed_in_few_cycles(background, settings):
    settings.AUDIT_SEAL_INTERVAL_MS = 200
    _commit_one(0)
    assert chain.wait_until_sealed(SEALED_WITHIN)
    cycles_before = background.cycles
    started = time.monotonic()
    for i in range(1, 21):
        _commit_one(i)
    elapsed = time.monotonic() - started
    assert chain.wait_until_sealed(SEALED_WITHIN)
    # At most one cycle per 200 ms (plus the one in flight): the debounce batches the burst.
    assert background.cycles - cycles_before <= 2 + int(elapsed / 0.2)
    assert AuditEntry.objects.filter(seq__isnull=False).count() == 21


@pytest.mark.django_db(transaction=True)
def test_what_is_pending_at_process_exit_is_sealed_by_the_exit_hook(background, settings):
    settings.AUDIT_SEAL_INTERVAL_MS = 5000  # the thread will pause 5 s before its next cycle
    _commit_one(1)
    assert chain.wait_until_sealed(SEALED_WITHIN)
    _commit_one(2)
    thread = _sealer_thread()
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1  # waiting for the next cycle

    started = time.monotonic()
    background.flush_at_exit()  # what atexit runs
    assert time.monotonic() - started < 2  # the paused thread was told to stop, not waited out
    assert not thread.is_alive()
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert chain.verify_chain().checked == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_real_fork_gives_the_child_fresh_locks_and_no_sealer_thread():
    sealer = chain.sealer
    with chain._PROCESS_SEALER, sealer._lock:  # held by the parent at the moment of fork()
        pid = os.fork()
        if pid == 0:  # the child: report through the exit code only
            fresh = not chain._PROCESS_SEALER.locked() and not chain.sealer._lock.locked()
            os._exit(0 if fresh and chain.sealer._thread is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
