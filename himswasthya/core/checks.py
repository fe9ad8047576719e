"""System checks of the deployment (registered in core/apps.py).

core.E001 (issue #10 item 6): rate limits and lockouts (core/ratelimit.py, the OTP and staff-login lockouts,
HIMCARE verification limits) count in the default cache. A process-local cache (LocMem, Dummy) under several
workers gives each worker its own counters: N workers allow N times every limit, and a lockout on one worker
is unknown to the others. With DEBUG off the project therefore refuses to start (every `manage.py` command,
runserver and the WSGI server's first check) unless the cache is shared (REDIS_URL) or ALLOW_LOCAL_CACHE=1
says that the deployment is exactly one process. The worker count itself is not visible to Django (gunicorn
-w, uwsgi --processes), so the check does not guess it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=False)
def shared_cache_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or settings.ALLOW_LOCAL_CACHE or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is local to each process, so rate limits and "
            "lockouts would be counted per worker.",
            hint="Set REDIS_URL to a shared Redis, or ALLOW_LOCAL_CACHE=1 if this deployment runs exactly "
            "one process.",
            id="core.E001",
        )
    ]


def refuse_to_serve_without_a_shared_cache() -> None:
    """For wsgi.py/asgi.py: a WSGI server (gunicorn, uwsgi) runs no system checks, so the server refuses to
    load the application when core.E001 fails."""
    errors = shared_cache_check()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint} ({errors[0].id})")
