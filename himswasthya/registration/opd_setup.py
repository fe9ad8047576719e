"""OPD set-up of one facility by its administrator: booking policy, weekly sessions with quotas, closures
(issue #4 item 1). Moved here from facilities (issue #11 item 3): facilities, below accounts, keeps the OPD
models and the schedule the booking reads (`facilities.opd_services`); who may change them is asked of
`accounts.scoping`, above facilities, so the set-up lives in the OPD app.

Each `do_*` runs in one transaction, checks the rules with a clear, translated message and the field name,
and writes one `opd.configure` audit entry (no personal data: only what was configured).
Already-opened session days keep the quotas copied when they were opened. Every save or delete clears the
booking's cache of sessions and policies (`facilities.opd_services`, through model signals).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.scoping import get_scoped_or_not_found, require_role
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.services import record
from himswasthya.core.errors import Conflict, DomainError, NotFound
from himswasthya.core.times import local_time
from himswasthya.facilities.models import (
    Department,
    Facility,
    OpdClosure,
    OpdPolicy,
    OpdSession,
    SessionKind,
    Weekday,
)
from himswasthya.facilities.opd_services import active_sessions

ADMIN_ROLES = ("facility_admin", "state_admin")
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 1, 90
MAX_CUTOFF_MINUTES = 7 * 24 * 60
MAX_QUOTA = 10_000  # patients per session: beyond any OPD, far below the integer column's limit
NOT_FOUND = _("Not found.")
NO_SUCH_DEPARTMENT = _("No department with this code.")


# --- who administers a facility ----------------------------------------------------------------------------


def get_administered_facility(user: Any, code: str) -> Facility:
    """The facility `code` if `user` administers it (facility admin of it, or state admin); else NotFound."""
    require_role(user, *ADMIN_ROLES)
    return get_scoped_or_not_found(user, Facility.objects.select_related("district"), code=code)


# --- policy ------------------------------------------------------------------------------------------------


def _audit(
    actor: Any, facility: Facility, what: str, object_type: str, object_id: Any, **detail: Any
) -> None:
    record(
        AuditAction.OPD_CONFIGURE,
        object_type=object_type,
        object_id=object_id,
        actor=actor,
        facility_id=facility.pk,
        district_id=facility.district_id,
        detail={"what": what, "facility": facility.code, **detail},
    )


def do_set_opd_policy(
    *, actor: Any, facility: Facility, booking_window_days: int, cancellation_cutoff_minutes: int
) -> OpdPolicy:
    if not MIN_WINDOW_DAYS <= booking_window_days <= MAX_WINDOW_DAYS:
        raise DomainError(_("Booking can open between 1 and 90 days ahead."), field="booking_window_days")
    if not 0 <= cancellation_cutoff_minutes <= MAX_CUTOFF_MINUTES:
        raise DomainError(
            _("The cancellation cut-off must be between 0 minutes and 7 days."),
            field="cancellation_cutoff_minutes",
        )
    with transaction.atomic():
        policy, _created = OpdPolicy.objects.update_or_create(
            facility=facility,
            defaults={
                "booking_window_days": booking_window_days,
                "cancellation_cutoff_minutes": cancellation_cutoff_minutes,
            },
        )
        _audit(
            actor,
            facility,
            "policy.set",
            "facilities.OpdPolicy",
            policy.pk,
            booking_window_days=booking_window_days,
            cancellation_cutoff_minutes=cancellation_cutoff_minutes,
        )
    return policy


# --- sessions ----------------------------------------------------------------------------------------------


def _check_session(session: OpdSession, *, exclude_pk: int | None = None) -> None:
    """The rules of a weekly session, checked on the unsaved `session` (`exclude_pk`: the row it updates)."""
    if not session.facility.departments.filter(pk=session.department.pk).exists():
        raise DomainError(_("This facility does not offer this department."), field="department")
    if session.weekday not in Weekday.values:
        raise DomainError(_("Choose a weekday."), field="weekday")
    if session.kind not in SessionKind.values:
        raise DomainError(_("Choose morning, evening or round the clock."), field="kind")
    if session.ends_at <= session.starts_at:
        raise DomainError(_("The session must end after it starts."), field="ends_at")
    if session.online_quota < 0 or session.walk_in_quota < 0:
        raise DomainError(_("A quota cannot be negative."), field="online_quota")
    for name, quota in (("online_quota", session.online_quota), ("walk_in_quota", session.walk_in_quota)):
        if quota > MAX_QUOTA:
            raise DomainError(
                _("A quota can be at most %(n)d patients per session.") % {"n": MAX_QUOTA}, field=name
            )
    if session.online_quota + session.walk_in_quota <= 0:
        raise DomainError(
            _("The online and walk-in quotas together must be at least 1."), field="walk_in_quota"
        )
    same_day = OpdSession.objects.filter(
        facility=session.facility, department=session.department, weekday=session.weekday, is_active=True
    ).exclude(pk=exclude_pk)
    if same_day.filter(starts_at__lt=session.ends_at, ends_at__gt=session.starts_at).exists():
        raise Conflict(
            _("This overlaps another session of the same department on that weekday."), field="starts_at"
        )
    if same_day.filter(kind=session.kind).exists():
        raise Conflict(_("This department already has a session of this kind on that weekday."), field="kind")


def do_save_opd_session(
    *,
    actor: Any,
    facility: Facility,
    department: Department,
    weekday: int,
    kind: str,
    starts_at: dt.time,
    ends_at: dt.time,
    online_quota: int,
    walk_in_quota: int,
    session: OpdSession | None = None,
) -> OpdSession:
    """Create a weekly session, or update `session` (which must belong to `facility`).

    An inactive session of the same department, weekday and kind is reused (the database keeps one row per
    kind), so deactivating and adding again works."""
    if session is not None and session.facility_id != facility.pk:
        raise NotFound(NOT_FOUND, field="session")
    values = dict(
        department=department,
        weekday=weekday,
        kind=kind,
        starts_at=local_time(starts_at),  # "09:30+05:30" and "04:00Z" are both 09:30 IST, on both databases
        ends_at=local_time(ends_at),
        online_quota=online_quota,
        walk_in_quota=walk_in_quota,
    )
    with transaction.atomic():
        _check_session(OpdSession(facility=facility, **values), exclude_pk=session.pk if session else None)
        if session is None:
            session = (
                OpdSession.objects.select_for_update()
                .filter(facility=facility, department=department, weekday=weekday, kind=kind, is_active=False)
                .first()
            )
        created = session is None
        if created:
            session = OpdSession(facility=facility, **values)
        else:
            OpdSession.objects.filter(
                facility=facility, department=department, weekday=weekday, kind=kind, is_active=False
            ).exclude(pk=session.pk).delete()  # a stale inactive twin would break the one-per-kind constraint
            for name, value in values.items():
                setattr(session, name, value)
            session.is_active = True
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin hits the constraint, not a 500
                session.save()
        except IntegrityError as exc:
            raise Conflict(
                _("This department already has a session of this kind on that weekday."), field="kind"
            ) from exc
        _audit(
            actor,
            facility,
            "session.create" if created else "session.update",
            "facilities.OpdSession",
            session.pk,
            department=department.code,
            weekday=weekday,
            kind=kind,
            starts_at=starts_at.strftime("%H:%M"),
            ends_at=ends_at.strftime("%H:%M"),
            online_quota=online_quota,
            walk_in_quota=walk_in_quota,
        )
    return session


def do_deactivate_opd_session(*, actor: Any, facility: Facility, session: OpdSession) -> OpdSession:
    """No new days open for it; the row stays (opened session days refer to it)."""
    if session.facility_id != facility.pk:
        raise NotFound(NOT_FOUND, field="session")
    with transaction.atomic():
        session.is_active = False
        session.save(update_fields=["is_active"])
        _audit(actor, facility, "session.deactivate", "facilities.OpdSession", session.pk)
    return session


def do_copy_weekday_sessions(
    *, actor: Any, facility: Facility, from_weekday: int, to_weekdays: Iterable[int]
) -> list[OpdSession]:
    """Copy every active session of `from_weekday` to each of `to_weekdays`, all or nothing.

    A target day that already has a session of the same department and kind is updated to match."""
    targets = sorted({int(d) for d in to_weekdays} - {from_weekday})
    if not targets or any(d not in Weekday.values for d in targets):
        raise DomainError(_("Choose at least one other weekday to copy to."), field="to_weekdays")
    sources = list(active_sessions(facility).filter(weekday=from_weekday))
    if not sources:
        raise DomainError(_("There are no sessions on that weekday to copy."), field="from_weekday")
    copied: list[OpdSession] = []
    with transaction.atomic():
        for weekday in targets:
            for source in sources:
                existing = OpdSession.objects.filter(
                    facility=facility,
                    department=source.department,
                    weekday=weekday,
                    kind=source.kind,
                    is_active=True,
                ).first()
                copied.append(
                    do_save_opd_session(
                        actor=actor,
                        facility=facility,
                        department=source.department,
                        weekday=weekday,
                        kind=source.kind,
                        starts_at=source.starts_at,
                        ends_at=source.ends_at,
                        online_quota=source.online_quota,
                        walk_in_quota=source.walk_in_quota,
                        session=existing,
                    )
                )
    return copied


# --- closures ----------------------------------------------------------------------------------------------


def do_add_opd_closure(
    *,
    actor: Any,
    facility: Facility,
    date: dt.date,
    reason: str,
    department: Department | None = None,
    today: dt.date | None = None,
) -> OpdClosure:
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if date < today:
        raise DomainError(_("A closure cannot be in the past."), field="date")
    if not reason:
        raise DomainError(_("Give a reason, e.g. the name of the holiday."), field="reason")
    if len(reason) > 200:
        raise DomainError(_("Keep the reason under 200 characters."), field="reason")
    if department is not None and not facility.departments.filter(pk=department.pk).exists():
        raise DomainError(_("This facility does not offer this department."), field="department")
    with transaction.atomic():
        if OpdClosure.objects.filter(facility=facility, date=date, department=department).exists():
            raise Conflict(_("There is already a closure on this date."), field="date")
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin hits the constraint, not a 500
                closure = OpdClosure.objects.create(
                    facility=facility, department=department, date=date, reason=reason
                )
        except IntegrityError as exc:
            raise Conflict(_("There is already a closure on this date."), field="date") from exc
        _audit(
            actor,
            facility,
            "closure.add",
            "facilities.OpdClosure",
            closure.pk,
            date=date.isoformat(),
            department=department.code if department else None,
        )
    return closure


def do_remove_opd_closure(
    *, actor: Any, facility: Facility, closure: OpdClosure, today: dt.date | None = None
) -> None:
    today = today or timezone.localdate()
    if closure.facility_id != facility.pk:
        raise NotFound(NOT_FOUND, field="closure")
    if closure.date < today:
        raise DomainError(_("A past closure cannot be removed."), field="date")
    with transaction.atomic():
        pk, date = closure.pk, closure.date
        closure.delete()
        _audit(actor, facility, "closure.remove", "facilities.OpdClosure", pk, date=date.isoformat())
