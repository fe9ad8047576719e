"""Shared test set-up: fast hashing, per-engine markers, Playwright on Debian's Chromium, test personas."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

pytest_plugins = [
    "himswasthya.places.tests.fixtures",
    "himswasthya.facilities.tests.fixtures",
    "himswasthya.accounts.tests.fixtures",
    "himswasthya.tests.personas",
]

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_configure(config):
    _redis_database_per_xdist_worker()


def _redis_database_per_xdist_worker() -> None:
    """Under pytest-xdist (`-n 2`) each worker gets its own test database (pytest-django adds `_gw0`, `_gw1`)
    and, with REDIS_URL, its own Redis database: tests FLUSHDB the cache and count rate limits and lockouts
    there, which must not reach another worker's tests. Worker gwN uses REDIS_URL's database number minus N
    (15, 14, ... for `/15`), so one base number leaves the databases below it free for other runs."""
    from django.conf import settings
    from django.core.cache import caches

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # set by xdist before this worker's configuration
    if not worker.startswith("gw") or not settings.REDIS_URL:
        return
    url = urlsplit(settings.REDIS_URL)
    database = int(url.path.strip("/") or 0) - int(worker[2:])
    if database < 0:
        raise pytest.UsageError(
            f"REDIS_URL {settings.REDIS_URL} leaves no Redis database for xdist worker {worker}: "
            "use a higher database number (e.g. /15) or fewer workers"
        )
    worker_url = url._replace(path=f"/{database}").geturl()
    for cache in settings.CACHES.values():
        if cache.get("LOCATION") == settings.REDIS_URL:
            cache["LOCATION"] = worker_url
    settings.REDIS_URL = worker_url
    os.environ["REDIS_URL"] = worker_url  # the same for `manage.py` subprocesses started by tests
    caches.__dict__.pop("settings", None)  # forget the configuration read so far, if any
    caches._settings = None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """A test database needs no durability: PostgreSQL sessions of the suite commit without waiting for the
    WAL flush (`synchronous_commit=off`; a crash could lose the last commits, never corrupt), which makes
    the commits and flushes of transactional and browser tests cheap. Production settings are untouched."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True, scope="session")
def _fast_session_settings() -> None:
    """Settings for the whole run, set before any module- or session-scoped fixture makes users or clients:
    - a cheap password hasher (PBKDF2's million rounds cost half a second per user on a slow machine);
    - every test `Client` loads the middleware anew, and WhiteNoise then lists every static file of every app
      (about 150 files; most of a request's time in the access-policy walk). The test runner turns DEBUG off,
      which turns WhiteNoise's `autorefresh` off; on, it looks up only the file a request asks for."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True, scope="session")
def _flush_only_written_tables() -> Iterator[None]:
    """A transactional test (live server, threads, subprocesses) ends with Django's `flush`. On PostgreSQL
    that is one TRUNCATE of all ~70 tables, which renews every table's and index's files (about 0.9 s), and
    then recreates the content types and permissions it has just emptied. Here it empties only the tables
    that hold rows, with DELETE in one transaction (Django's foreign keys are deferrable, so the order does
    not matter), and keeps the content types and permissions, which post_migrate would write back the same.
    The audit table's append-only trigger refuses DELETE: it is truncated. The end state is the same empty
    database; sequences are not reset, as with Django's own flush (a test asking for that gets Django's)."""
    from django.core.management.commands import flush

    from himswasthya.audit.db_guards import AUDIT_TABLE

    django_sql_flush = flush.sql_flush

    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        if connection.vendor != "postgresql" or reset_sequences:
            return django_sql_flush(
                style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        kept = {"django_content_type", "auth_permission"}
        tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t not in kept]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(t)})" for t in tables),
                tables,
            )
            written = [row[0] for row in cursor.fetchall()]
        if not written:
            return []
        statements = ["SET CONSTRAINTS ALL DEFERRED"]
        statements += [f"DELETE FROM {quote(t)}" for t in written if t != AUDIT_TABLE]
        statements += [f"TRUNCATE {quote(AUDIT_TABLE)} CASCADE" for t in written if t == AUDIT_TABLE]
        return statements

    flush.sql_flush = sql_flush
    yield
    flush.sql_flush = django_sql_flush


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    settings.SMS_BACKEND = "memory"
    settings.SECURE_COOKIES = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.AUDIT_SEAL_MODE = "inline"  # deterministic; audit/tests test "worker" explicitly
    settings.AUDIT_CHECKPOINT_PATH = tmp_path / "audit-checkpoints.log"  # never the machine's var/ file
    # Nor var/'s other files: each test (and so each xdist worker) writes its own.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    settings.HIMPARIVAR_IMPORT_DIR = tmp_path / "himparivar-imports"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: no rate-limit counter, lockout or cached session of an earlier
    test (SQLite reuses primary keys after a rollback, so an old counter could name this test's user). The
    Redis database is this run's (this worker's) own: see _redis_database_per_xdist_worker."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _start_of_a_minute() -> Iterator[None]:
    """Each test runs on a clock moved forward to the start of the next minute (time-machine; the clock ticks
    on), so per-minute (and per-hour, per-day) windows never roll over during a test shorter than a minute."""
    import time

    import time_machine

    with time_machine.travel((time.time() // 60 + 1) * 60, tick=True):
        yield


@pytest.fixture
def mid_morning(time_machine) -> None:
    """Today at 10:00 in Himachal (the clock ticks on from there), for a test whose outcome would depend on
    the hour it runs at: e.g. changes close 120 minutes before tomorrow's session, which starts at 00:00."""
    import datetime

    from django.utils import timezone

    ten = datetime.datetime.combine(timezone.localdate(), datetime.time(10))
    time_machine.move_to(timezone.make_aware(ten))


@pytest.fixture(autouse=True)
def _browser_tests_at_mid_morning(request, _start_of_a_minute) -> None:
    """A browser test walks a whole day's flow (book today, check in, call): run just before midnight it
    booked tomorrow's session and the check-in was rightly refused. Every browser test starts at 10:00."""
    if request.node.get_closest_marker("browser"):
        request.getfixturevalue("mid_morning")


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A test that switches the thread's language (e.g. a Hindi page in the same thread) does not leak it."""
    from django.utils import translation

    yield
    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    # Tests that run for many seconds start first, so that none of them is still running alone at the end:
    # worksteal gives the first worker the head of this list, and idle workers steal from the tail of the
    # others' queues, i.e. the short tests (the sort is stable).
    items.sort(key=lambda item: not (item.get_closest_marker("browser") or item.get_closest_marker("long")))

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)
    else:  # `make test` runs both suites: a test whose outcome cannot depend on the engine runs once
        skip = pytest.mark.skip(
            reason="engine-independent (pure code, source checks or a fresh process): SQLite suite only"
        )
        for item in items:
            if "engine_independent" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-IN", viewport={"width": 412, "height": 915}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
