"""Rows a register member is written as: its Member columns and its PersonIdentifier rows (member id,
ABHA number/address, Aadhaar last four).

One definition for the importer and the synthetic-population writer, which both write them in bulk.
"""

from __future__ import annotations

import datetime
from typing import Any

from himswasthya.people.models import IdentifierType

ABHA_ISSUER = "NHA"

# Member columns copied as they are from an imported or generated member record.
MEMBER_DETAIL_FIELDS = (
    "member_id", "relation", "name_roman", "name_deva", "sex", "date_of_birth", "year_of_birth",
    "mobile", "aadhaar_last4", "marital_status", "status",
)  # fmt: skip


def member_detail_columns(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in MEMBER_DETAIL_FIELDS}


def member_identifier_rows(
    *,
    member_id: str,
    abha_number: str | None,
    abha_address: str | None,
    aadhaar_last4: str | None,
    source: str,
    since: datetime.date | None,
    abha_verified: bool,
) -> list[dict[str, Any]]:
    def row(
        id_type: IdentifierType, value: str, issuer: str, verified: bool, since: datetime.date | None
    ) -> dict:
        return dict(
            id_type=id_type.value, value=value, issuer=issuer, verified=verified, source=source, since=since
        )

    rows = [row(IdentifierType.HIM_PARIVAR_MEMBER, member_id, "Him Parivar", True, since)]
    if abha_number:
        rows.append(row(IdentifierType.ABHA_NUMBER, abha_number, ABHA_ISSUER, abha_verified, since))
    if abha_address:
        rows.append(row(IdentifierType.ABHA_ADDRESS, abha_address, ABHA_ISSUER, abha_verified, since))
    if aadhaar_last4:
        rows.append(row(IdentifierType.AADHAAR_LAST4, aadhaar_last4, "UIDAI", False, None))
    return rows
