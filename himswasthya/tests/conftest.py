"""Project tests (whole-site tests outside the app layers): the same per-test isolation as the accounts
tests - an own cache key prefix for the rate-limit counters, and an empty SMS outbox."""

from himswasthya.accounts.tests.conftest import _own_cache_namespace_and_outbox  # noqa: F401 - autouse fixture
