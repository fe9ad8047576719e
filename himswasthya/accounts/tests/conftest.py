import uuid

import pytest

from himswasthya.notify import sms


@pytest.fixture(autouse=True)
def _own_cache_namespace_and_outbox(settings):
    """Rate-limit counters live in the cache (Redis DB 15 on the PostgreSQL run, shared with other test runs).
    A fresh key prefix per test isolates them without flushing anyone else's keys."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-accounts-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }
    sms.outbox.clear()
    yield
    sms.outbox.clear()
