"""Benchmark of OPD booking through the real HTTP stack, against the database's own limit (issue #4).

    .venv/bin/python bench/registration.py                      # full run, ~4 minutes on 2 cores
    .venv/bin/python bench/registration.py --quick              # shorter phases (smoke test)

What it does, in one run:

1. Scratch PostgreSQL database (`--db`, default `himswasthya_regbench`; never the shared one): created if
   missing, migrated, places + synthetic facilities + `--people` synthetic people loaded once (reused later).
   One facility gets an OPD session per department and weekday with a huge quota, an `OpdPolicy` with a 30-day
   window, and its session days for the next `--days` days are opened. 200 registration clerks of that
   facility are created, each with a real database session (auth hash, idle-timeout stamps, single-session
   key) and a CSRF token, so every request goes through session auth, CSRF, scoping, audit
   (AUDIT_SEAL_MODE=worker, sealed by a `seal_audit --every 0.2` process) and the SMS outbox row. DEBUG is
   off; SECRET_KEY is random per run and the field-encryption key is a throwaway derived from the database
   name.
2. One booking in-process (Django test client, same middleware) in steady state (the same clerk booked the
   same OPD session just before: caches warm, session stamp fresh) with the SQL captured, parameters included:
   round trips per booking, written to bench/registration_captured.sql, and turned into
   bench/registration_pgbench_full.sql (regenerated on every run, so it follows the code); then `--profile`
   bookings timed in-process to split time in Python from time waiting for PostgreSQL.
3. Two limits, both with `pgbench`, 50 clients, -j 2, same tables, indexes and constraints:
   (a) bench/registration_pgbench.sql, the booking's core SQL (the token UPDATE and the appointment INSERT,
       one transaction): the stricter yardstick;
   (b) bench/registration_pgbench_full.sql, every statement our booking request issues, replayed (person,
       OPD session, department and date swapped per transaction): the literal reading of issue #4's "pgbench
       running the same SQL our booking issues".
4. For each server configuration (gunicorn gthread, workers x threads, DB_CONN_MAX_AGE >= 60): closed loop,
   50 clients, each booking a different person: bookings/s (and as a fraction of (a) and of (b)),
   p50/p95/p99, errors, CPU of server, load generator and machine. SMS are left to `send_pending_sms`
   (SMS_SEND_IN_REQUEST is off with DEBUG off), as in production.
5. With the best configuration: open loop at half its maximum rate (scheduled sends; latency counted from the
   scheduled time, so queueing is not hidden), and 200 clients racing for the last 50 seats of one session,
   checked in the database afterwards (quota, unique gapless tokens).

Prints the figures and appends them to bench/RESULTS.md under "OPD booking". Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import itertools
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
PGBENCH_SCRIPT = BENCH / "registration_pgbench.sql"
PGBENCH_FULL_SCRIPT = BENCH / "registration_pgbench_full.sql"
CAPTURED_SQL = BENCH / "registration_captured.sql"
SECTION = "## OPD booking (bench/registration.py)"
BOOK_PATH = "/api/registration/appointments/"
PG_ADMIN_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
FACILITY_CODE_HINT = "MC"  # book at a medical college: it has every department
RACE_SEATS = 50
RACE_CLIENTS = 200
CLERKS = RACE_CLIENTS


# ------------------------------------------------------------------------------------------- environment


def _database_url(db: str) -> str:
    return f"postgres://postgres:postgres@127.0.0.1:5432/{db}"


def _server_env(db: str, conn_max_age: int, var_dir: Path) -> dict[str, str]:
    """Production settings (DEBUG off) with throwaway secrets; the same for this process and the server."""
    field_key = base64.b64encode(hashlib.sha256(f"regbench-throwaway:{db}".encode()).digest()).decode()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="himswasthya.settings",
        DEBUG="0",
        SECRET_KEY=os.environ.get("REGBENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEYS=field_key,
        AUDIT_HMAC_KEYS=os.environ.get("AUDIT_HMAC_KEYS") or field_key,  # throwaway, like the field key
        DATABASE_URL=_database_url(db),
        DB_CONN_MAX_AGE=str(conn_max_age),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        AUDIT_SEAL_MODE="worker",
        REDIS_URL=os.environ.get("REGBENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        SMS_BACKEND="file",
        SMS_FILE_PATH=str(var_dir / "sms.log"),
        HIMSWASTHYA_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
    )
    env["REGBENCH_SECRET_KEY"] = env["SECRET_KEY"]
    return env


def _ensure_database(db: str) -> None:
    import psycopg

    if db == "himswasthya" or not re.fullmatch(r"[a-z0-9_]+", db):
        sys.exit(f"refusing database name {db!r}: use a scratch database such as himswasthya_regbench")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone():
            conn.execute(f'CREATE DATABASE "{db}"')
            print(f"created database {db}")


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ------------------------------------------------------------------------------------------------ data


@dataclass
class Fixture:
    facility_id: int
    slots: list[tuple[int, int, str]]  # (opd session id, department id, date) - distinct department-dates
    race_slot: tuple[int, int, str]
    clerk_cookies: list[dict[str, str]]
    person_ids: list[int]
    session_day_ids: list[int] = field(default_factory=list)


def _load_data(people: int) -> None:
    from django.core.management import call_command

    from himswasthya.facilities.models import Facility
    from himswasthya.people.models import Person
    from himswasthya.places.models import District

    call_command("migrate", verbosity=0, interactive=False)
    if not District.objects.exists():
        call_command("load_places", verbosity=0)
    if not Facility.objects.filter(is_synthetic=True).exists():
        call_command("load_facilities", synthetic=True, verbosity=0)
    if Person.objects.filter(is_synthetic=True).count() < people:
        print(f"making {people:,} synthetic people ...", flush=True)
        call_command("make_population", people=people, seed=2026, skip_existing=True, verbosity=0)


def _opd_facility():
    from himswasthya.facilities.models import Department, Facility

    facility = (
        Facility.objects.filter(is_synthetic=True, facility_type=FACILITY_CODE_HINT).order_by("code").first()
        or Facility.objects.order_by("code").first()
    )
    if not facility.departments.exists():
        facility.departments.set(Department.objects.all()[:8])
    return facility


def _make_sessions(facility, days: int, departments: int) -> tuple[list, tuple]:
    """Morning sessions with a huge quota on every weekday for `departments` departments, plus an evening
    session of the first department used only by the race (its day is opened with RACE_SEATS seats)."""
    from himswasthya.facilities.models import OpdPolicy, OpdSession, SessionKind
    from himswasthya.registration.models import SessionDay

    OpdPolicy.objects.update_or_create(
        facility=facility, defaults={"booking_window_days": 30, "cancellation_cutoff_minutes": 120}
    )
    depts = list(facility.departments.order_by("pk")[:departments])
    sessions = {}
    for dept in depts:
        for weekday in range(7):
            for kind, start, end in (
                (SessionKind.MORNING, datetime.time(9, 30), datetime.time(13, 0)),
                (SessionKind.EVENING, datetime.time(16, 0), datetime.time(18, 0)),
            ):
                sessions[(dept.pk, weekday, kind)], _ = OpdSession.objects.update_or_create(
                    facility=facility,
                    department=dept,
                    weekday=weekday,
                    kind=kind,
                    defaults={
                        "starts_at": start,
                        "ends_at": end,
                        "online_quota": 1_000_000,
                        "walk_in_quota": 1_000,
                        "is_active": True,
                    },
                )
    today = datetime.date.today()
    slots = []
    for offset in range(1, days + 1):
        date = today + datetime.timedelta(days=offset)
        for dept in depts:
            session = sessions[(dept.pk, date.weekday(), SessionKind.MORNING)]
            _open_day(session, date, session.online_quota)
            slots.append((session.pk, dept.pk, date.isoformat()))
    race_date = today + datetime.timedelta(days=days + 1)
    race_session = sessions[(depts[0].pk, race_date.weekday(), SessionKind.EVENING)]
    SessionDay.objects.filter(session=race_session, date=race_date).delete()
    _open_day(race_session, race_date, RACE_SEATS)
    return slots, (race_session.pk, depts[0].pk, race_date.isoformat())


def _open_day(session, date: datetime.date, online_quota: int):
    from himswasthya.registration.models import SessionDay

    day, _ = SessionDay.objects.update_or_create(
        session=session,
        date=date,
        defaults={
            "facility_id": session.facility_id,
            "department_id": session.department_id,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "online_quota": online_quota,
            "walk_in_quota": session.walk_in_quota,
            "online_booked": 0,
            "walk_in_booked": 0,
            "last_token": 0,
        },
    )
    return day


def _reset_bookings() -> None:
    """Forget earlier runs' appointments so every person can book again (scratch database only)."""
    from django.db import connection

    from himswasthya.registration.models import Appointment, SessionDay

    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{Appointment._meta.db_table}" CASCADE')
    SessionDay.objects.update(online_booked=0, walk_in_booked=0, last_token=0)


def _clerk_sessions(facility, count: int) -> list[dict[str, str]]:
    """`count` clerks of the facility, each signed in with a real session row and a CSRF token."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from himswasthya.accounts.models import Role, User

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    now = int(time.time())
    for n in range(count):
        user, _ = User.objects.get_or_create(
            username=f"regbench-clerk-{n:03d}",
            defaults={"role": Role.REGISTRATION_CLERK, "facility": facility, "first_name": f"Clerk {n}"},
        )
        user.role, user.facility, user.is_active = Role.REGISTRATION_CLERK, facility, True
        user.password_changed_at = timezone.now()
        user.set_unusable_password()
        user.save()
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["session_started"] = now
        store["last_seen"] = now
        store.create()
        User.objects.filter(pk=user.pk).update(current_session_key=store.session_key)
        cookies.append(
            {
                settings.SESSION_COOKIE_NAME: store.session_key,
                settings.CSRF_COOKIE_NAME: get_random_string(32),
            }
        )
    return cookies


def _person_ids(facility) -> list[int]:
    """The people a clerk of the facility may book for (its district), each with a state UHID already, as
    most returning patients have (a first booking also issues one under the district's counter lock)."""
    from himswasthya.people.models import Person
    from himswasthya.people.services import do_issue_uhid, state_uhid

    people = list(
        Person.objects.filter(is_synthetic=True, merged_into__isnull=True, district_id=facility.district_id)
        .select_related("district")
        .order_by("pk")
    )
    issued = 0
    for person in people:
        if state_uhid(person) is None:
            do_issue_uhid(person)
            issued += 1
    if issued:
        print(f"issued {issued:,} UHIDs")
    ids = [p.pk for p in people]
    random.Random(4).shuffle(ids)
    return ids


def _prepare(args) -> Fixture:
    _load_data(args.people)
    facility = _opd_facility()
    _reset_bookings()
    slots, race_slot = _make_sessions(facility, args.days, args.departments)
    from himswasthya.registration.models import SessionDay

    return Fixture(
        facility_id=facility.pk,
        slots=slots,
        race_slot=race_slot,
        clerk_cookies=_clerk_sessions(facility, CLERKS),
        person_ids=_person_ids(facility),
        session_day_ids=sorted(
            SessionDay.objects.filter(facility=facility, online_quota__gt=RACE_SEATS).values_list(
                "pk", flat=True
            )
        ),
    )


# ------------------------------------------------------------------------------------------------ jobs


def booking_body(person_id: int, slot: tuple[int, int, str]) -> dict:
    """The request the booking API takes (registration/booking_api.py)."""
    session_id, _department_id, date = slot
    return {"person_id": person_id, "session_id": session_id, "date": date}


class Jobs:
    """Hands out (person, department-date) pairs that never repeat: person p in round r books slot
    (p + r) mod S, so the one-active-appointment rule never rejects a booking and load spreads over slots."""

    def __init__(self, person_ids: list[int], slots: list, start: int = 0):
        self.person_ids, self.slots = person_ids, slots
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def next(self) -> dict:
        with self._lock:
            i = next(self._counter)
        p, r = i % len(self.person_ids), i // len(self.person_ids)
        if r >= len(self.slots):
            raise RuntimeError("out of distinct person-slot pairs: raise --people or --days")
        return booking_body(self.person_ids[p], self.slots[(p + r) % len(self.slots)])


def _client(base: str, cookies: dict[str, str]) -> requests.Session:
    session = requests.Session()
    session.cookies.update(cookies)
    session.headers.update({"X-CSRFToken": cookies["csrftoken"], "Referer": base + "/"})
    return session


@dataclass
class Outcome:
    start: float
    latency_ms: float
    status: int
    code: str


def _post(session: requests.Session, url: str, body: dict, scheduled: float | None = None) -> Outcome:
    started = time.perf_counter()
    try:
        response = session.post(url, json=body, timeout=30)
        status = response.status_code
        code = "" if status < 300 else _error_code(response)
    except requests.RequestException as exc:
        status, code = 0, type(exc).__name__
    finished = time.perf_counter()
    origin = scheduled if scheduled is not None else started
    return Outcome(origin, (finished - origin) * 1000, status, code)


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json().get("code", response.status_code))
    except ValueError:
        return f"http_{response.status_code}"


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _summary(outcomes: list[Outcome], window: float) -> dict:
    ok = [o for o in outcomes if 200 <= o.status < 300]
    errors: dict[str, int] = {}
    for o in outcomes:
        if not 200 <= o.status < 300:
            key = f"{o.status}:{o.code}"
            errors[key] = errors.get(key, 0) + 1
    latencies = [o.latency_ms for o in ok]
    return {
        "requests": len(outcomes),
        "ok": len(ok),
        "rate": len(ok) / window if window else 0.0,
        "p50": _pct(latencies, 0.50),
        "p95": _pct(latencies, 0.95),
        "p99": _pct(latencies, 0.99),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "errors": errors,
    }


def closed_loop(base: str, fixture: Fixture, jobs: Jobs, clients: int, seconds: float, warmup: float) -> dict:
    url = base + BOOK_PATH
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    t0 = time.perf_counter()
    measure_from, deadline = t0 + warmup, t0 + warmup + seconds

    def worker(cookies: dict[str, str]) -> None:
        session = _client(base, cookies)
        mine = []
        while time.perf_counter() < deadline:
            outcome = _post(session, url, jobs.next())
            if outcome.start >= measure_from and outcome.start + outcome.latency_ms / 1000 <= deadline:
                mine.append(outcome)
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=worker, args=(c,)) for c in fixture.clerk_cookies[:clients]]
    cpu_before = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    summary = _summary(outcomes, seconds)
    summary["generator_cores"] = (time.process_time() - cpu_before) / (time.perf_counter() - t0)
    return summary


def open_loop(base: str, fixture: Fixture, jobs: Jobs, rate: float, seconds: float) -> dict:
    """Sends at a fixed schedule whatever the replies; latency is measured from the scheduled send time."""
    from concurrent.futures import ThreadPoolExecutor

    url = base + BOOK_PATH
    pool_size = min(len(fixture.clerk_cookies), 150)
    sessions = [_client(base, c) for c in fixture.clerk_cookies[:pool_size]]
    free = list(range(pool_size))
    free_lock = threading.Lock()
    outcomes: list[Outcome] = []

    def send(scheduled: float, body: dict) -> Outcome:
        with free_lock:
            index = free.pop() if free else None
        if index is None:  # every client busy: the server is far behind
            return Outcome(scheduled, float("inf"), 0, "no_free_client")
        try:
            return _post(sessions[index], url, body, scheduled=scheduled)
        finally:
            with free_lock:
                free.append(index)

    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    with ThreadPoolExecutor(max_workers=pool_size) as executor:
        futures = []
        for n in range(total):
            scheduled = start + n / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(executor.submit(send, scheduled, jobs.next()))
        outcomes = [f.result() for f in futures]
    late = sum(1 for o in outcomes if o.latency_ms == float("inf"))
    summary = _summary([o for o in outcomes if o.latency_ms != float("inf")], seconds)
    summary["rate_offered"] = rate
    summary["dropped_no_free_client"] = late
    return summary


def race(base: str, fixture: Fixture) -> dict:
    """RACE_CLIENTS clients fire at once for the RACE_SEATS seats of one session day; then the database is
    checked: quota held, one appointment per success, tokens unique and 1..n without gaps."""
    from django.db import connection

    from himswasthya.registration.models import Appointment, SessionDay

    session_id, department_id, date = fixture.race_slot
    day = SessionDay.objects.get(session_id=session_id, date=date)
    url = base + BOOK_PATH
    people = fixture.person_ids[-RACE_CLIENTS:]  # the far end of the list: not used by the other phases
    clients = [_client(base, c) for c in fixture.clerk_cookies[:RACE_CLIENTS]]
    for c in clients:  # open the TCP connections first so the start is simultaneous
        c.get(base + "/api/docs", timeout=10)
    barrier = threading.Barrier(RACE_CLIENTS)
    outcomes: list[Outcome] = [None] * RACE_CLIENTS  # type: ignore[list-item]

    def worker(n: int) -> None:
        body = booking_body(people[n], fixture.race_slot)
        barrier.wait()
        outcomes[n] = _post(clients[n], url, body)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(RACE_CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    connection.close()
    day.refresh_from_db()
    appointments = Appointment.objects.filter(session_day=day)
    tokens = sorted(appointments.values_list("token_number", flat=True))
    ok = sum(1 for o in outcomes if 200 <= o.status < 300)
    full = sum(1 for o in outcomes if 400 <= o.status < 500 and o.code == "session_full")
    other = [
        f"{o.status}:{o.code}" for o in outcomes if not (200 <= o.status < 300) and o.code != "session_full"
    ]
    return {
        "clients": RACE_CLIENTS,
        "seats": RACE_SEATS,
        "ok": ok,
        "full": full,
        "other_errors": sorted(set(other)),
        "other_error_count": len(other),
        "appointments": len(tokens),
        "online_booked": day.online_booked,
        "quota": day.online_quota,
        "tokens_unique": len(tokens) == len(set(tokens)),
        "tokens_gapless": tokens == list(range(1, len(tokens) + 1)),
        "quota_held": day.online_booked <= day.online_quota and len(tokens) <= day.online_quota,
        "p99": _pct([o.latency_ms for o in outcomes], 0.99),
    }


# ----------------------------------------------------------------------------------- in-process analysis


def _capture_job(fixture: Fixture, jobs: Jobs) -> dict:
    """A booking whose person, session and department ids differ from each other and from the other whole
    numbers the request sends (facility, district, clerk), so the pgbench script can swap them by value; of
    a patient with a mobile, as ~80% of the synthetic people have (the booking then also queues an SMS)."""
    from himswasthya.facilities.models import Facility
    from himswasthya.people.models import Person

    district_id = Facility.objects.filter(pk=fixture.facility_id).values_list("district_id", flat=True).get()
    taken = {0, 1, fixture.facility_id, district_id, _first_clerk_id() + CLERKS - 1}
    department = {session_id: dept for session_id, dept, _date in fixture.slots}
    for _ in range(2000):
        body = jobs.next()
        ids = [body["person_id"], body["session_id"], department[body["session_id"]]]
        if (
            len(set(ids)) == 3
            and not taken & set(ids)
            and Person.objects.filter(pk=body["person_id"], mobile__isnull=False).exists()
        ):
            return body
    sys.exit("no booking with distinct ids found for the capture")


def capture_one_booking(fixture: Fixture, jobs: Jobs) -> dict:
    """One booking through the test client (all middleware), in steady state (the same clerk booked just
    before: caches warm, session stamp fresh), with every SQL statement captured, with its parameters."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(enforce_csrf_checks=True)
    cookies = fixture.clerk_cookies[-1]
    for name, value in cookies.items():
        client.cookies[name] = value

    def post(body: dict):
        return client.post(
            BOOK_PATH,
            data=json.dumps(body),
            content_type="application/json",
            headers={"X-CSRFToken": cookies["csrftoken"]},
        )

    body = _capture_job(fixture, jobs)
    warm_up = {**jobs.next(), "session_id": body["session_id"], "date": body["date"]}
    post(warm_up)  # same clerk, same OPD session: caches warm, session stamp fresh
    executed: list[tuple[str, list]] = []

    def wrapper(execute, sql, params, many, context):
        executed.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(wrapper):
        response = post(body)
    # CaptureQueriesContext also lists BEGIN/COMMIT/SAVEPOINT (not run through execute): merge the two lists.
    statements: list[tuple[str, list]] = []
    pending = iter(executed)
    for q in ctx.captured_queries:
        verb = q["sql"].split(None, 1)[0].upper() if q["sql"].strip() else ""
        if verb in {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}:
            statements.append((q["sql"], []))
        else:
            statements.append(next(pending))
    # the session key and signed session data are credentials of the scratch database: not written out
    queries = [
        re.sub(r"'(?:[a-z0-9]{32}|[A-Za-z0-9_.:-]{60,})'", "'<session>'", q["sql"])
        for q in ctx.captured_queries
    ]
    commits = sum(1 for q in queries if q.strip().upper().startswith("COMMIT"))
    CAPTURED_SQL.write_text(
        f"-- one POST {BOOK_PATH} (HTTP {response.status_code}) in steady state, {len(queries)} statements "
        f"({commits} COMMIT), captured by bench/registration.py\n"
        + "\n".join(q.rstrip(";") + ";" for q in queries)
        + "\n"
    )
    return {
        "status": response.status_code,
        "body": response.content[:300].decode(errors="replace"),
        "statements": len(queries),
        "commits": commits,
        "queries": queries,
        "executed": statements,
        "job": body,
    }


def write_full_pgbench_script(fixture: Fixture, captured: dict) -> int:
    """bench/registration_pgbench_full.sql from the captured request: every statement as the server sent
    it, with the booking's person, session, department and date swapped for per-transaction ones (each
    client books distinct person-slot pairs, so no booking is refused), the clerk's session for the pgbench
    client's own row, and the audit table for a copy (the real one is append-only and sealed). Returns the
    number of statements written."""
    import datetime as dt

    from django.db import connection

    job = captured["job"]
    session_id, department_id, date = next(s for s in fixture.slots if s[0] == job["session_id"])
    swap: dict[tuple[type, object], str] = {
        (int, job["person_id"]): "(SELECT person_id FROM regbench_people WHERE n = :pn)",
        (int, session_id): "(SELECT session_id FROM regbench_slots WHERE n = :slot)",
        (int, department_id): "(SELECT department_id FROM regbench_slots WHERE n = :slot)",
        (dt.date, dt.date.fromisoformat(date)): "(SELECT date FROM regbench_slots WHERE n = :slot)",
    }
    from django.conf import settings

    session_key = fixture.clerk_cookies[-1][settings.SESSION_COOKIE_NAME]
    with connection.cursor() as cursor:
        mogrify = cursor.cursor.mogrify
        lines = []
        for sql, params in captured["executed"]:
            if not params:
                lines.append(sql.rstrip(";") + ";")
                continue
            parts = re.split(r"(%s|%%)", sql)
            out, values, n = [], [], 0
            for part in parts:
                if part == "%s":
                    value = params[n]
                    n += 1
                    expr = swap.get((type(value), value))
                    if expr is None and value == session_key:
                        expr = "('regbench-pgb-' || :client_id)"
                    if expr is not None:
                        out.append(expr.replace("%", "%%"))
                    else:
                        out.append("%s")
                        values.append(value)
                else:
                    out.append(part)
            text = mogrify("".join(out), values) if values else "".join(out).replace("%%", "%")
            if "django_session" in text and text.lstrip().upper().startswith("UPDATE"):
                text = re.sub(r"session_data\" = '[^']*'", "session_data\" = repeat('x', 230)", text)
            text = text.replace('"audit_auditentry"', "regbench_audit")
            lines.append(" ".join(text.split()).rstrip(";") + ";")
    header = (
        "-- GENERATED by bench/registration.py from the SQL of one captured booking request (steady\n"
        "-- state: the same clerk booked just before). pgbench replays it: PostgreSQL's own limit for our\n"
        "-- whole request. Swapped per transaction: person (regbench_people), session + department +\n"
        "-- date (regbench_slots), the session row ('regbench-pgb-<client>') and the audit table\n"
        "-- (regbench_audit, a copy).\n"
        "\\set i :i + 1\n"
        "\\set seq :i * :nclients + :client_id\n"
        "\\set pn :seq % :people_n\n"
        "\\set slot (:pn + :seq / :people_n) % :slot_count\n"
    )
    PGBENCH_FULL_SCRIPT.write_text(header + "\n".join(lines) + "\n")
    return len(lines)


def profile_in_process(fixture: Fixture, jobs: Jobs, n: int) -> dict:
    """Wall time of `n` sequential bookings through the test client, split into time waiting for PostgreSQL
    (an execute wrapper around every statement) and the rest (Python: middleware, ninja, ORM, audit)."""
    from django.db import connection
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    cookies = fixture.clerk_cookies[-2]
    for name, value in cookies.items():
        client.cookies[name] = value
    db_time = [0.0]
    statements = [0]
    by_statement: dict[str, float] = {}

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            db_time[0] += spent
            statements[0] += 1
            key = _statement_kind(sql)
            by_statement[key] = by_statement.get(key, 0.0) + spent

    # transaction.atomic commits outside execute(): time those too
    original_commit = connection._commit

    def timed_commit():
        started = time.perf_counter()
        try:
            return original_commit()
        finally:
            spent = time.perf_counter() - started
            db_time[0] += spent
            statements[0] += 1
            by_statement["COMMIT"] = by_statement.get("COMMIT", 0.0) + spent

    connection.ensure_connection()
    connection._commit = timed_commit
    bodies = [jobs.next() for _ in range(n)]
    statuses = []
    with connection.execute_wrapper(wrapper):
        started = time.perf_counter()
        for body in bodies:
            response = client.post(
                BOOK_PATH,
                data=json.dumps(body),
                content_type="application/json",
                headers={"X-CSRFToken": cookies["csrftoken"]},
            )
            statuses.append(response.status_code)
        wall = time.perf_counter() - started
    del connection._commit
    ok = sum(1 for s in statuses if 200 <= s < 300)
    return {
        "bookings": n,
        "ok": ok,
        "ms_per_booking": wall / n * 1000,
        "db_ms": db_time[0] / n * 1000,
        "python_ms": (wall - db_time[0]) / n * 1000,
        "statements": statements[0] / n,
        "by_statement": {k: v / n * 1000 for k, v in sorted(by_statement.items(), key=lambda kv: -kv[1])},
    }


def python_breakdown(fixture: Fixture, jobs: Jobs, n: int) -> list[tuple[str, float]]:
    """cProfile of `n` in-process bookings: own (tottime) CPU per booking grouped by where the code lives."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    cookies = fixture.clerk_cookies[-3]
    for name, value in cookies.items():
        client.cookies[name] = value
    bodies = [jobs.next() for _ in range(n)]
    profiler = cProfile.Profile()
    profiler.enable()
    for body in bodies:
        client.post(
            BOOK_PATH,
            data=json.dumps(body),
            content_type="application/json",
            headers={"X-CSRFToken": cookies["csrftoken"]},
        )
    profiler.disable()
    groups: dict[str, float] = {}
    for (filename, _line, func), stat in pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        groups[_code_area(filename, func)] = groups.get(_code_area(filename, func), 0.0) + stat[2]
    return sorted(((k, v / n * 1000) for k, v in groups.items()), key=lambda kv: -kv[1])


_AREAS = (
    ("psycopg", "psycopg (driver, incl. waiting for PostgreSQL)"),
    ("django/db/models/sql", "Django ORM: SQL compiler"),
    ("django/db", "Django ORM: models, queryset, backend"),
    ("django/contrib/sessions", "sessions"),
    ("django/core/signing", "sessions"),
    ("django/contrib/auth", "auth"),
    ("django/middleware", "Django middleware"),
    ("django/test", "test client (not in the server)"),
    ("django/utils/translation", "translation"),
    ("django/", "Django other"),
    ("ninja", "django-ninja"),
    ("pydantic", "pydantic"),
    ("himswasthya/audit", "audit"),
    ("himswasthya/accounts", "accounts (middleware, scoping, SMS)"),
    ("himswasthya/registration", "registration"),
    ("himswasthya/people", "people"),
    ("himswasthya/", "HimSwasthya other"),
    ("json", "json"),
)


def _code_area(filename: str, func: str) -> str:
    if filename == "~":
        return (
            "C built-ins"
            if "method 'execute'" not in func
            else "psycopg (driver, incl. waiting for PostgreSQL)"
        )
    for needle, area in _AREAS:
        if needle in filename:
            return area
    return "Python stdlib/other"


def _statement_kind(sql: str) -> str:
    """'UPDATE registration_sessionday', 'COMMIT', ... - the verb and the first table named."""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {table.group(1)}" if table and verb != "COMMIT" else verb


# --------------------------------------------------------------------------------------------- pgbench


def run_pgbench(db: str, fixture: Fixture, clients: int, seconds: int, script: Path) -> dict:
    from django.db import connection

    from himswasthya.registration.models import SessionDay

    _reset_bookings()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS regbench_audit (LIKE audit_auditentry INCLUDING ALL)")
        cursor.execute("TRUNCATE regbench_audit")
        cursor.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "SELECT 'regbench-pgb-' || n, repeat('x', 230), now() + interval '1 day' "
            "FROM generate_series(0, %s) n "
            "ON CONFLICT (session_key) DO UPDATE SET expire_date = EXCLUDED.expire_date",
            [clients],
        )
        # the full replay's per-transaction person and slot (write_full_pgbench_script)
        people = fixture.person_ids[:-RACE_CLIENTS]
        cursor.execute("DROP TABLE IF EXISTS regbench_people, regbench_slots")
        cursor.execute("CREATE TABLE regbench_people (n int PRIMARY KEY, person_id bigint NOT NULL)")
        cursor.execute(
            "INSERT INTO regbench_people "
            "SELECT n - 1, p FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(p, n)",
            [people],
        )
        cursor.execute(
            "CREATE TABLE regbench_slots (n int PRIMARY KEY, session_id bigint NOT NULL, "
            "department_id bigint NOT NULL, date date NOT NULL)"
        )
        for n, (session_id, department_id, date) in enumerate(fixture.slots):
            cursor.execute(
                "INSERT INTO regbench_slots VALUES (%s, %s, %s, %s)", [n, session_id, department_id, date]
            )
        cursor.execute("ANALYZE regbench_people")
        cursor.execute("ANALYZE regbench_slots")
    pgbench = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    ids = fixture.session_day_ids
    opd_ids = sorted({s for s, _d, _date in fixture.slots})
    people = fixture.person_ids
    variables = {
        "i": 0,
        "nclients": clients,
        "sd_min": min(ids),
        "sd_max": max(ids),
        "opd_min": min(opd_ids),
        "opd_max": max(opd_ids),
        "person_min": min(people),
        "person_count": max(people) - min(people) + 1,
        "clerk": _first_clerk_id(),
        "people_n": len(fixture.person_ids) - RACE_CLIENTS,
        "slot_count": len(fixture.slots),
    }
    command = [pgbench, "-n", "-r", "-c", str(clients), "-j", "2", "-T", str(seconds)]
    for name, value in variables.items():
        command += ["-D", f"{name}={value}"]
    command += ["-f", str(script), _database_url(db)]
    if max(ids) - min(ids) + 1 != len(ids) or max(opd_ids) - min(opd_ids) + 1 != len(opd_ids):
        print("  note: session (day) ids are not contiguous; pgbench also books the ones in between")
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    text = output.stdout + output.stderr
    tps = re.search(r"tps = ([\d.]+)", text)
    latency = re.search(r"latency average = ([\d.]+) ms", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    booked = sum(
        SessionDay.objects.filter(facility_id=fixture.facility_id).values_list("online_booked", flat=True)
    )
    _reset_bookings()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE regbench_audit")
    if not tps or "aborted" in text:
        print(text[-2000:])
    return {
        "per_statement": _pgbench_statements(text),
        "tps": float(tps.group(1)) if tps else 0.0,
        "latency_ms": float(latency.group(1)) if latency else float("nan"),
        "failed": int(failed.group(1)) if failed else None,
        "booked": booked,
        "command": f"pgbench -n -c {clients} -j 2 -T {seconds} -D ... -f bench/{script.name}",
        "aborted": "aborted" in text,
    }


def _pgbench_statements(text: str) -> list[tuple[float, str]]:
    """pgbench -r's per-statement average latencies (ms), slowest first, SQL shortened."""
    found = []
    for line in text.splitlines():
        match = re.match(r"\s+([\d.]+)\s+\d+\s+(.*)", line) or re.match(r"\s+([\d.]+)\s+(\S.*)", line)
        if match and not match.group(2).startswith("\\"):
            found.append((float(match.group(1)), " ".join(match.group(2).split()[:4])))
    return sorted(found, reverse=True)


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (not idle or waiting for I/O), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _first_clerk_id() -> int:
    from himswasthya.accounts.models import User

    return User.objects.filter(username="regbench-clerk-000").values_list("pk", flat=True).get()


# ---------------------------------------------------------------------------------------------- server


@dataclass
class ServerConfig:
    name: str
    workers: int
    threads: int
    conn_max_age: int

    def describe(self) -> str:
        text = f"gunicorn gthread -w {self.workers} --threads {self.threads}"
        return text + f", DB_CONN_MAX_AGE={self.conn_max_age}"


class Server:
    def __init__(self, config: ServerConfig, env: dict[str, str], port: int, log: Path):
        self.config, self.env, self.port, self.log = config, dict(env), port, log
        self.env["DB_CONN_MAX_AGE"] = str(config.conn_max_age)
        self.process: subprocess.Popen | None = None
        self.sealer: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        app = ["himswasthya.wsgi:application"]
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            *app,
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            str(self.config.workers),
            "-k",
            "gthread",
            "--threads",
            str(self.config.threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "--timeout",
            "60",
            "--keep-alive",
            "30",
        ]
        self._log_file = self.log.open("ab")
        # The audit sealing worker of production (README "Operations"): web processes run no sealing thread.
        self.sealer = subprocess.Popen(
            [sys.executable, "manage.py", "seal_audit", "--every", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                requests.get(self.base + "/api/docs", timeout=1)
                return self
            except requests.RequestException:
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        self.__exit__()
        sys.exit(f"server did not start; see {self.log}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the gunicorn master and its workers (from /proc)."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc) -> None:
        if self.sealer and self.sealer.poll() is None:
            self.sealer.terminate()
            self.sealer.wait(timeout=20)
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self._log_file.close()


# ----------------------------------------------------------------------------------------------- report


def _fmt_errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{k} x{v}" for k, v in sorted(errors.items())) or "none"


def _append_results(lines: list[str]) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n" + _section_intro()
    RESULTS.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n")


def _section_intro() -> str:
    return (
        "`POST /api/registration/appointments` through gunicorn + PostgreSQL with DEBUG off: session auth, "
        "CSRF, scoping, audit entry (AUDIT_SEAL_MODE=worker), SMS after commit (file backend). Clients "
        "are registration clerks with real sessions, each booking a different person. The limit is `pgbench` "
        "running the booking's own SQL (bench/registration_pgbench.sql: the conditional UPDATE that locks "
        "the session day and takes the token, then the appointment INSERT) at the same concurrency. For "
        "scale: all of India's public OPD "
        "registrations peak near **1,000/s**; Himachal's near **10/s** (issue #4's estimate from ~1.5 "
        "billion public-facility OPD visits a year, mostly in the morning hours).\n"
    )


# ------------------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="himswasthya_regbench", help="scratch PostgreSQL database name")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=14, help="session days opened per department")
    parser.add_argument("--departments", type=int, default=8)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15, help="closed-loop measurement window")
    parser.add_argument("--open-seconds", type=float, default=30)
    parser.add_argument("--pgbench-seconds", type=int, default=30)
    parser.add_argument("--profile", type=int, default=200, help="bookings timed in-process")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument(
        "--configs",
        default="2x8:60,3x8:60,4x4:60",
        help="server configs tried in the closed loop: WORKERSxTHREADS:CONN_MAX_AGE,...; the best one "
        "runs the open loop and the race",
    )
    parser.add_argument("--quick", action="store_true", help="short phases (smoke test)")
    parser.add_argument("--no-record", action="store_true", help="don't append to bench/RESULTS.md")
    parser.add_argument("--setup-only", action="store_true", help="prepare the database and stop")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.open_seconds, args.pgbench_seconds, args.profile = 5, 8, 8, 30
        args.configs = args.configs if "--configs" in sys.argv else args.configs.split(",")[0]

    started = time.time()
    load_at_start = os.getloadavg()
    var_dir = Path(tempfile.mkdtemp(prefix="regbench-"))
    env = _server_env(args.db, 0, var_dir)
    _ensure_database(args.db)
    _setup_django(env)
    from django.db import connection

    fixture = _prepare(args)
    jobs = Jobs(fixture.person_ids[:-RACE_CLIENTS], fixture.slots)
    print(
        f"setup: {time.time() - started:.0f} s; facility {fixture.facility_id}, {len(fixture.slots)} "
        f"department-days, {len(fixture.person_ids):,} people, {len(fixture.clerk_cookies)} clerk sessions"
    )
    if args.setup_only:
        return

    captured = capture_one_booking(fixture, jobs)
    print(
        f"one booking in-process (steady state): HTTP {captured['status']}, {captured['statements']} SQL "
        f"statements incl. {captured['commits']} COMMIT (bench/{CAPTURED_SQL.name})"
    )
    if not 200 <= captured["status"] < 300:
        print(captured["body"])
        sys.exit("the booking endpoint does not accept the benchmark's request; see above")
    replayed = write_full_pgbench_script(fixture, captured)
    print(f"bench/{PGBENCH_FULL_SCRIPT.name}: {replayed} statements generated from the captured request")

    limit = run_pgbench(args.db, fixture, args.clients, args.pgbench_seconds, PGBENCH_SCRIPT)
    full = run_pgbench(args.db, fixture, args.clients, args.pgbench_seconds, PGBENCH_FULL_SCRIPT)
    if full["booked"] < 0.9 * full["tps"] * args.pgbench_seconds:
        print("WARNING: the full replay booked less than one appointment per transaction: check the script")
    print(
        f"(b) pgbench replaying all the statements of a booking request: {full['tps']:,.0f} tps, "
        f"latency {full['latency_ms']:.2f} ms, {full['booked']:,} bookings, failed {full['failed']}; "
        "slowest statements: " + ", ".join(f"{sql} {ms:.1f} ms" for ms, sql in full["per_statement"][:6])
    )
    print(
        f"(a) limit, core SQL (pgbench, {args.clients} clients, -j 2, {args.pgbench_seconds} s): "
        f"{limit['tps']:,.0f} tps, latency {limit['latency_ms']:.2f} ms, {limit['booked']:,} bookings, "
        f"failed {limit['failed']}"
    )
    profile = profile_in_process(fixture, jobs, args.profile)
    print(
        f"in-process, sequential: {profile['ms_per_booking']:.1f} ms/booking = {profile['db_ms']:.1f} ms "
        f"waiting for PostgreSQL ({profile['statements']:.0f} statements) + {profile['python_ms']:.1f} ms "
        f"Python ({profile['ok']}/{profile['bookings']} ok)"
    )
    breakdown = python_breakdown(fixture, jobs, min(args.profile, 100))
    print(
        "  cProfile, own time per booking by area (ms): "
        + ", ".join(f"{k} {v:.2f}" for k, v in breakdown[:12])
    )
    print(
        "  PostgreSQL time per booking by statement: "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in profile["by_statement"].items())
    )

    connection.close()

    closed_results = []
    for spec in args.configs.split(","):
        shape, cma = spec.split(":")[:2]
        workers, threads = (int(x) for x in shape.split("x"))
        config = ServerConfig(spec, workers, threads, int(cma))
        _reset_bookings()
        jobs = Jobs(fixture.person_ids[:-RACE_CLIENTS], fixture.slots)
        connection.close()
        with Server(config, env, args.port, var_dir / "gunicorn.log") as server:
            cpu_before, machine_before, wall_before = (
                server.cpu_seconds(),
                _machine_busy(),
                time.perf_counter(),
            )
            result = closed_loop(server.base, fixture, jobs, args.clients, args.seconds, warmup=2)
            wall = time.perf_counter() - wall_before
            result["server_cores"] = (server.cpu_seconds() - cpu_before) / wall
            result["machine_cores"] = (_machine_busy() - machine_before) / wall
        result["config"] = config
        closed_results.append(result)
        print(
            f"closed loop, {args.clients} clients, {config.describe()}: {result['rate']:,.0f} bookings/s "
            f"((a) {result['rate'] / limit['tps']:.1%} of the core-SQL limit, (b) "
            f"{result['rate'] / full['tps']:.1%} of the full-request replay), "
            f"p50 {result['p50']:.0f} ms, p95 "
            f"{result['p95']:.0f} ms, p99 {result['p99']:.0f} ms, errors: {_fmt_errors(result['errors'])}; "
            f"CPU: load generator {result['generator_cores']:.2f} cores, "
            f"server {result['server_cores']:.2f}, "
            f"whole machine {result['machine_cores']:.2f} of {os.cpu_count()}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )

    best = max(closed_results, key=lambda r: r["rate"])
    config = best["config"]
    _reset_bookings()
    jobs = Jobs(fixture.person_ids[:-RACE_CLIENTS], fixture.slots)
    connection.close()
    with Server(config, env, args.port, var_dir / "gunicorn.log") as server:
        # brief warm-up so every worker has imported everything and opened its connections
        closed_loop(server.base, fixture, jobs, args.clients, 2, warmup=0)
        open_result = open_loop(server.base, fixture, jobs, best["rate"] / 2, args.open_seconds)
        print(
            f"open loop at {open_result['rate_offered']:,.0f}/s (half the maximum) "
            f"for {args.open_seconds:.0f} s: "
            f"{open_result['ok']:,} ok, p50 {open_result['p50']:.0f} ms, p95 {open_result['p95']:.0f} ms, "
            f"p99 {open_result['p99']:.0f} ms, errors: {_fmt_errors(open_result['errors'])}, "
            f"dropped {open_result['dropped_no_free_client']}"
        )
        race_result = race(server.base, fixture)
    print(
        f"race, {race_result['clients']} clients for {race_result['seats']} seats: "
        f"{race_result['ok']} booked, "
        f"{race_result['full']} clean 'session_full', other errors {race_result['other_error_count']} "
        f"{race_result['other_errors']}; in the database: {race_result['appointments']} appointments, "
        f"online_booked {race_result['online_booked']}/{race_result['quota']}, tokens unique "
        f"{race_result['tokens_unique']}, gapless {race_result['tokens_gapless']}"
    )
    elapsed = time.time() - started
    print(f"total {elapsed / 60:.1f} min")

    if args.no_record:
        return
    from django.db import connection as conn

    version = conn.cursor().connection.info.server_version
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### {when}: PostgreSQL {version // 10000}.{version % 10000}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average at start {load_at_start[0]:.1f} "
        f"(5 min {load_at_start[1]:.1f}), at end {os.getloadavg()[0]:.1f}",
        "",
        f"Command: `.venv/bin/python bench/registration.py {' '.join(sys.argv[1:])}` "
        f"(closed loop {args.seconds:.0f} s after 2 s warm-up, pgbench {args.pgbench_seconds} s, open loop "
        f"{args.open_seconds:.0f} s; {args.people:,} people; total {elapsed / 60:.1f} min)",
        "",
        "| run | server | bookings/s | of (a) | of (b) | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
        f"| (a) limit: pgbench, core SQL (2 statements), {args.clients} clients, -j 2 | PostgreSQL | "
        f"{limit['tps']:,.0f} | 100% | | | | | failed {limit['failed']} |",
        f"| (b) pgbench replaying the request's SQL ({captured['statements']} statements) | PostgreSQL | "
        f"{full['tps']:,.0f} | {full['tps'] / limit['tps']:.1%} | 100% | | | | failed {full['failed']} |",
    ]
    for r in closed_results:
        lines.append(
            f"| closed loop, {args.clients} clients | {r['config'].describe()} | {r['rate']:,.0f} | "
            f"{r['rate'] / limit['tps']:.1%} | {r['rate'] / full['tps']:.1%} | {r['p50']:.0f} | "
            f"{r['p95']:.0f} | {r['p99']:.0f} | {_fmt_errors(r['errors'])} |"
        )
    lines += [
        f"| open loop at {open_result['rate_offered']:,.0f}/s | {config.describe()} | "
        f"{open_result['ok'] / args.open_seconds:,.0f} | | | {open_result['p50']:.0f} | "
        f"{open_result['p95']:.0f} | "
        f"{open_result['p99']:.0f} | {_fmt_errors(open_result['errors'])}; dropped "
        f"{open_result['dropped_no_free_client']} |",
        "",
        f"- race: {race_result['clients']} clients at once for the last {race_result['seats']} seats: "
        f"{race_result['ok']} booked, {race_result['full']} clean `session_full`, "
        f"{race_result['other_error_count']} other errors; database: "
        f"{race_result['appointments']} appointments, "
        f"online_booked {race_result['online_booked']}/{race_result['quota']}, tokens unique "
        f"{race_result['tokens_unique']}, gapless {race_result['tokens_gapless']}",
        f"- one booking = {captured['statements']} SQL statements incl. {captured['commits']} COMMIT in "
        f"steady state (bench/{CAPTURED_SQL.name}; {profile['statements']:.1f} statements and commits on "
        f"average over the {profile['bookings']} timed bookings); in-process sequential: "
        f"{profile['ms_per_booking']:.1f} ms = {profile['db_ms']:.1f} ms waiting for PostgreSQL "
        f"+ {profile['python_ms']:.1f} ms Python; PostgreSQL time by statement: "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in profile["by_statement"].items()),
        "- cProfile of in-process bookings, own time per booking by area (ms; profiling inflates it): "
        + ", ".join(f"{k} {v:.2f}" for k, v in breakdown[:12]),
        "- CPU in the closed-loop runs above (cores): "
        + "; ".join(
            f"server {r['server_cores']:.2f} ({r['rate'] / max(r['server_cores'], 0.01):.0f} bookings per "
            f"server CPU-second), load generator {r['generator_cores']:.2f}, whole machine "
            f"{r['machine_cores']:.2f} of {os.cpu_count()}"
            for r in closed_results
        ),
        f"- pgbench: `{limit['command']}`; slowest statements of the full replay (ms): "
        + ", ".join(f"`{sql}` {ms:.1f}" for ms, sql in full["per_statement"][:6]),
    ]
    _append_results(lines)
    print(f"appended to {RESULTS}")


if __name__ == "__main__":
    main()
