"""What the ABDM HIP role needs from apps above abdm, filled in by those apps (abdm imports none of them).

`abdm` sits below `records` (architecture.md). `records` fills these in its `AppConfig.ready()`
(records/hip.py):

- `care_contexts_for(person)` - the person's care contexts: one per signed visit or admission, with a
  reference that stays the same across corrections, a display text, the HI type, the facility and the date;
- `documents_for(person, references, date_from, date_to)` - the FHIR document bundle (JSON bytes) of each of
  those care contexts whose date falls in the range; an unknown reference is left out.

Until they are filled (records is not installed) a person has no care contexts and no documents.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CareContextInfo:
    reference: str  # stable, unique within our HIPs: what ABDM stores and sends back
    display: str  # what the PHR app shows, e.g. "OPD 31-01-2025"
    hi_type: str  # OPConsultation, Prescription, DischargeSummary ...
    facility_id: int  # the facility whose HIP id the care context belongs to
    date: datetime.date


@dataclass(frozen=True)
class HealthDocument:
    reference: str  # the care context's reference
    hi_type: str
    content: bytes  # FHIR JSON (a document Bundle), UTF-8


def _no_care_contexts(person: Any) -> list[CareContextInfo]:
    return []


def _no_documents(
    person: Any,
    references: Sequence[str],
    date_from: datetime.datetime | None,
    date_to: datetime.datetime | None,
) -> list[HealthDocument]:
    return []


@dataclass
class HipHooks:
    care_contexts_for: Callable[[Any], list[CareContextInfo]] = _no_care_contexts
    documents_for: Callable[..., list[HealthDocument]] = _no_documents


# The one instance: `hooks.care_contexts_for = ...` in the providing app's ready().
hooks = HipHooks()
