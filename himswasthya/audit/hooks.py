"""What the audit log needs from apps above it, filled in by those apps (audit imports none of them).

`audit` sits at the bottom of the dependency order (architecture.md): it may not import `facilities` or
`places`, nor look their models up by name. An app above fills a hook in its `AppConfig.ready()`:

- `facilities` sets `district_of_facility` - an entry recorded at a facility gets that facility's district;
- `places` sets `district_names` - the audit viewer shows district names instead of ids.

Until a hook is filled (the app is not installed) the answer is "unknown": no district, no names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


def _no_district(facility_id: int) -> int | None:
    return None


def _no_names(district_ids: Iterable[int]) -> dict[int, str]:
    return {}


@dataclass
class AuditHooks:
    district_of_facility: Callable[[int], int | None] = _no_district
    district_names: Callable[[Iterable[int]], dict[int, str]] = _no_names


# The one instance: `hooks.district_of_facility = ...` in the providing app's ready().
hooks = AuditHooks()
