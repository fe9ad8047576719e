"""Concurrency on PostgreSQL: many writers and sealers make one gap-free chain; writers never wait."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from himswasthya.audit import chain, services
from himswasthya.audit.models import AuditEntry
from himswasthya.core.tests.race import errors, race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@contextmanager
def _held_open(hold: Callable[[], None]) -> Iterator[None]:
    """Run `hold` in a transaction of another connection and keep that transaction open while the body runs;
    afterwards, check that it was still open when the body was done (the body did not wait for it)."""
    holding, release = threading.Event(), threading.Event()
    released_by_the_test: list[bool] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                hold()
                holding.set()
                # A body that waited for this transaction would outlast this wait, and still be waiting after.
                released_by_the_test.append(release.wait(60))
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(60)
    try:
        yield
    finally:
        release.set()
        thread.join(60)
    assert released_by_the_test == [True]


def test_concurrent_writers_and_sealers_produce_one_gap_free_chain():
    writers, transactions, per_transaction = 8, 10, 3

    def writer(n: int) -> None:
        for t in range(transactions):
            with transaction.atomic():  # each commit triggers its own after-commit sealing
                for i in range(per_transaction):
                    services.record("person.read", object_type="people.Person", object_id=f"{n}-{t}-{i}")

    results = race([lambda n=n: writer(n) for n in range(writers)], timeout=60)
    assert not errors(results), results
    # After-commit sealing alone left nothing behind: a sealer that found another busy could rely on it.
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()

    total = writers * transactions * per_transaction
    seqs = sorted(AuditEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    result = chain.verify_chain()
    assert result.ok and result.checked == total, result.message


def test_an_open_transaction_with_an_entry_does_not_block_other_writers_or_sealing():
    # A slow request holds its transaction, with an entry, while a fast one writes.
    with _held_open(lambda: services.record("person.read", object_type="people.Person", object_id="slow")):
        with transaction.atomic():
            services.record("person.read", object_type="people.Person", object_id="fast")
        # Committed and sealed while the slow transaction still holds its (lower-id) entry.
        fast = AuditEntry.objects.get(object_id="fast")
        assert fast.seq == 1
    chain.seal_pending()
    late = AuditEntry.objects.get(object_id="slow")
    assert late.id < fast.id and late.seq == 2  # chain order is seal order
    assert chain.verify_chain().ok


def test_a_second_sealer_returns_at_once_instead_of_waiting():
    services.record("person.read", object_type="people.Person", object_id="1")  # autocommit: sealed now
    chain.seal_pending()

    def lock_the_head() -> None:
        assert chain._lock_head() is not None

    with _held_open(lock_the_head):  # seal_pending must return while the head is still locked
        with transaction.atomic():
            services.record("person.read", object_type="people.Person", object_id="2")
        assert chain.seal_pending() == 0
        assert AuditEntry.objects.get(object_id="2").seq is None  # left for the holder / next sealer
    assert chain.seal_pending() == 1
    assert chain.verify_chain().ok
