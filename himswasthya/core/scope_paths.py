"""How a model's rows relate to a facility, a district and an owning citizen: the declaration half of scoping.

A model holding personal data declares its scope paths with a class attribute (or, for a model whose class
you cannot edit, `register_scope_paths`); `accounts.scoping` reads them with `scope_paths_for` and answers who
may see which rows. The declaration lives here, at the bottom, so that apps below `accounts` (facilities,
places) can declare their paths without importing `accounts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model

Path = str | tuple[str, ...] | None

_DEFAULT_STATE_ROLES = frozenset({"state_admin"})


@dataclass(frozen=True)
class ScopePaths:
    """ORM lookup paths from a model to the scope keys. A tuple means "any of these" (OR)."""

    facility: Path = None
    district: Path = None
    owner: Path = None
    # Citizens also own rows reached through their registered mobile (e.g. their own person record).
    owner_mobile: Path = None
    # Citizens own the rows of their family: `family` leads to a family register Family (its pk is matched
    # against family_ids(user)), `family_person` to a Person (matched against family_person_ids(user)).
    family: Path = None
    family_person: Path = None
    # State-wide roles that may see every row of this model (state admin by default; HIMCARE and
    # grievance officers only where the model opts them in).
    state_roles: frozenset[str] = field(default=_DEFAULT_STATE_ROLES)


_REGISTRY: dict[type[Model], ScopePaths] = {}


def register_scope_paths(model: type[Model], paths: ScopePaths) -> None:
    """Declare scope paths for a model whose class you cannot edit (e.g. a third-party model)."""
    _REGISTRY[model] = paths


def scope_paths_for(model: type[Model]) -> ScopePaths | None:
    declared = getattr(model, "scope_paths", None) or _REGISTRY.get(model)
    return declared if isinstance(declared, ScopePaths) else None
