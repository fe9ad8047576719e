"""Issue #12: a citizen's SMS go in the language they chose on the site, whoever triggers them (a clerk
working in English, a worker command, the demo loader). The choice is remembered on their account when a
signed-in citizen switches language (`LanguageChoiceMiddleware`) and when they sign in (signals.py), and
notify asks for it through the hook filled in AccountsConfig.ready (`notify.hooks`)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from himswasthya.accounts.models import Role, User

_CHOICES = {code for code, _label in settings.LANGUAGES}


def language_of_mobile(mobile: str) -> str:
    """The language the citizen holding `mobile` chose ("" when no citizen holds it or they never chose)."""
    # One indexed lookup (mobile is unique), so no ORDER BY.
    found = User.objects.filter(mobile=mobile, role=Role.CITIZEN).values_list("language", flat=True)[:1]
    return next(iter(found), "")


def remember_language(user: User, language: str | None) -> None:
    """Keep a citizen's choice of language (only a citizen's: staff receive no SMS about their work)."""
    code = (language or "").split("-")[0]
    if getattr(user, "is_citizen", False) and code in _CHOICES and user.language != code:
        user.language = code
        User.objects.filter(pk=user.pk).update(language=code)


class LanguageChoiceMiddleware:
    """After Django's set_language view (/i18n/setlang/) set the language cookie for a signed-in citizen,
    remember the language on their account."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        if match and match.url_name == "set_language" and cookie and request.user.is_authenticated:
            remember_language(request.user, cookie.value)
        return response
