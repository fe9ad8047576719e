"""SMS about appointments: the appointment's number and token, queued through the `notify` outbox in the
booking's transaction and sent after commit (see `himswasthya/notify/outbox.py` for who sends and retries)."""

from __future__ import annotations

from himswasthya.notify.models import SmsOutbox
from himswasthya.notify.outbox import queue_sms
from himswasthya.registration.models import Appointment


def queue_appointment_sms(template: str, appointment: Appointment, mobile: str | None) -> SmsOutbox | None:
    return queue_sms(
        template,
        mobile=mobile,
        variables={"number": appointment.number, "token": appointment.token_number},
        subject=appointment,
    )
