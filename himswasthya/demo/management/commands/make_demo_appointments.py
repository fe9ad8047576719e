"""Demo data: open today's and tomorrow's OPD session days at the demo clerk's facility and book a few
appointments for people of the demo population. Safe to run again (people already booked are skipped)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from himswasthya.accounts.models import User
from himswasthya.core.errors import DomainError
from himswasthya.facilities.models import OpdSession
from himswasthya.people.models import Person
from himswasthya.registration import services


class Command(BaseCommand):
    help = "Open today's and tomorrow's OPD sessions at the demo facility and book a few demo appointments."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--per-session", type=int, default=5, help="Appointments per session day.")
        parser.add_argument("--clerk", default="demo.clerk", help="The clerk whose facility is used.")

    def handle(self, *args, **options) -> None:
        clerk = User.objects.filter(username=options["clerk"]).select_related("facility").first()
        if clerk is None or clerk.facility is None:
            raise CommandError("No demo clerk with a facility: run `manage.py make_demo_users` first.")
        facility = clerk.facility
        if not OpdSession.objects.filter(facility=facility, is_active=True).exists():
            self.stdout.write(f"No OPD sessions at {facility.code} (run make_opd_schedules); skipped.")
            return
        people = Person.objects.filter(district_id=facility.district_id, merged_into__isnull=True)
        candidates = iter(list(people.order_by("pk")[:500]))
        today = services._now().date()
        opened = booked = 0
        for date in (today, today + datetime.timedelta(days=1)):
            sessions = OpdSession.objects.filter(facility=facility, weekday=date.weekday(), is_active=True)
            for session in sessions.select_related("department"):
                try:
                    services.do_open_session_day(session, date)
                except DomainError as error:
                    self.stdout.write(f"{session} on {date}: {error.message}")
                    continue
                opened += 1
                booked += self._book(clerk, session, date, candidates, options["per_session"])
        self.stdout.write(
            self.style.SUCCESS(f"{opened} session days open at {facility.code}; {booked} appointments made.")
        )

    def _book(self, clerk: User, session: OpdSession, date: datetime.date, candidates, wanted: int) -> int:
        done = 0
        for person in candidates:
            if done >= wanted:
                break
            try:
                services.do_book_appointment(actor=clerk, person=person, session=session, date=date)
            except DomainError as error:
                if error.code == "session_full":
                    break
                continue  # already booked in this department that day, etc.
            done += 1
        return done
