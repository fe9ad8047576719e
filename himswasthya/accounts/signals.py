"""Every real sign-in - the staff form, the citizen OTP, any other view that calls auth's login() - is made
the user's only live session (SEC-15) and audited (SEC-29) here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import get_language

from himswasthya.accounts import services
from himswasthya.accounts.languages import remember_language

# sign_in() (accounts/views.py) names its method on the request; any other login() counts as a password one.
LOGIN_METHOD_ATTR = "_himswasthya_login_method"


@receiver(user_logged_in, dispatch_uid="himswasthya.accounts.on_logged_in")
def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Client.force_login() in tests builds a bare HttpRequest (no method): not a sign-in by a person.
    if request is None or getattr(request, "method", None) is None or not hasattr(request, "session"):
        return
    method = getattr(request, LOGIN_METHOD_ATTR, None) or "password"
    services.do_register_session(user, request.session.session_key or "")
    services.record_login(user, method)
    remember_language(user, get_language())  # the language they signed in with is their choice
