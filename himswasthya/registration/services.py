"""The OPD booking engine: availability, online bookings, walk-ins, check-in, cancel and reschedule.

Correctness under load rests on the database (registration/models.py): a booking takes its token with ONE
conditional statement on the session-day row,

    UPDATE registration_sessionday SET online_booked = online_booked + 1, last_token = last_token + 1
     WHERE session_id = %s AND date = %s AND online_booked < online_quota RETURNING id, last_token

which locks the row until commit (so tokens are handed out in order, without gaps, and the quota is never
passed: the check constraints stand behind it), then inserts the appointment in the same transaction. The
partial unique constraint refuses a second active appointment of a person in a department on a day; any
error rolls the whole transaction back, counter included. SMS are queued in the same transaction and sent
after commit (notify/outbox.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himswasthya.accounts.models import FACILITY_ROLES, Role
from himswasthya.accounts.scoping import (
    get_scoped_or_not_found,
    may_act_at,
    may_see,
    require_role,
    scope_queryset,
)
from himswasthya.audit.actions import AuditAction
from himswasthya.audit.models import AuditEntry
from himswasthya.audit.services import build_entry, record, schedule_sealing
from himswasthya.core.errors import Conflict, DomainError, Forbidden, NotFound
from himswasthya.core.scope_paths import scope_paths_for
from himswasthya.facilities.models import Department, Facility, OpdClosure, OpdPolicy, OpdSession
from himswasthya.facilities.opd_services import cached_policy, cached_session
from himswasthya.notify import outbox
from himswasthya.notify.models import SmsOutbox
from himswasthya.people import uhid as uhids
from himswasthya.people.models import IdentifierType, Person, PersonIdentifier
from himswasthya.people.services import do_issue_uhid, state_uhid
from himswasthya.registration import notifications
from himswasthya.registration.flow import APPOINTMENT_FLOW
from himswasthya.registration.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Channel,
    FeeExemption,
    SessionDay,
)
from himswasthya.registration.qr import appointment_number_from_qr

PURPOSE = "opd_registration"
BOOKING_ROLES = (Role.CITIZEN, *FACILITY_ROLES, Role.STATE_ADMIN)
COUNTER_ROLES = (*FACILITY_ROLES, Role.STATE_ADMIN)
_QR_PREFIX = "HSOPD:"


class SessionFull(Conflict):
    code = "session_full"


class AlreadyBooked(Conflict):
    code = "already_booked"


def _now() -> datetime.datetime:
    """The local time now (a function so tests can move the clock)."""
    return timezone.localtime()


# --- rules of a date ---------------------------------------------------------------------------------------
def policy_for(facility_id: int) -> OpdPolicy:
    """The facility's OPD policy, or the default one (7 days ahead, cancel until 2 hours before). Cached per
    process for a few seconds (facilities/opd_services.py): read-only."""
    return cached_policy(facility_id)


def session_for_booking(session_id: int) -> OpdSession:
    """The OPD session (with its facility) a booking request names; cached like the policy: read-only."""
    session = cached_session(session_id)
    if session is None:
        raise NotFound(_("Not found."), field="session_id")
    return session


def closure_reason(facility_id: int, department_id: int, date: datetime.date) -> str | None:
    """Why the facility or this department is closed on `date`, or None."""
    return (
        OpdClosure.objects.filter(facility_id=facility_id, date=date)
        .filter(Q(department__isnull=True) | Q(department_id=department_id))
        .order_by(F("department_id").asc(nulls_first=True))
        .values_list("reason", flat=True)
        .first()
    )


def session_starts(date: datetime.date, session: OpdSession | SessionDay) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, session.starts_at))


def _check_bookable(
    session: OpdSession, date: datetime.date, policy: OpdPolicy | None = None, *, closures: bool = True
) -> None:
    """Raise the DomainError that tells why `session` cannot be booked on `date` (closures=False: all but
    the closure look-up, which the one-statement booking makes itself)."""
    if not session.is_active:
        raise DomainError(_("This OPD session is not running."), field="session", code="session_inactive")
    if date.weekday() != session.weekday:
        raise DomainError(
            _("This session runs on %(weekday)s only; choose a date on that day.")
            % {"weekday": session.get_weekday_display()},
            field="date",
            code="wrong_weekday",
        )
    now = _now()
    policy = policy or policy_for(session.facility_id)
    last_day = now.date() + datetime.timedelta(days=policy.booking_window_days)
    if date < now.date() or (date == now.date() and now.time() >= session.ends_at):
        raise DomainError(_("This session is over; choose a later date."), field="date", code="date_past")
    if date > last_day:
        raise DomainError(
            _("Booking opens %(days)s days ahead: choose a date up to %(last)s.")
            % {"days": policy.booking_window_days, "last": last_day.strftime("%d-%m-%Y")},
            field="date",
            code="outside_window",
        )
    if closures:
        _check_not_closed(session, date)


def _check_not_closed(session: OpdSession, date: datetime.date) -> None:
    reason = closure_reason(session.facility_id, session.department_id, date)
    if reason is not None:
        raise DomainError(
            _("The OPD is closed on this date: %(reason)s") % {"reason": reason}, field="date", code="closed"
        )


def _ensure_day(session: OpdSession, date: datetime.date) -> SessionDay:
    """The session day, created with the session's quotas if missing. get_or_create catches the
    create race itself (the loser's INSERT fails on session_day_unique inside a savepoint and it re-reads)."""
    day, _created = SessionDay.objects.get_or_create(
        session=session,
        date=date,
        defaults={
            "facility_id": session.facility_id,
            "department_id": session.department_id,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "online_quota": session.online_quota,
            "walk_in_quota": session.walk_in_quota,
        },
    )
    return day


def do_open_session_day(session: OpdSession, date: datetime.date) -> SessionDay:
    """Open a session on a date (quotas copied); refused if closed, not its weekday or outside the window."""
    _check_bookable(session, date)
    return _ensure_day(session, date)


# --- availability ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionAvailability:
    session_day: SessionDay | None
    session: OpdSession
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    online_left: int
    walk_in_left: int
    closed_reason: str | None


def available_session_days(
    facility: Facility,
    department: Department | None,
    date_from: datetime.date,
    date_to: datetime.date,
) -> list[SessionAvailability]:
    """Every session of the facility (one department, or all) on each date of the range, with the places
    left and, for a date that cannot be booked, why. Dates beyond the booking window are left out."""
    now = _now()
    policy = policy_for(facility.pk)
    date_from = max(date_from, now.date())
    date_to = min(date_to, now.date() + datetime.timedelta(days=policy.booking_window_days))
    if date_to < date_from:
        return []
    sessions = OpdSession.objects.filter(facility=facility, is_active=True).select_related("department")
    if department is not None:
        sessions = sessions.filter(department=department)
    by_weekday: dict[int, list[OpdSession]] = {}
    for session in sessions.order_by("starts_at", "department__name"):
        by_weekday.setdefault(session.weekday, []).append(session)
    days = {
        (d.session_id, d.date): d
        for d in SessionDay.objects.filter(facility=facility, date__range=(date_from, date_to))
    }
    closures: dict[tuple[datetime.date, int | None], str] = {
        (c.date, c.department_id): c.reason
        for c in OpdClosure.objects.filter(facility=facility, date__range=(date_from, date_to))
    }
    found = []
    date = date_from
    while date <= date_to:
        for session in by_weekday.get(date.weekday(), []):
            day = days.get((session.pk, date))
            reason = closures.get((date, None)) or closures.get((date, session.department_id))
            if reason is None and date == now.date() and now.time() >= session.ends_at:
                reason = str(_("This session is over."))
            source: Any = day or session
            found.append(
                SessionAvailability(
                    session_day=day,
                    session=session,
                    date=date,
                    starts_at=source.starts_at,
                    ends_at=source.ends_at,
                    online_left=0 if reason else source.online_quota - (day.online_booked if day else 0),
                    walk_in_left=0 if reason else source.walk_in_quota - (day.walk_in_booked if day else 0),
                    closed_reason=reason,
                )
            )
        date += datetime.timedelta(days=1)
    return found


# --- who may act for whom ----------------------------------------------------------------------------------
def _check_actor_for_facility(actor: Any, facility_id: int, *, citizens: bool = True) -> None:
    require_role(actor, *(BOOKING_ROLES if citizens else COUNTER_ROLES))
    if actor.role != Role.CITIZEN and not may_act_at(actor, facility_id):  # citizens book at any facility
        raise Forbidden(_("You can only register patients at your own facility."))


def _sees_person(actor: Any, person: Person, facility: Facility | None) -> bool:
    """accounts/scoping.py's answer for `person`, decided from loaded fields when the rule allows it: staff of
    `facility` (the booking's, already checked to be theirs) see the people of its district, a state admin
    sees everyone. Anyone else, or a changed Person.scope_paths, asks the database (may_see)."""
    paths = scope_paths_for(Person)
    if facility is not None and paths is not None and paths.facility == "district__facilities":
        if actor.role in FACILITY_ROLES and may_act_at(actor, facility):
            return facility.district_id is not None and person.district_id == facility.district_id
        if actor.role == Role.STATE_ADMIN and Role.STATE_ADMIN in paths.state_roles:
            return True
    return may_see(actor, person)


def _check_person(actor: Any, person: Person, facility: Facility | None = None) -> None:
    if person.merged_into_id:
        raise DomainError(
            _("This record was merged into another one; use that record."),
            field="person",
            code="person_merged",
        )
    if not _sees_person(actor, person, facility):
        # Not 403: the id of a person the actor may not see is not confirmed.
        raise NotFound(_("No such person in your family or area."), field="person")


def _check_fee_exemption(value: str) -> str:
    if value not in FeeExemption.values:
        raise DomainError(_("Unknown fee exemption category."), field="fee_exemption")
    return value


def _contact_mobile(person: Person, actor: Any) -> str | None:
    """The patient's own mobile, else the booking citizen's (a child's or an elder's booking)."""
    if person.mobile:
        return person.mobile
    return actor.mobile if getattr(actor, "role", None) == Role.CITIZEN else None


# --- the token ---------------------------------------------------------------------------------------------
_COUNTERS = {"online": ("online_booked", "online_quota"), "walk_in": ("walk_in_booked", "walk_in_quota")}


def _take_token(
    kind: str, *, day_id: int | None = None, session_id: int | None = None, date: datetime.date | None = None
) -> tuple[int, int] | None:
    """Count one booking and take the next token in one statement; None when the quota is used up (or, by
    session and date, when the day is not opened yet). Holds the session-day row lock until commit."""
    booked, quota = _COUNTERS[kind]
    qn = connection.ops.quote_name
    if day_id is not None:
        where, params = f"{qn('id')} = %s", [day_id]
    else:
        where = f"{qn('session_id')} = %s AND {qn('date')} = %s"
        params = [session_id, connection.ops.adapt_datefield_value(date)]
    sql = (
        f"UPDATE {qn(SessionDay._meta.db_table)} SET {qn(booked)} = {qn(booked)} + 1, "
        f"{qn('last_token')} = {qn('last_token')} + 1 "
        f"WHERE {where} AND {qn(booked)} < {qn(quota)} RETURNING {qn('id')}, {qn('last_token')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else None


def _session_full() -> SessionFull:
    return SessionFull(
        _("This session is fully booked. Please choose another date or session."), field="session"
    )


def appointment_number(date: datetime.date, day_id: int, token: int) -> str:
    """Readable and unique: OPD<yymmdd>-<session day>-<token>, e.g. OPD261125-412-37."""
    return f"OPD{date:%y%m%d}-{day_id}-{token}"


def booked_dates(
    person: Person, department_id: int, dates: Iterable[datetime.date]
) -> dict[datetime.date, str]:
    """The dates among `dates` on which `person` already holds an active appointment in this department, with
    its number: the rule of the appointment_one_active_per_department_day constraint (same ACTIVE_STATUSES),
    so the booking pages can say so when the date is chosen instead of at the last step."""
    rows = Appointment.objects.filter(
        person=person, department_id=department_id, date__in=list(dates), status__in=ACTIVE_STATUSES
    ).values_list("date", "number")
    return dict(rows)


ALREADY_BOOKED = _("This patient already has an appointment in this department on that day.")


def _raise_already_booked(exc: IntegrityError) -> None:
    """AlreadyBooked when `exc` is the one-active-appointment constraint (else return)."""
    text = str(exc)
    if "one_active" in text or "person_id" in text:
        raise AlreadyBooked(ALREADY_BOOKED, field="person") from exc


def _insert_appointment(**fields: Any) -> Appointment:
    try:
        return Appointment.objects.create(**fields)
    except IntegrityError as exc:
        _raise_already_booked(exc)
        raise


def _insert_with_token(
    taken: tuple[int, int], *, date: datetime.date, person: Person, actor: Any, **fields: Any
) -> Appointment:
    """Insert the appointment holding `taken` (session day id, token) and give its patient a UHID if they
    have none yet (`appointment.uhid`)."""
    day_id, token = taken
    appointment = _insert_appointment(
        number=appointment_number(date, day_id, token),
        session_day_id=day_id,
        date=date,
        person=person,
        token_number=token,
        booked_by=actor,
        **fields,
    )
    appointment.uhid = state_uhid(person) or do_issue_uhid(person, actor=actor)  # type: ignore[attr-defined]
    return appointment


def _audit_appointment(action: str, appointment: Appointment, actor: Any, **extra: Any) -> None:
    """The audit row of something done to (or read of) `appointment`, in its facility."""
    record(
        action,
        object_type="registration.Appointment",
        object_id=appointment.pk,
        actor=actor,
        purpose=PURPOSE,
        facility_id=appointment.facility_id,
        **extra,
    )


def _book(
    *,
    actor: Any,
    person: Person,
    session: OpdSession,
    date: datetime.date,
    fee_exemption: str,
    sms_template: str | None,
    audit_action: str = AuditAction.APPOINTMENT_BOOK,
    audit_detail: dict[str, Any] | None = None,
) -> Appointment:
    """The transactional part of a booking (rules already checked). Must run inside an atomic block."""
    taken = _take_token("online", session_id=session.pk, date=date)
    if taken is None:
        day = _ensure_day(session, date)
        taken = _take_token("online", day_id=day.pk)
        if taken is None:
            raise _session_full()
    appointment = _insert_with_token(
        taken,
        date=date,
        person=person,
        actor=actor,
        facility_id=session.facility_id,
        department_id=session.department_id,
        channel=Channel.ONLINE,
        fee_exemption=fee_exemption,
    )
    _audit_appointment(
        audit_action,
        appointment,
        actor,
        district_id=session.facility.district_id,  # the API loads the facility with the session
        detail={
            "number": appointment.number,
            "person": person.pk,
            "channel": Channel.ONLINE.value,
            **(audit_detail or {}),
        },
    )
    if sms_template:
        notifications.queue_appointment_sms(sms_template, appointment, _contact_mobile(person, actor))
    return appointment


def one_statement_booking() -> bool:
    """Whether bookings take the one-statement path (PostgreSQL). Both paths must give the same outcomes and
    rows: tests/test_booking_differential.py proves it with generated booking sequences (turning this off)."""
    return connection.vendor == "postgresql"


def do_book_appointment(
    *,
    actor: Any,
    person: Person,
    session: OpdSession,
    date: datetime.date,
    fee_exemption: str = FeeExemption.NONE,
) -> Appointment:
    """Book an online appointment (online quota): by the citizen for themself or their family, or by staff
    of the facility. All or nothing; the SMS goes out after commit (notifications.py).

    On PostgreSQL the booking is ONE statement (`_book_in_one_statement`); a booking it cannot make (day not
    opened yet, full, closed, a patient without a UHID yet) takes the general path below, which says why."""
    _check_actor_for_facility(actor, session.facility_id)
    fee_exemption = _check_fee_exemption(fee_exemption)
    one_statement = one_statement_booking()
    _check_bookable(session, date, closures=not one_statement)
    facility = session.facility if OpdSession.facility.is_cached(session) else None
    _check_person(actor, person, facility)
    if one_statement:
        appointment = _book_in_one_statement(
            actor=actor, person=person, session=session, date=date, fee_exemption=fee_exemption
        )
        if appointment is not None:
            return appointment
        # Say why, from fresh rows (the session may come from the cache): inactive, closed, or go on.
        session = OpdSession.objects.select_related("facility").get(pk=session.pk)
        _check_bookable(session, date)
    with transaction.atomic():
        return _book(
            actor=actor,
            person=person,
            session=session,
            date=date,
            fee_exemption=fee_exemption,
            sms_template="appointment_booked",
        )


# --- the one-statement booking (PostgreSQL) ----------------------------------------------------------------
# The token UPDATE, the appointment, its audit entry and its SMS outbox row in one statement: one round trip
# and, outside a transaction, no BEGIN/COMMIT (a statement is atomic by itself). The same invariants as the
# general path: the conditional UPDATE holds the session-day row lock until the statement commits, the
# constraints stand behind it, and any failure (e.g. the one-active-appointment constraint) undoes all of it.
# It also refuses a closed date, an inactive session and a patient without a state UHID (issuing one needs
# the district's counter): no row comes back and the caller takes the general path.
_ONE_STATEMENT_SQL: dict[bool, tuple[str, list[Any]]] = {}


def _insert_select(
    model: Any, source: str, computed: dict[str, str], returning: str
) -> tuple[str, list[Any]]:
    """INSERT INTO <model> (<every column>) SELECT ... FROM <source>: a column in `computed` takes that SQL
    expression (with %s: around the instance's value), every other one the instance's value as a parameter.
    Returns the SQL and the fields whose values fill its parameters, in order."""
    qn = connection.ops.quote_name
    columns, values, fields = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(qn(f.column))
        if f.attname in computed:
            values.append(computed[f.attname])
            if "%s" in computed[f.attname]:  # an expression around the field's own value
                fields.append(f)
        else:
            values.append("%s")
            fields.append(f)
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source} RETURNING {returning}"
    )
    return sql, fields


def _one_statement_sql(with_sms: bool) -> tuple[str, list[Any]]:
    """The statement (built once per process) and the fields whose values fill its parameters, in order:
    (None, name) for the booking's own parameters."""
    if with_sms in _ONE_STATEMENT_SQL:
        return _ONE_STATEMENT_SQL[with_sms]
    qn = connection.ops.quote_name
    day_t, closure_t, session_t = (
        qn(SessionDay._meta.db_table),
        qn(OpdClosure._meta.db_table),
        qn(OpdSession._meta.db_table),
    )
    ident_t = qn(PersonIdentifier._meta.db_table)
    appointment_sql, appointment_fields = _insert_select(
        Appointment,
        "day",
        {
            "number": "'OPD' || to_char(day.date, 'YYMMDD') || '-' || day.id || '-' || day.last_token",
            "session_day_id": "day.id",
            "token_number": "day.last_token",
        },
        "id, number, token_number, session_day_id",
    )
    audit_sql, audit_fields = _insert_select(
        AuditEntry,
        "appt",
        {
            "object_id": "appt.id::text",
            "detail": "jsonb_build_object('number', appt.number) || %s",
        },
        "id",
    )
    sms_sql, sms_fields = _insert_select(
        SmsOutbox,
        "appt",
        {
            "subject_id": "appt.id",
            "variables": "jsonb_build_object('number', appt.number, 'token', appt.token_number)",
        },
        "id",
    )
    sql = f"""WITH uhid AS (
    SELECT {qn("value")} FROM {ident_t} WHERE {qn("person_id")} = %s AND {qn("id_type")} = %s
       AND {qn("issuer")} = %s AND {qn("source")} = %s ORDER BY {qn("id")} LIMIT 1
), day AS (
    UPDATE {day_t} AS sd SET {qn("online_booked")} = sd.{qn("online_booked")} + 1,
           {qn("last_token")} = sd.{qn("last_token")} + 1
     WHERE sd.{qn("session_id")} = %s AND sd.{qn("date")} = %s
       AND sd.{qn("online_booked")} < sd.{qn("online_quota")}
       AND EXISTS (SELECT 1 FROM uhid)
       AND EXISTS (
           SELECT 1 FROM {session_t} s WHERE s.{qn("id")} = sd.{qn("session_id")} AND s.{qn("is_active")})
       AND NOT EXISTS (
           SELECT 1 FROM {closure_t} c
            WHERE c.{qn("facility_id")} = sd.{qn("facility_id")} AND c.{qn("date")} = sd.{qn("date")}
              AND (c.{qn("department_id")} IS NULL OR c.{qn("department_id")} = sd.{qn("department_id")}))
    RETURNING sd.{qn("id")} AS id, sd.{qn("last_token")} AS last_token, sd.{qn("date")} AS date
), appt AS ({appointment_sql}
), audit AS ({audit_sql}
){f", sms AS ({sms_sql})" if with_sms else ""}
SELECT appt.id, appt.session_day_id, appt.token_number, appt.number, (SELECT {qn("value")} FROM uhid),
       {"(SELECT id FROM sms)" if with_sms else "NULL"}
  FROM appt"""
    fields: list[Any] = [
        (None, "person_id"),
        (None, "id_type"),
        (None, "issuer"),
        (None, "source"),
        (None, "session_id"),
        (None, "date"),
        *[("appointment", f) for f in appointment_fields],
        *[("audit", f) for f in audit_fields],
        *([("sms", f) for f in sms_fields] if with_sms else []),
    ]
    _ONE_STATEMENT_SQL[with_sms] = (sql, fields)
    return sql, fields


def _book_in_one_statement(
    *, actor: Any, person: Person, session: OpdSession, date: datetime.date, fee_exemption: str
) -> Appointment | None:
    """The booking as one statement; None when it cannot be made that way (nothing was written then)."""
    appointment = Appointment(
        session_day_id=None,
        facility_id=session.facility_id,
        department_id=session.department_id,
        date=date,
        person=person,
        channel=Channel.ONLINE,
        fee_exemption=fee_exemption,
        booked_by=actor,
    )
    district_id = session.facility.district_id if OpdSession.facility.is_cached(session) else None
    entry = build_entry(
        AuditAction.APPOINTMENT_BOOK,
        object_type="registration.Appointment",
        object_id="0",
        actor=actor,
        purpose=PURPOSE,
        facility_id=session.facility_id,
        district_id=district_id,
        detail={"person": person.pk, "channel": Channel.ONLINE.value},  # + "number", set by the statement
    )
    mobile = _contact_mobile(person, actor)
    sms = (
        outbox.outbox_row("appointment_booked", mobile=mobile, variables={}, subject=appointment)
        if mobile
        else None
    )
    sql, fields = _one_statement_sql(sms is not None)
    own = {
        "person_id": person.pk,
        "id_type": IdentifierType.UHID.value,
        "issuer": uhids.ISSUER,
        "source": uhids.SOURCE_ISSUED,
        "session_id": session.pk,
        "date": date,
    }
    instances = {"appointment": appointment, "audit": entry, "sms": sms}
    params = [
        own[f] if kind is None else f.get_db_prep_save(f.pre_save(instances[kind], True), connection)
        for kind, f in fields
    ]
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: a refusal must not break the caller's transaction
                row = _fetch_one(sql, params)
        else:
            row = _fetch_one(sql, params)  # autocommit: the statement is its own transaction
    except IntegrityError as exc:
        _raise_already_booked(exc)
        raise
    if row is None:
        return None
    appointment.pk, appointment.session_day_id, appointment.token_number, appointment.number = row[:4]
    appointment._state.adding, appointment._state.db = False, "default"
    appointment.uhid = row[4]  # type: ignore[attr-defined]
    schedule_sealing()
    if sms is not None:
        sms.pk, sms.subject_id = row[5], appointment.pk
        sms.variables = {"number": appointment.number, "token": appointment.token_number}
        sms._state.adding, sms._state.db = False, "default"
        outbox.after_commit(sms)
    return appointment


def _fetch_one(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# --- walk-ins, scan and share ------------------------------------------------------------------------------
def do_register_walk_in(
    *,
    actor: Any,
    person: Person,
    facility: Facility,
    department: Department,
    fee_exemption: str = FeeExemption.NONE,
    channel: str = Channel.WALK_IN,
) -> Appointment:
    """A patient at the counter (or by ABHA scan and share): today's running session, else the next one,
    that has walk-in places left; checked in at once."""
    _check_actor_for_facility(actor, facility.pk, citizens=False)
    fee_exemption = _check_fee_exemption(fee_exemption)
    if channel not in (Channel.WALK_IN, Channel.SCAN_SHARE):
        raise DomainError(_("Unknown registration channel."), field="channel")
    _check_person(actor, person)
    now = _now()
    today = now.date()
    reason = closure_reason(facility.pk, department.pk, today)
    if reason is not None:
        raise DomainError(
            _("The OPD is closed today: %(reason)s") % {"reason": reason}, field="department", code="closed"
        )
    sessions = list(
        OpdSession.objects.filter(
            facility=facility,
            department=department,
            weekday=today.weekday(),
            is_active=True,
            ends_at__gt=now.time(),
        ).order_by("starts_at")
    )
    if not sessions:
        raise DomainError(
            _("This department has no more OPD sessions today."), field="department", code="no_session_today"
        )
    with transaction.atomic():
        for session in sessions:
            day = _ensure_day(session, today)
            taken = _take_token("walk_in", day_id=day.pk)
            if taken is not None:
                break
        else:
            raise SessionFull(_("All walk-in places of this department are taken today."), field="department")
        appointment = _insert_with_token(
            taken,
            date=today,
            person=person,
            actor=actor,
            facility_id=facility.pk,
            department_id=department.pk,
            channel=channel,
            status=AppointmentStatus.CHECKED_IN,
            checked_in_at=timezone.now(),
            fee_exemption=fee_exemption,
        )
        _audit_appointment(
            AuditAction.APPOINTMENT_WALK_IN,
            appointment,
            actor,
            detail={
                "number": appointment.number,
                "person": person.pk,
                "channel": str(channel),
                "fee_exemption": fee_exemption,
            },
        )
        if channel == Channel.SCAN_SHARE:
            notifications.queue_appointment_sms("scan_share_token", appointment, person.mobile)
    return appointment


# --- at the counter ----------------------------------------------------------------------------------------
def find_appointment_for_counter(actor: Any, number_or_qr: str) -> Appointment:
    """The appointment of a typed number or a scanned slip QR, within the clerk's facility (audited read)."""
    require_role(actor, *COUNTER_ROLES)
    text = (number_or_qr or "").strip()
    if not text:
        raise DomainError(_("Type the appointment number or scan the slip."), field="number")
    number = appointment_number_from_qr(text) if text.startswith(_QR_PREFIX) else text.upper()
    appointment = get_scoped_or_not_found(
        actor,
        Appointment.objects.select_related("person", "department", "facility", "session_day"),
        number=number,
    )
    _audit_appointment(AuditAction.APPOINTMENT_READ, appointment, actor)
    return appointment


def _scoped(actor: Any, appointment: Appointment) -> Appointment:
    """Re-read the appointment through the actor's scope (NotFound for anything else)."""
    appointments = Appointment.objects.select_related("person", "session_day")
    found = scope_queryset(actor, appointments).filter(pk=appointment.pk).first()
    if found is None:
        raise NotFound(_("No such appointment."), field="number")
    return found


def do_check_in(*, actor: Any, appointment: Appointment) -> Appointment:
    """The patient of an online booking has arrived (today, at this facility)."""
    _check_actor_for_facility(actor, appointment.facility_id, citizens=False)
    appointment = _scoped(actor, appointment)
    today = _now().date()
    APPOINTMENT_FLOW.check("check_in", appointment.status)
    if appointment.date != today:
        raise DomainError(
            _("This appointment is for %(date)s, not today.")
            % {"date": appointment.date.strftime("%d-%m-%Y")},
            field="number",
            code="not_today",
        )
    now = timezone.now()
    with transaction.atomic():
        changed = Appointment.objects.filter(
            pk=appointment.pk, status__in=APPOINTMENT_FLOW.sources("check_in")
        ).update(status=AppointmentStatus.CHECKED_IN, checked_in_at=now)
        if not changed:
            raise Conflict(_("This appointment was changed meanwhile."), field="number", code="not_booked")
        _audit_appointment(AuditAction.APPOINTMENT_CHECK_IN, appointment, actor)
    appointment.status, appointment.checked_in_at = AppointmentStatus.CHECKED_IN, now
    return appointment


# --- cancel and reschedule ---------------------------------------------------------------------------------
def _check_may_cancel(actor: Any, appointment: Appointment) -> None:
    if actor.role == Role.CITIZEN:
        APPOINTMENT_FLOW.check("cancel_online", appointment.status)
        policy = policy_for(appointment.facility_id)
        starts = session_starts(appointment.date, appointment.session_day)
        cutoff = starts - datetime.timedelta(minutes=policy.cancellation_cutoff_minutes)
        if _now() >= cutoff:
            raise DomainError(
                _("Online changes close %(minutes)s minutes before the session; please contact the counter.")
                % {"minutes": policy.cancellation_cutoff_minutes},
                field="number",
                code="after_cutoff",
            )
    else:
        _check_actor_for_facility(actor, appointment.facility_id, citizens=False)
        APPOINTMENT_FLOW.check("cancel", appointment.status)


def _cancel_locked(actor: Any, appointment: Appointment) -> None:
    """Cancel inside a transaction that holds the session-day lock. Frees the quota place; the token is
    kept by the cancelled appointment (tokens are never reused)."""
    allowed = APPOINTMENT_FLOW.sources("cancel_online" if actor.role == Role.CITIZEN else "cancel")
    changed = Appointment.objects.filter(pk=appointment.pk, status__in=allowed).update(
        status=AppointmentStatus.CANCELLED, cancelled_at=timezone.now()
    )
    if not changed:
        raise Conflict(_("This appointment was changed meanwhile."), field="number", code="not_active")
    counter = "online_booked" if appointment.channel == Channel.ONLINE else "walk_in_booked"
    SessionDay.objects.filter(pk=appointment.session_day_id).update(**{counter: F(counter) - 1})
    appointment.status = AppointmentStatus.CANCELLED


def do_cancel_appointment(*, actor: Any, appointment: Appointment) -> Appointment:
    """Cancel: a citizen until the policy's cut-off, staff of the facility at any time."""
    require_role(actor, *BOOKING_ROLES)
    appointment = _scoped(actor, appointment)
    _check_may_cancel(actor, appointment)
    with transaction.atomic():
        SessionDay.objects.select_for_update().filter(pk=appointment.session_day_id).first()
        _cancel_locked(actor, appointment)
        _audit_appointment(
            AuditAction.APPOINTMENT_CANCEL, appointment, actor, detail={"number": appointment.number}
        )
        notifications.queue_appointment_sms(
            "appointment_cancelled", appointment, _contact_mobile(appointment.person, actor)
        )
    return appointment


def do_reschedule_appointment(
    *, actor: Any, appointment: Appointment, session: OpdSession, date: datetime.date
) -> Appointment:
    """Move a booked appointment to another session or date: cancel and book in one transaction, so the
    patient never ends up with both or neither. The new booking gets a new number and token."""
    require_role(actor, *BOOKING_ROLES)
    appointment = _scoped(actor, appointment)
    _check_may_cancel(actor, appointment)
    APPOINTMENT_FLOW.check("reschedule", appointment.status)
    if session.pk == appointment.session_day.session_id and date == appointment.date:
        raise DomainError(_("This is the same session and date."), field="date", code="same_session")
    _check_actor_for_facility(actor, session.facility_id)
    _check_bookable(session, date)
    person = appointment.person
    with transaction.atomic():
        new_day = _ensure_day(session, date)
        # Both session days locked in id order: two reschedules crossing each other cannot deadlock.
        list(
            SessionDay.objects.select_for_update()
            .filter(pk__in=[appointment.session_day_id, new_day.pk])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _cancel_locked(actor, appointment)
        return _book(
            actor=actor,
            person=person,
            session=session,
            date=date,
            fee_exemption=appointment.fee_exemption,
            sms_template="appointment_rescheduled",
            audit_action=AuditAction.APPOINTMENT_RESCHEDULE,
            audit_detail={"from_number": appointment.number},
        )


# --- reads -------------------------------------------------------------------------------------------------
def appointments_of(actor: Any) -> Any:
    """The appointments the actor may see (a citizen: their family's), newest date first."""
    require_role(actor, *BOOKING_ROLES, Role.DISTRICT_OFFICER)
    return scope_queryset(
        actor, Appointment.objects.select_related("person", "facility", "department", "session_day")
    ).order_by("-date", "token_number")


def get_appointment(actor: Any, number: str) -> Appointment:
    """One appointment by number, within the actor's scope (audited read)."""
    appointment = get_scoped_or_not_found(
        actor,
        appointments_of(actor),
        number=(number or "").strip().upper(),
    )
    _audit_appointment(AuditAction.APPOINTMENT_READ, appointment, actor)
    return appointment
