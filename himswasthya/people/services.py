"""Patient-index operations. For now: aggregate counts, safe to show to any signed-in user."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q

from himswasthya.people.models import IdentifierType, Person, PersonIdentifier

# SEC-4 (our choice): counts below this are suppressed so that no one can be singled out.
SMALL_CELL = 5


def _suppress(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


def people_stats(today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per district: people, by sex, children and elderly, ABHA holders. Cells under 5 come back as None."""
    year = (today or datetime.date.today()).year
    rows = (
        Person.objects.values("district_id", "district__name", "district__name_hi")
        .annotate(
            people=Count("id"),
            female=Count("id", filter=Q(sex="F")),
            male=Count("id", filter=Q(sex="M")),
            other=Count("id", filter=Q(sex="O")),
            children=Count("id", filter=Q(year_of_birth__gt=year - 15)),
            elderly=Count("id", filter=Q(year_of_birth__lte=year - 60)),
        )
        .order_by("district__name")
    )
    abha = dict(
        PersonIdentifier.objects.filter(id_type=IdentifierType.ABHA_NUMBER)
        .values("person__district_id")
        .annotate(n=Count("id"))
        .values_list("person__district_id", "n")
    )
    stats = []
    for row in rows:
        counts = {k: row[k] for k in ("people", "female", "male", "other", "children", "elderly")}
        counts["with_abha"] = abha.get(row["district_id"], 0)
        stats.append(
            {
                "district_id": row["district_id"],
                "district": row["district__name"],
                "district_hi": row["district__name_hi"],
                **{k: _suppress(v) for k, v in counts.items()},
            }
        )
    return stats
