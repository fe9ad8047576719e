"""The synthetic population: `do_make_population` generates families over every loaded gram panchayat and
writes them in batches (one transaction per batch). Behind `manage.py make_population` and the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from himswasthya.core.errors import Conflict, DomainError
from himswasthya.demo.population.generator import GpSlot, generate_families
from himswasthya.demo.population.writer import batched, delete_synthetic, write_batch
from himswasthya.himparivar.bulk import writer_for_connection
from himswasthya.himparivar.models import Family
from himswasthya.people.models import Person
from himswasthya.places.models import GramPanchayat


@dataclass(frozen=True)
class PopulationResult:
    people: int
    families: int
    identifiers: int
    seconds: float


def gram_panchayat_slots() -> list[GpSlot]:
    """Every loaded gram panchayat in a stable order (by id), with its district and block."""
    rows = GramPanchayat.objects.select_related("district", "block").order_by("id")
    return [
        GpSlot(
            gp_id=gp.pk,
            gp_name=gp.name.strip(),
            district_id=gp.district_id,
            district_name=gp.district.name,
            district_lgd=gp.district.lgd_code,
            block_id=gp.block_id,
            block_name=gp.block.name if gp.block else "",
        )
        for gp in rows
    ]


def do_make_population(
    people: int,
    *,
    seed: int,
    batch_people: int = 5000,
    replace: bool = False,
    fast_writer: bool = True,
    on_batch: Callable[[int], Any] | None = None,
) -> PopulationResult:
    """Create `people` synthetic people in families over all loaded gram panchayats.

    Refuses to run on top of an existing synthetic population (ids would repeat for the same seed) unless
    `replace` is set, which deletes the synthetic population first. One transaction per batch.
    """
    if people < 1:
        raise DomainError(_("Ask for at least one person."), field="people")
    if batch_people < 1:
        raise DomainError(_("The batch size must be at least one."), field="batch")
    gps = gram_panchayat_slots()
    if not gps:
        raise DomainError(
            _("No gram panchayats are loaded. Run `manage.py load_places` first."),
            field="places",
            code="no_places",
        )
    existing = (
        Person.objects.filter(is_synthetic=True).count() + Family.objects.filter(is_synthetic=True).count()
    )
    if existing and not replace:
        raise Conflict(
            _("A synthetic population already exists. Use --replace to delete it and start afresh."),
            code="population_exists",
        )
    if existing:
        delete_synthetic()
    started = time.perf_counter()
    writer = writer_for_connection(fast=fast_writer)
    families = identifiers = written = 0
    for batch in batched(generate_families(people, gps, seed), batch_people):
        batch_people_written, batch_identifiers = write_batch(writer, batch)
        written += batch_people_written
        identifiers += batch_identifiers
        families += len(batch)
        if on_batch:
            on_batch(batch_people_written)
    return PopulationResult(written, families, identifiers, time.perf_counter() - started)
