"""The admin site (SEC-15, SEC-26): staff with a confirmed TOTP device that verified this session only.

There is no separate admin password form: /admin/login/ sends the browser to /login/, so the admin is reached
only through the same lockout, audit and second factor as every other staff sign-in. Personal data of
citizens is not registered here at all (accounts/tests/test_admin.py keeps it that way).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class HimAdminSite(OTPAdminSite):
    site_header = _("HimSwasthya administration")
    site_title = _("HimSwasthya administration")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def logout(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """The admin's sign-out is the audited one of /logout/ (POST only, as Django's)."""
        from himswasthya.accounts.views import logout_view

        return logout_view(request)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
