"""Audit of personal-data access: `record()` for every read and change, and the filters of the audit viewer.

`record()` is called from every app's services and views, so it must be cheap and must never make one
request wait for another: it INSERTs one unsealed row in the caller's transaction and asks for sealing after
commit - inline, or (AUDIT_SEAL_MODE "worker", production on PostgreSQL) by the `seal_audit --every` worker
(see chain.py).
If the caller's transaction rolls back, the entry disappears with it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NoReturn

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.audit import chain
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.context import client_ip, current_request
from himswasthya.audit.hooks import hooks
from himswasthya.audit.models import AuditEntry
from himswasthya.core.errors import DomainError

_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
# SEC-29: what must never reach a log. Key names are matched as substrings, case-insensitively.
FORBIDDEN_KEY_PARTS = (
    "otp",
    "token",
    "password",
    "passwd",
    "secret",
    "aadhaar",
    "aadhar",
    "uidai",
    "sessionid",
    "session_key",
    "cookie",
    "diagnos",
    "icd10",
    "icd_",
    "prescription",
    "symptom",
    "clinical",
    "medication",
    "lab_result",
)
_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")  # an Aadhaar number, however spaced
_TOKEN_LIKE = re.compile(r"^[A-Za-z0-9_\-.+/=]{32,}$")  # bearer tokens, JWTs, API keys
MAX_DETAIL_CHARS = 2000
MAX_DETAIL_DEPTH = 3


class ForbiddenAuditDetail(DomainError):
    code = "audit_detail_forbidden"


def _reject(path: str, why: str) -> NoReturn:
    # The message names the key only: echoing the value would leak what we refuse to store.
    raise ForbiddenAuditDetail(
        _("Audit detail may not contain OTPs, tokens, passwords, Aadhaar numbers or health data (%(why)s).")
        % {"why": why},
        field=f"detail.{path}" if path else "detail",
    )


REDACTED = "[redacted]"


def check_detail(detail: dict[str, Any], *, redact: bool = False) -> dict[str, Any]:
    """Refuse detail that could carry secrets or sensitive data (SEC-29), or that is not small plain JSON.

    A forbidden *key* is always refused: it is the caller's mistake. A suspicious *value* (12 digits, a
    token) is refused too, unless `redact` - for values typed by users, such as a failed login's user
    name - in which case it is replaced by "[redacted]". Returns the detail to store."""
    if not isinstance(detail, dict):
        _reject("", "not an object")
    if len(repr(detail)) > MAX_DETAIL_CHARS:
        _reject("", "too large")
    return _clean_container(detail, "", 0, redact)


def _clean_container(container: dict | list, path: str, depth: int, redact: bool) -> Any:
    if depth >= MAX_DETAIL_DEPTH:
        _reject(path, "nested too deep")
    if isinstance(container, list):
        return [_clean_value(v, f"{path}.{i}", depth, redact) for i, v in enumerate(container)]
    cleaned = {}
    for key, value in container.items():
        where = f"{path}.{key}" if path else str(key)
        if not isinstance(key, str) or any(part in key.lower() for part in FORBIDDEN_KEY_PARTS):
            _reject(where, "forbidden key")
        cleaned[key] = _clean_value(value, where, depth, redact)
    return cleaned


def _clean_value(value: Any, where: str, depth: int, redact: bool) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | str):
        text = str(value)
        why = (
            "12-digit number"
            if _TWELVE_DIGITS.search(text)
            else ("looks like a token" if _TOKEN_LIKE.match(text) else "")
        )
        if why and redact:
            return REDACTED
        if why:
            _reject(where, why)
        return value
    if isinstance(value, dict | list):
        return _clean_container(value, where, depth + 1, redact)
    _reject(where, "only text, whole numbers, true/false, lists and objects")


def _actor_from_request() -> tuple[Any, str | None]:
    request = current_request()
    if request is None:
        return None, None
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    return actor, client_ip(request)


def _check_lengths(**values: str) -> None:
    # Refused here rather than by PostgreSQL, whose error would abort the caller's whole transaction.
    for name, value in values.items():
        if len(value) > AuditEntry._meta.get_field(name).max_length:  # type: ignore[operator,union-attr]
            raise DomainError(_("Audit field is too long."), field=name)


def _valid_ip(value: str | None) -> str | None:
    """A proxy may forward rubbish ("unknown"); the entry keeps no address rather than failing."""
    try:
        return str(ipaddress.ip_address(value.strip())) if value else None
    except ValueError:
        return None


def schedule_sealing() -> None:
    """One after-commit sealing per transaction, however many entries it recorded (AUDIT_SEAL_MODE "inline";
    with "worker" nothing: the sealing worker seals them). Callers that INSERT entries built by `build_entry`
    themselves call it too."""
    callback = chain.after_commit_sealing()
    if callback is None:
        return
    if connection.in_atomic_block and any(
        # Django's pending callbacks: (savepoint ids, function, robust).
        item[1] in chain.AFTER_COMMIT_CALLBACKS
        for item in connection.run_on_commit
    ):
        return
    # robust: a sealing failure is logged and never turns a committed request into an error.
    transaction.on_commit(callback, robust=True)


def record(action: str, **kwargs: Any) -> AuditEntry:
    """Append one audit entry in the caller's transaction. `actor` defaults to the current request's user.

    `action` is an `AuditAction` (audit/actions.py), "<noun>.<verb>": PERSON_READ is "person.read".
    `purpose` is the SEC-1 purpose code.
    facility/district default to the actor's own; district also follows from the facility.
    `detail` is checked by `check_detail` (SEC-29); pass `redact_detail=True` when it holds values users
    typed, so that a suspicious value is masked instead of refused. Arguments: see `build_entry`.
    """
    entry = build_entry(action, **kwargs)
    entry.save(force_insert=True)
    schedule_sealing()
    return entry


def build_entry(
    action: str,
    *,
    object_type: str,
    object_id: str | int | None = None,
    purpose: str = "",
    actor: Any = None,
    facility_id: int | None = None,
    district_id: int | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
    actor_role: str | None = None,
    redact_detail: bool = False,
) -> AuditEntry:
    """The checked, unsaved entry `record` writes (same arguments). A caller that INSERTs it itself (e.g. in
    one statement with the row it audits) must call `schedule_sealing()` afterwards."""
    action = str(action)  # an AuditAction stores its value, the plain string
    if not _ACTION.match(action):
        raise DomainError(_("Audit action must look like 'person.read'."), field="action")
    object_id = "" if object_id is None else str(object_id)
    _check_lengths(action=action, object_type=object_type, object_id=object_id, purpose=purpose)
    detail = check_detail(dict(detail or {}), redact=redact_detail)
    request_actor, request_ip = _actor_from_request()
    if actor is None:
        actor = request_actor
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    if facility_id is None and actor is not None:
        facility_id = getattr(actor, "facility_id", None)
    if district_id is None and facility_id is not None:
        district_id = hooks.district_of_facility(facility_id)  # filled by facilities (audit/hooks.py)
    if district_id is None and actor is not None:
        district_id = getattr(actor, "district_id", None)
    entry = AuditEntry(
        actor=actor,
        actor_role=actor_role if actor_role is not None else str(getattr(actor, "role", "") or ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        facility_id=facility_id,
        district_id=district_id,
        ip=_valid_ip(ip or request_ip),
        detail=detail,
    )
    return entry


def record_read(
    object_type: str, object_id: str | int | None, *, purpose: str, action: str | None = None, **kwargs: Any
) -> AuditEntry:
    """For views and APIs that show personal data: `record_read("people.Person", person.pk, purpose="opd")`.
    The action defaults to "<model>.read" from the object type ("people.Person" -> "person.read")."""
    if action is None:
        action = f"{object_type.rsplit('.', 1)[-1].lower()}.read"
    return record(action, object_type=object_type, object_id=object_id, purpose=purpose, **kwargs)


# --- the viewer's filters (who may read which entries is decided by the viewer: accounts/audit_log) -----


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # username, or a user id
    action: str = ""  # exact, or a prefix ending in "." ("person.")
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def used(self) -> list[str]:
        return sorted(name for name, value in self.__dict__.items() if value not in ("", None))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_entries(qs: QuerySet[AuditEntry], filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The entries of `qs` (already narrowed to what the reader may see) matching `filters`, newest first."""
    if filters.actor:
        qs = (
            qs.filter(actor_id=int(filters.actor))
            if filters.actor.isdigit()
            else qs.filter(actor__username=filters.actor)
        )
    if filters.action:
        qs = (
            qs.filter(action__startswith=filters.action)
            if filters.action.endswith(".")
            else qs.filter(action=filters.action)
        )
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.date_from:
        qs = qs.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return qs.order_by("-id")


def record_audit_read(user: Any, filters: AuditFilters, page: int) -> None:
    """Reading the audit log is itself audited. Filter values are left out: they may be personal data."""
    record(
        AuditAction.AUDIT_READ,
        object_type="audit.AuditEntry",
        purpose="oversight",
        actor=user,
        detail={"filters": filters.used(), "page": page},
    )
