"""Audit of personal-data access. STUB: the audit helper replaces the body; the signature is the contract."""

from __future__ import annotations

from typing import Any


def record(
    action: str,
    *,
    object_type: str,
    object_id: str | int | None = None,
    purpose: str = "",
    actor: Any = None,
    facility_id: int | None = None,
    district_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit entry in the caller's transaction. `actor` defaults to the current request's user."""
    return None
