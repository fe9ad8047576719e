"""HIMCARE demo, last part: the periodic jobs the README lists, run as they would have run over the demo's
history (escalation of overdue pre-authorisations every 15 minutes, expiry of ended enrolments)."""

from __future__ import annotations

from himswasthya.demo.himcare.claims import replay_escalations
from himswasthya.himcare.enrolment.services import expire_enrolments


def make_demo(stdout) -> None:
    escalations = replay_escalations()
    expired = expire_enrolments()
    stdout.write(
        f"  jobs: pre-authorisations escalated {escalations['escalated']} times "
        f"({escalations['deemed_approved']} deemed approved); enrolments expired: {expired}"
    )
