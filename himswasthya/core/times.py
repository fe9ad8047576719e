"""Times of day typed or sent by a client, in the platform's timezone (architecture: dates in Asia/Kolkata).

A JSON client may send a time of day with an offset ("09:30+05:30", "04:00Z"). The databases disagree on such
a value (SQLite refuses it with a 500, PostgreSQL's `time` column silently drops the offset) and Python cannot
compare it with a naive time. `local_time` turns it into the naive Asia/Kolkata wall-clock time, the same on
both databases; a naive time is taken as already local.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local_time(value: dt.time) -> dt.time:
    """The naive local (TIME_ZONE) time of `value`; an aware time is converted, a naive one is kept."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=None)
    # A fixed offset does not depend on the date; any date gives the same conversion (IST has no DST).
    moment = dt.datetime.combine(timezone.localdate(), value)
    return timezone.localtime(moment).time().replace(tzinfo=None)
