"""The appointment's state machine: what may happen to an appointment in which status (core.statemachine).

booked -> checked_in (arrival) -> called (the doctor's call) -> completed | no_show; called -> checked_in
(sent back); booked | checked_in -> cancelled. Each rule keeps the wording and error code users see.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from himswasthya.core.statemachine import StateMachine, Transition, choice_labels
from himswasthya.registration.models import AppointmentStatus

S = AppointmentStatus
_NO_SHOW_RULE = _(
    "Only a called or waiting patient can be marked as not present; this appointment is %(status)s."
)

APPOINTMENT_FLOW = StateMachine(
    {
        "check_in": Transition(
            sources={S.BOOKED},
            targets={S.CHECKED_IN},
            rule=_("This appointment is %(status)s; it cannot be checked in."),
            field="number",
            code="not_booked",
        ),
        # A citizen changes a booking online only before arrival; staff also cancel a checked-in one.
        "cancel_online": Transition(
            sources={S.BOOKED},
            targets={S.CANCELLED},
            rule=_("Only a booked appointment can be cancelled or moved online."),
            field="number",
            code="not_booked",
        ),
        "cancel": Transition(
            sources={S.BOOKED, S.CHECKED_IN},
            targets={S.CANCELLED},
            rule=_("This appointment is %(status)s; it cannot be cancelled."),
            field="number",
            code="not_active",
        ),
        "reschedule": Transition(
            sources={S.BOOKED},
            targets={S.CANCELLED},  # the old appointment; the new one is booked
            rule=_("Only a booked appointment can be moved."),
            field="number",
            code="not_booked",
        ),
        "call": Transition(
            sources={S.CHECKED_IN},
            targets={S.CALLED},
            rule=_("Only a waiting patient can be called; this appointment is %(status)s."),
            code="queue_transition",
            system=True,  # the next waiting token is called; never offered for one appointment
        ),
        "complete": Transition(
            sources={S.CALLED},
            targets={S.COMPLETED},
            rule=_("Only a called patient can be marked as seen; this appointment is %(status)s."),
            code="queue_transition",
        ),
        "no_show": Transition(
            sources={S.CALLED, S.CHECKED_IN},
            targets={S.NO_SHOW},
            rule=_NO_SHOW_RULE,
            code="queue_transition",
        ),
        "send_back": Transition(
            sources={S.CALLED},
            targets={S.CHECKED_IN},
            rule=_("Only a called patient can be sent back to the queue; this appointment is %(status)s."),
            code="queue_transition",
        ),
    },
    status_label=choice_labels(AppointmentStatus),
)
