"""The only password backend (settings.AUTHENTICATION_BACKENDS): the staff lockout (SEC-15) and its audit rows
(SEC-29) hold for every path that calls authenticate() - /login/, /admin/login/, test clients, scripts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from himswasthya.accounts import services
from himswasthya.accounts.models import Role


class LockoutModelBackend(ModelBackend):
    """ModelBackend with the staff lockout: LOGIN_MAX_FAILURES failures (wrong password or wrong second-factor
    code) lock the username for LOGIN_LOCKOUT_SECONDS, even against the right password. Citizens never sign in
    by password. A password success clears the count only for users who need no second factor: for the others
    the second factor clears it (accounts/mfa.py), so re-entering the password cannot reset TOTP guessing."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        path = getattr(request, "path", None) if request is not None else None
        if services.is_locked_out(username):
            services.staff_login_failed(username, "locked_out", path=path)
            # PermissionDenied stops authenticate() at once (no other backend is asked) and sends
            # user_login_failed.
            raise PermissionDenied("locked out")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or user.role == Role.CITIZEN:
            services.count_login_failure(username)
            services.staff_login_failed(username, "bad_credentials", path=path)
            return None
        from himswasthya.accounts.mfa import needs_second_factor

        if not needs_second_factor(user):
            services.clear_login_failures(username)
        return user
