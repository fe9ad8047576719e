"""SMS through an outbox: queued in the caller's transaction, sent after commit.

Who sends it depends on `settings.SMS_SEND_IN_REQUEST`: when true (DEBUG, DEMO_MODE or the console backend,
so a demo user sees the SMS at once) the request sends it right after commit; when false (production, the
benchmark) the row is due at once and `manage.py send_pending_sms` sends it, so the request never waits for
the gateway and issues no outbox UPDATE. Either way a gateway that is down never undoes the caller's work:
the row stays pending with a growing back-off and `send_pending_sms` retries it. A message that DLT rules
refuse is marked failed at once (retrying cannot help). `last_error` keeps the error class only, never the
text or the mobile.

The language of an SMS is the one its recipient chose (`hooks.language_of_mobile`, filled by accounts, which
sits above notify); without an answer the message goes in the current language (the page's, or English in a
command).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from himswasthya.notify.hooks import hooks
from himswasthya.notify.models import SmsOutbox, SmsStatus, subject_label
from himswasthya.notify.sms import SmsDeliveryError, SmsError, SmsRefused, send_sms

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)
FIRST_RETRY = timedelta(minutes=1)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the n-th failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _localised(template: str, mobile: str) -> str:
    """`<template>_hi` when the recipient chose Hindi, or chose nothing and the current language is Hindi."""
    language = hooks.language_of_mobile(mobile) or translation.get_language() or ""
    return f"{template}_hi" if language.startswith("hi") else template


def send_in_request() -> bool:
    """Send right after commit in the request (demo) or leave it to `send_pending_sms` (production)."""
    return bool(settings.SMS_SEND_IN_REQUEST)


def outbox_row(
    template: str, *, mobile: str, variables: dict[str, Any], subject: models.Model | None = None
) -> SmsOutbox:
    """The unsaved outbox row of one SMS (in the recipient's language, see above) about `subject` (any model
    instance; its primary key may still be unset, for a caller that fills `subject_id` in SQL). When the
    request sends it, the request owns the row for its first minute and the cron run picks it up only after
    that (a process that died before sending), so the hot path needs no claim query; otherwise it is due for
    the sender at once."""
    now = timezone.now()
    in_request = send_in_request()
    return SmsOutbox(
        template_key=_localised(template, mobile),
        variables=variables,
        mobile=mobile,
        subject_type=subject_label(subject) if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        attempts=1 if in_request else 0,
        next_attempt_at=now + FIRST_RETRY if in_request else now,
    )


def after_commit(row: SmsOutbox) -> None:
    """Send a saved outbox row after the transaction commits, when the request sends (send_in_request)."""
    if row.attempts and send_in_request():
        transaction.on_commit(lambda: _attempt(row), robust=True)


def queue_sms(
    template: str, *, mobile: str | None, variables: dict[str, Any], subject: models.Model | None = None
) -> SmsOutbox | None:
    """Queue one SMS in the caller's transaction (in the recipient's language); sent after commit."""
    if not mobile:
        return None
    row = outbox_row(template, mobile=mobile, variables=variables, subject=subject)
    row.save(force_insert=True)
    after_commit(row)
    return row


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
