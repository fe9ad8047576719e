"""Offsets from a request, made safe before they reach the database (SEC-27).

A number such as 12925277351764529152 does not fit the 64-bit integers SQLite and PostgreSQL take for
OFFSET/LIMIT (a 500 before this); a negative one breaks queryset slicing. Lists clamp instead of failing:
a page past the end shows the last page (as Django's Paginator.get_page does), an offset past any table
gives an empty page.
"""

from __future__ import annotations

#: Far beyond any of our tables, far below 2**63.
MAX_OFFSET = 10**12


def clamp_offset(offset: int) -> int:
    return min(max(0, offset), MAX_OFFSET)
