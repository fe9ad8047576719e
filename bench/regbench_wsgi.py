"""WSGI entry for bench/registration.py's ablation runs: the real application, with at most two changes that
show what parts of a booking request cost (set by environment; nothing changes when neither is set):

- REGBENCH_LEAN_SESSION=1: the idle-timeout middleware stamps `last_seen` at most once a minute instead of on
  every request, so a booking does not also rewrite its django_session row (one transaction fewer);
- REGBENCH_DEFER_SMS=1: the after-commit SMS send is left to `send_pending_sms` (the outbox row is still
  written in the booking's transaction). Since 2026-11-25 this is what SMS_SEND_IN_REQUEST=0 does, the
  default with DEBUG off; the flag now just sets it. (Before that the flag replaced `send_outbox_row`, which
  the after-commit send did not call, so the earlier `lean` runs still sent their SMS in the request.)

Benchmark-only: never used to serve the site.
"""

import os
import time

from himswasthya.wsgi import application  # noqa: F401  (sets Django up)

if os.environ.get("REGBENCH_LEAN_SESSION") == "1":
    from django.conf import settings

    from himswasthya.accounts import middleware

    def _lean_call(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen", now)
            started = request.session.setdefault("session_started", now)
            if (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
                or now - started > settings.SESSION_COOKIE_AGE
            ):
                from django.contrib.auth import logout

                logout(request)
            elif now - last_seen >= 60:
                request.session["last_seen"] = now
        return self.get_response(request)

    middleware.SessionIdleTimeoutMiddleware.__call__ = _lean_call

if os.environ.get("REGBENCH_DEFER_SMS") == "1":
    from django.conf import settings

    settings.SMS_SEND_IN_REQUEST = False
