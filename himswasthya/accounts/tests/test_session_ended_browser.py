"""Issue #12: a clerk left idle past the limit is sent to the sign-in page, which says the session ended."""

from datetime import timedelta

import pytest
from django.utils import timezone

from himswasthya.accounts.tests.fixtures import PERSONA_PASSWORD

ENDED = "Your session ended; please sign in again."


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_sign_in_page_says_the_session_ended(page, clerk, settings, time_machine):
    page.goto("/login/")
    assert page.get_by_text(ENDED).count() == 0  # not to a first-time visitor
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/")

    # The live server runs in this process: moving its clock ages the session past the idle limit.
    time_machine.move_to(timezone.now() + timedelta(seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS + 60))
    page.goto("/home/")
    page.wait_for_url("**/login/?next=/home/")
    assert page.get_by_role("status").filter(has_text=ENDED).is_visible()

    page.reload()
    assert page.get_by_text(ENDED).count() == 0  # said once
