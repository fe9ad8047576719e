"""What records gives the ABDM HIP role (abdm.hooks, filled in apps.py): care contexts and their documents.

A care context is a signed encounter - an OPD visit (hiType OPConsultation) or an admission
(DischargeSummary). Its reference is `ENC-<id of the first version>`, so a correction keeps the care context
ABDM holds and the documents sent are always the newest signed version. The display is "OPD 31-01-2025" /
"Admission 31-01-2025" (ABDM shows it in the patient's PHR app, in English as ABDM's own texts are).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from himswasthya.abdm.hooks import CareContextInfo, HealthDocument
from himswasthya.people.models import Person
from himswasthya.records.fhir.bundles import document_bundle
from himswasthya.records.models import Encounter, EncounterKind, EncounterStatus
from himswasthya.records.services import with_parts

REFERENCE_PREFIX = "ENC-"
HI_TYPES = {EncounterKind.OPD: "OPConsultation", EncounterKind.ADMISSION: "DischargeSummary"}
DISPLAY_KINDS = {EncounterKind.OPD: "OPD", EncounterKind.ADMISSION: "Admission"}


def _current_signed(person: Person) -> list[tuple[Encounter, int]]:
    """(newest signed version, id of its first version) of each of the person's signed encounters."""
    encounters = list(
        Encounter.objects.filter(person=person).only(
            "pk", "supersedes_id", "status", "kind", "facility_id", "started_at"
        )
    )
    parent = {e.pk: e.supersedes_id for e in encounters}
    replaced = {e.supersedes_id for e in encounters if e.supersedes_id and e.status == EncounterStatus.SIGNED}
    out = []
    for encounter in encounters:
        if encounter.status != EncounterStatus.SIGNED or encounter.pk in replaced:
            continue
        root = encounter.pk
        while parent.get(root):
            root = parent[root]  # type: ignore[assignment]
        out.append((encounter, root))
    return out


def care_contexts_for(person: Any) -> list[CareContextInfo]:
    contexts = []
    for encounter, root in _current_signed(person):
        day = timezone.localdate(encounter.started_at)
        contexts.append(
            CareContextInfo(
                reference=f"{REFERENCE_PREFIX}{root}",
                display=f"{DISPLAY_KINDS.get(encounter.kind, 'OPD')} {day:%d-%m-%Y}",
                hi_type=HI_TYPES.get(encounter.kind, "OPConsultation"),
                facility_id=encounter.facility_id,
                date=day,
            )
        )
    return contexts


def documents_for(
    person: Any,
    references: Sequence[str],
    date_from: datetime.datetime | None,
    date_to: datetime.datetime | None,
) -> list[HealthDocument]:
    """The FHIR document bundle of each referenced care context of `person` whose visit date is in range."""
    wanted = set(references)
    chosen = {}  # encounter id -> its care context reference
    for encounter, root in _current_signed(person):
        reference = f"{REFERENCE_PREFIX}{root}"
        if reference not in wanted:
            continue
        if (date_from and encounter.started_at < date_from) or (date_to and encounter.started_at > date_to):
            continue
        chosen[encounter.pk] = reference
    documents = []
    for encounter in with_parts(Encounter.objects.filter(pk__in=chosen).order_by("started_at", "pk")):
        content = json.dumps(document_bundle(encounter), ensure_ascii=False, separators=(",", ":")).encode()
        documents.append(
            HealthDocument(reference=chosen[encounter.pk], hi_type=HI_TYPES[encounter.kind], content=content)
        )
    return documents
