"""Concurrency on PostgreSQL: many writers and sealers make one gap-free chain; writers never wait."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from himswasthya.audit import chain, services
from himswasthya.audit.models import AuditEntry

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _in_own_connection(work):
    def run(*args):
        try:
            work(*args)
        finally:
            connection.close()

    return run


def test_concurrent_writers_and_sealers_produce_one_gap_free_chain():
    writers, transactions, per_transaction = 8, 10, 3
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    @_in_own_connection
    def writer(n: int) -> None:
        try:
            start.wait()
            for t in range(transactions):
                with transaction.atomic():  # each commit triggers its own after-commit sealing
                    for i in range(per_transaction):
                        services.record("person.read", object_type="people.Person", object_id=f"{n}-{t}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    # After-commit sealing alone left nothing behind: a sealer that found another busy could rely on it.
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()

    total = writers * transactions * per_transaction
    seqs = sorted(AuditEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    result = chain.verify_chain()
    assert result.ok and result.checked == total, result.message


def test_an_open_transaction_with_an_entry_does_not_block_other_writers_or_sealing():
    holding, release = threading.Event(), threading.Event()
    released_by_the_test: list[bool] = []

    @_in_own_connection
    def slow_request() -> None:
        with transaction.atomic():
            services.record("person.read", object_type="people.Person", object_id="slow")
            holding.set()
            # Holds its transaction until the test lets go; had the fast writer waited for it, this would
            # time out first (and the fast writer would still be waiting when the test lets go).
            released_by_the_test.append(release.wait(60))

    slow = threading.Thread(target=slow_request)
    slow.start()
    assert holding.wait(60)
    try:
        with transaction.atomic():
            services.record("person.read", object_type="people.Person", object_id="fast")
        # Committed and sealed while the slow transaction still holds its (lower-id) entry.
        fast = AuditEntry.objects.get(object_id="fast")
        assert fast.seq == 1
    finally:
        release.set()
        slow.join(60)
    assert released_by_the_test == [True]  # the slow transaction was still open when the fast one was done
    chain.seal_pending()
    late = AuditEntry.objects.get(object_id="slow")
    assert late.id < fast.id and late.seq == 2  # chain order is seal order
    assert chain.verify_chain().ok


def test_a_second_sealer_returns_at_once_instead_of_waiting():
    services.record("person.read", object_type="people.Person", object_id="1")  # autocommit: sealed now
    chain.seal_pending()
    locked, release = threading.Event(), threading.Event()

    released_by_the_test: list[bool] = []

    @_in_own_connection
    def holder() -> None:
        with transaction.atomic():
            assert chain._lock_head() is not None
            locked.set()
            released_by_the_test.append(release.wait(60))  # a waiting sealer would outlast this

    thread = threading.Thread(target=holder)
    thread.start()
    assert locked.wait(60)
    try:
        with transaction.atomic():
            services.record("person.read", object_type="people.Person", object_id="2")
        assert chain.seal_pending() == 0
        assert AuditEntry.objects.get(object_id="2").seq is None  # left for the holder / next sealer
    finally:
        release.set()
        thread.join(60)
    assert released_by_the_test == [True]  # seal_pending returned while the head was still locked
    assert chain.seal_pending() == 1
    assert chain.verify_chain().ok
