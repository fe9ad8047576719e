"""SMS about appointments, through an outbox: queued in the booking's transaction, sent after commit.

A gateway that is down never undoes a booking: the row stays pending with a growing back-off and
`manage.py send_pending_sms` (cron, every minute) retries it. A message that DLT rules refuse is marked failed
at once (retrying cannot help). `last_error` keeps the error class only, never the text or the mobile.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from himswasthya.accounts.sms import SmsDeliveryError, SmsError, SmsRefused, send_sms
from himswasthya.registration.models import Appointment, SmsOutbox, SmsStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)
FIRST_RETRY = timedelta(minutes=1)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the n-th failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _localised(template: str) -> str:
    return f"{template}_hi" if (translation.get_language() or "").startswith("hi") else template


def queue_sms(
    template: str, *, mobile: str | None, variables: dict[str, Any], appointment: Appointment | None = None
) -> SmsOutbox | None:
    """Queue one SMS in the caller's transaction (in the current language) and send it after commit."""
    if not mobile:
        return None
    row = SmsOutbox.objects.create(
        template_key=_localised(template),
        variables=variables,
        mobile=mobile,
        appointment=appointment,
        # The after-commit send owns the row for its first minute; the cron run picks it up only after that
        # (a process that died before sending), so the hot path needs no claim query.
        attempts=1,
        next_attempt_at=timezone.now() + FIRST_RETRY,
    )
    transaction.on_commit(lambda: _attempt(row), robust=True)
    return row


def queue_appointment_sms(template: str, appointment: Appointment, mobile: str | None) -> SmsOutbox | None:
    return queue_sms(
        template,
        mobile=mobile,
        variables={"number": appointment.number, "token": appointment.token_number},
        appointment=appointment,
    )


def send_outbox_row(row_id: int) -> str:
    """Try one pending message now; returns its new status. Claimed with a conditional update, so the
    after-commit send and a concurrent `send_pending_sms` never both send it."""
    now = timezone.now()
    claimed = SmsOutbox.objects.filter(pk=row_id, status=SmsStatus.PENDING, next_attempt_at__lte=now).update(
        attempts=F("attempts") + 1, next_attempt_at=now + MAX_BACKOFF
    )
    if not claimed:
        return SmsOutbox.objects.filter(pk=row_id).values_list("status", flat=True).first() or ""
    return _attempt(SmsOutbox.objects.get(pk=row_id))


def _attempt(row: SmsOutbox) -> str:
    """Send `row` (already counted in `attempts`) and write the outcome in one UPDATE."""
    now = timezone.now()
    try:
        send_sms(row.mobile, row.template_key, **row.variables)
    except SmsRefused as exc:
        return _mark(row, SmsStatus.FAILED, f"refused: {type(exc).__name__}")
    except (SmsDeliveryError, SmsError, OSError) as exc:
        status = SmsStatus.FAILED if row.attempts >= MAX_ATTEMPTS else SmsStatus.PENDING
        logger.warning(
            "SMS outbox row %s not sent (attempt %s): %s", row.pk, row.attempts, type(exc).__name__
        )
        return _mark(row, status, _error_text(exc), next_attempt_at=now + backoff(row.attempts))
    return _mark(row, SmsStatus.SENT, "", sent_at=timezone.now())


def _error_text(exc: Exception) -> str:
    # SmsDeliveryError messages are written without personal data ("SMS gateway answered HTTP 503").
    text = str(exc) if isinstance(exc, SmsDeliveryError) else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__


def _mark(row: SmsOutbox, status: str, error: str, **fields: Any) -> str:
    SmsOutbox.objects.filter(pk=row.pk).update(status=status, last_error=error, **fields)
    return status


def due_rows(now=None):
    now = now or timezone.now()
    return SmsOutbox.objects.filter(Q(status=SmsStatus.PENDING) & Q(next_attempt_at__lte=now)).order_by("id")


def send_pending(*, limit: int = 500) -> dict[str, int]:
    """Retry the due pending messages (oldest first); counts by resulting status."""
    counts = {SmsStatus.SENT.value: 0, SmsStatus.PENDING.value: 0, SmsStatus.FAILED.value: 0}
    for row_id in list(due_rows().values_list("id", flat=True)[:limit]):
        status = send_outbox_row(row_id)
        if status in counts:
            counts[status] += 1
    return counts
