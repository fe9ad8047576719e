"""A signed-in phone-sized browser context for the HIMCARE browser tests (session cookie from force_login)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from himswasthya.accounts.tests.fixtures import session_cookie


def signed_in_page(browser: Any, live_server: Any, user: Any, language: str = "en") -> tuple[Any, Any]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="hi-IN" if language == "hi" else "en-IN",
        viewport={"width": 412, "height": 915},
        accept_downloads=True,
    )
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            session_cookie(user, live_server.url),
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page
