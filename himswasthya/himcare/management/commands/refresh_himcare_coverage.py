"""Recompute the HIMCARE panchayat coverage table (PanchayatCoverage) for a scheme year; run nightly."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from himswasthya.himcare.coverage import mapping


class Command(BaseCommand):
    help = "Recompute the HIMCARE coverage figures of every gram panchayat for a scheme year."

    def add_arguments(self, parser):
        parser.add_argument("--scheme-year", default="", help="Scheme year code (default: the one in force).")

    def handle(self, *args, **options):
        year = mapping.scheme_year_for(options["scheme_year"] or None)
        started = time.perf_counter()
        rows = mapping.refresh_coverage(year)
        self.stdout.write(
            f"HIMCARE coverage {year.code}: {rows} gram panchayats in {time.perf_counter() - started:.2f} s"
        )
