"""What the citizen's "My family" page shows from apps above himparivar, filled in by those apps.

himparivar may not import `himcare` nor look its models up by name (architecture.md, Dependency direction).
HIMCARE sets `hooks.himcare_links` in its `AppConfig.ready()`; until it does (the app is not installed) no
member gets a HIMCARE link. Links that need no data (booking, ABHA linking) are plain `{% url %}` names in the
template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MemberLink:
    """A link on a member's row: its (translated) text, its address and its test id."""

    label: str
    url: str
    testid: str


def _no_links(user: Any, families: list[Any]) -> dict[int, MemberLink]:
    return {}


@dataclass
class MyFamilyHooks:
    # (citizen, their families) -> {Member pk: link}: the family's HIMCARE card, or how to enrol.
    himcare_links: Callable[[Any, list[Any]], dict[int, MemberLink]] = _no_links


# The one instance: `hooks.himcare_links = ...` in the providing app's ready().
hooks = MyFamilyHooks()
