"""The one rate limiter (SEC-24), counted in the cache (Redis when configured).

Two window shapes: per user and action in clock windows (`check_rate`: this minute; `count_in_window`: e.g.
this hour), and per key in a window that opens with its first event (`hit`/`refund`: OTP sends and checks per
network address and mobile number, where a refused request must not count)."""

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


def hit(key: str, limit: int, window: int) -> bool:
    """Count one event at `key`, in a window of `window` seconds that opens with the window's first event.
    Returns False - and counts nothing - when `limit` events were already counted in the window."""
    if _count(key, window) > limit:
        refund(key)
        return False
    return True


def refund(key: str) -> None:
    """Take back one event counted by `hit` (a later check refused the request after all)."""
    try:
        cache.decr(key)
    except ValueError:  # the window expired meanwhile: nothing to take back
        pass
