"""The OPD schedule of a facility as the booking and the public timetable read it: the booking's cache of
sessions and policies, the weekly grid, upcoming closures. Read-only; the facility administrator's set-up
(policy, sessions, closures, with its role checks and audit) is `registration.opd_setup`, above accounts.

The booking hot path reads a session (with its facility) and the facility's policy on every request; those
change a few times a year, so `cached_session` / `cached_policy` keep them for OPD_CACHE_SECONDS: in Redis
(Django's cache) when REDIS_URL is set, shared by every process, else per process. Any save or delete of a
session, policy or facility (the OPD set-up, the Django admin, a command) clears the cache at once
and again after its commit: with Redis every process sees the change at once, without it another process
sees it within the TTL. Only reads made outside a transaction fill or use the cache (nothing a rollback could
undo is cached). Closures are
not cached: the booking checks them inside its own statement (registration/services.py).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import NotFound
from himswasthya.facilities.models import (
    Department,
    Facility,
    OpdClosure,
    OpdPolicy,
    OpdSession,
    Weekday,
)

# --- the booking's cache -----------------------------------------------------------------------------------

OPD_CACHE_SECONDS = 10.0
_cache: dict[tuple[str, int], tuple[float, Any]] = {}
_cache_lock = threading.Lock()
# With REDIS_URL the cache is Django's (Redis), shared by every process: an entry is (generation, value) and
# is valid only while the generation key holds the same number; any change bumps it (one atomic INCR), so
# every process sees a save or delete at once instead of within the TTL.
_GENERATION_KEY = "opd:generation"


def _shared() -> bool:
    return bool(settings.REDIS_URL)


def _bump_generation() -> None:
    try:
        cache.incr(_GENERATION_KEY)  # one round trip in the usual case
    except ValueError:  # no generation yet, or evicted: seeded from the clock, not 0, so that entries of an
        cache.add(_GENERATION_KEY, time.time_ns(), timeout=None)  # old generation never come back


def clear_opd_cache(**_ignored: Any) -> None:
    with _cache_lock:
        _cache.clear()
    if _shared():
        _bump_generation()


def _on_change(**_ignored: Any) -> None:
    clear_opd_cache()
    if connection.in_atomic_block:
        transaction.on_commit(clear_opd_cache)  # a reader may refill it before the commit


for _model in (Facility, OpdPolicy, OpdSession):
    post_save.connect(_on_change, sender=_model, weak=False, dispatch_uid=f"opd_cache_save_{_model.__name__}")
    post_delete.connect(
        _on_change, sender=_model, weak=False, dispatch_uid=f"opd_cache_delete_{_model.__name__}"
    )


def _cached_shared(key: tuple[str, int], load: Any) -> Any:
    name = f"opd:{key[0]}:{key[1]}"
    found = cache.get_many([_GENERATION_KEY, name])  # one round trip
    generation, hit = found.get(_GENERATION_KEY), found.get(name)
    if hit is not None and generation is not None and hit[0] == generation:
        return hit[1]
    if generation is None:
        cache.add(_GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(_GENERATION_KEY)
    value = load()
    if value is not None:
        # Stored under the generation read *before* loading: a change committed meanwhile bumped it, so
        # this entry is never used.
        cache.set(name, (generation, value), OPD_CACHE_SECONDS)
    return value


def _cached(key: tuple[str, int], load: Any) -> Any:
    if connection.in_atomic_block:  # may be rolled back: neither trust nor fill the cache
        return load()
    if _shared():
        return _cached_shared(key, load)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    if value is not None:  # a missing row is not remembered: it may be created any moment
        with _cache_lock:
            _cache[key] = (now + OPD_CACHE_SECONDS, value)
    return value


def cached_session(session_id: int) -> OpdSession | None:
    """The OPD session with its facility (shared, read-only: do not modify it), or None."""
    return _cached(
        ("session", session_id),
        lambda: OpdSession.objects.select_related("facility").filter(pk=session_id).first(),
    )


def cached_policy(facility_id: int) -> OpdPolicy:
    """The facility's OPD policy, or the default one (shared, read-only: do not modify it)."""
    return _cached(
        ("policy", facility_id),
        lambda: (
            OpdPolicy.objects.filter(facility_id=facility_id).first() or OpdPolicy(facility_id=facility_id)
        ),
    )


# --- reading -----------------------------------------------------------------------------------------------


def get_public_facility(code: str) -> Facility:
    try:
        return Facility.objects.get(code=code, is_active=True)
    except Facility.DoesNotExist as exc:
        raise NotFound(_("No facility with this code."), field="code") from exc


def policy_of(facility: Facility) -> OpdPolicy:
    """The facility's policy, or the (unsaved) defaults when none was set."""
    try:
        return facility.opd_policy
    except OpdPolicy.DoesNotExist:
        return OpdPolicy(facility=facility)


def active_sessions(facility: Facility) -> QuerySet[OpdSession]:
    return (
        OpdSession.objects.filter(facility=facility, is_active=True)
        .select_related("department")
        .order_by("department__name", "weekday", "starts_at")
    )


def upcoming_closures(facility: Facility, *, today: dt.date | None = None) -> QuerySet[OpdClosure]:
    today = today or timezone.localdate()
    return OpdClosure.objects.filter(facility=facility, date__gte=today).select_related("department")


@dataclass
class GridRow:
    department: Department
    days: list[list[OpdSession]] = field(default_factory=lambda: [[] for _ in Weekday])

    @property
    def labelled_days(self) -> list[tuple[str, list[OpdSession]]]:
        """(weekday name, sessions) pairs: on a phone each cell shows its day (site.css, table.stack)."""
        return list(zip(Weekday.labels, self.days, strict=True))


def weekly_grid(facility: Facility) -> list[GridRow]:
    """Department x weekday: the active sessions of each cell, departments in name order."""
    rows: dict[int, GridRow] = {}
    for session in active_sessions(facility):
        row = rows.setdefault(session.department_id, GridRow(session.department))
        row.days[session.weekday].append(session)
    return list(rows.values())
