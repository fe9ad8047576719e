"""Issue #12: the landing page offers only what works; grievances and health records are not built yet."""

import pytest
from django.urls import reverse

NOT_BUILT = {
    "en": ("grievance", "health record"),
    "hi": ("शिकायत", "स्वास्थ्य रिकॉर्ड"),
}
BUILT = {
    "en": ("Book OPD appointments", "HIMCARE card"),
    "hi": ("ओपीडी अपॉइंटमेंट बुक करें", "हिमकेयर कार्ड"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_landing_page_promises_only_what_works(client, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get("/").content.decode().lower()
    assert f'<html lang="{language}">' in body
    for words in NOT_BUILT[language]:
        assert words not in body
    for words in BUILT[language]:
        assert words.lower() in body
    # what it promises to find, anyone can reach from it
    assert f'href="{reverse("facilities:directory")}"' in body
    assert f'href="{reverse("himcare:empanelled_hospitals")}"' in body
