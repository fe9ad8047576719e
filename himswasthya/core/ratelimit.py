"""SEC-24: a fixed one-minute window per user and action, counted in the cache (Redis when configured)."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

from himswasthya.core.errors import RateLimited


def current_minute() -> int:
    return int(time.time() // 60)


def minute_key(prefix: str, user: Any) -> str:
    """The cache key of `user`'s counter for `prefix` in the current minute."""
    return f"{prefix}:{user.pk}:{current_minute()}"


def _count(key: str, timeout: int) -> int:
    """Add one to the counter at `key` and return it (one round trip once the counter exists)."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first call (or the counter expired)
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)  # another request created it meanwhile


def count_this_minute(prefix: str, user: Any) -> int:
    """Add one to `user`'s counter for this minute and return it."""
    return _count(minute_key(prefix, user), 120)


def check_rate(prefix: str, user: Any, limit: int, message: Any, *, field: str = "q") -> None:
    """Raise RateLimited (with `message`) once `user` did `prefix` more than `limit` times this minute."""
    if count_this_minute(prefix, user) > limit:
        raise RateLimited(message, field=field)


def window_key(prefix: str, user: Any, seconds: int) -> str:
    """The cache key of `user`'s counter for `prefix` in the current window of `seconds` (e.g. an hour)."""
    return f"{prefix}:{user.pk}:{seconds}:{int(time.time() // seconds)}"


def count_in_window(prefix: str, user: Any, seconds: int) -> int:
    """Add one to `user`'s counter for `prefix` in the current fixed window of `seconds` and return it."""
    return _count(window_key(prefix, user, seconds), seconds * 2)


def window_count(prefix: str, user: Any, seconds: int) -> int:
    """`user`'s counter for `prefix` in the current window, without counting."""
    return int(cache.get(window_key(prefix, user, seconds)) or 0)
