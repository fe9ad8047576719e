"""Issue #12 item 5 and its check: at 360 px no citizen page is wider than the screen.

A citizen with a family (Aadhaar and ABHA on record), an active HIMCARE card with a pending
pre-authorisation and an OPD appointment signs in on a 360 x 740 phone; the test walks every page reachable
from the citizen's home (and, before that, from the landing page) by same-site links and GET forms (breadth
first, GET only), in Hindi and in English, and fails naming every page whose document is wider than the
viewport (`document.documentElement.scrollWidth > innerWidth`) or that hides content in a box scrolling
sideways (how the tables were cut off), with the elements that stick out. New citizen pages join the walk by
being linked."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.conf import settings

from himswasthya.accounts.tests.fixtures import session_cookie
from himswasthya.himcare.tests.factories import (
    make_active_enrolment,
    make_empanelled_package,
    make_family,
    make_preauth,
    make_scheme_year,
)
from himswasthya.himcare.tests.monitoring_factories import abha_number
from himswasthya.people.models import IdentifierType, PersonIdentifier
from himswasthya.registration.models import AppointmentStatus
from himswasthya.registration.tests.queue_factories import appointment, session_day

PHONE = {"width": 360, "height": 740}
MAX_PAGES = 150  # per walk; the walks of this small world find about 30
# Not pages to look at: the language switch and sign-out (POST forms anyway), files, the admin, the API and
# the local simulators of outside services.
SKIPPED_PREFIXES = ("/i18n/", "/logout/", "/admin/", "/api/", "/static/", "/media/", "/abdm-sim/")
SKIPPED_PREFIXES += ("/himcare-paysim/", "/himparivar-sim/")
SKIPPED_SUFFIXES = (".pdf", ".csv")

# The same-site links of the page, leaving out those that download a file.
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]:not([download])'), a => a.href)"
# The GET forms of the page (booking steps, filters, searches) as the URLs they submit: the first choice where
# nothing is chosen yet, text left as it is.
FORMS_JS = """() => Array.from(document.forms).filter(form => form.method === 'get').map(form => {
  const data = new FormData(form);
  for (const field of form.elements) {
    if (!field.name || data.get(field.name)) continue;
    if (field.type === 'radio') data.set(field.name, field.value);
    const option = field.tagName === 'SELECT' && Array.from(field.options).find(o => o.value);
    if (option) data.set(field.name, option.value);
  }
  const url = new URL(form.action);
  url.search = new URLSearchParams(data).toString();
  return url.href;
})"""
# The page's width against the viewport's; the elements that reach past the viewport's right edge (the
# deepest ones), and those that hide content sideways in a scrolling box (the old way of "fitting" a table).
LAYOUT_JS = r"""() => {
  const describe = e => {
    const text = e.textContent.replace(/\s+/g, ' ').trim().slice(0, 40);
    return `${e.tagName.toLowerCase()}.${e.classList.value} "${text}"`;
  };
  const all = Array.from(document.body.querySelectorAll('*'));
  const wide = all.filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    stickingOut: wide.filter(e => !wide.some(o => o !== e && e.contains(o))).slice(0, 5).map(describe),
    cutOff: all.filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1
      && getComputedStyle(e).overflowX !== 'visible').slice(0, 5).map(describe),
  };
}"""


@pytest.fixture
def citizen_with_everything(citizen, persona_district, persona_facility, scheme_desk, doctor):
    """The citizen persona heads a family of four with identifiers on record, holds an active HIMCARE card
    with a pending pre-authorisation at the persona medical college, has an OPD appointment today and a
    signed consultation record with a long prescription line."""
    family, members = make_family(
        persona_district,
        [
            _member("Asha Devi", "आशा देवी", "F", 1980, "SELF", mobile=citizen.mobile, aadhaar_last4="4321"),
            _member("Ramesh Thakur", "रमेश ठाकुर", "M", 1978, "HUSBAND", mobile="9876500001"),
            _member("Anu Thakur", "अनु ठाकुर", "F", 2012, "DAUGHTER", aadhaar_last4="8765"),
            _member("Vikramaditya Singh Thakur", "विक्रमादित्य सिंह ठाकुर", "M", 1950, "FATHER"),
        ],
        family_id="HP-FAM-PHONE-1",
    )
    PersonIdentifier.objects.create(
        person=members[1].person, id_type=IdentifierType.ABHA_NUMBER, value=abha_number(360)
    )
    enrolment = make_active_enrolment(family, make_scheme_year())
    # long amounts: ₹3,76,543.22 left
    package = make_empanelled_package(persona_facility, rate_paise=1_23_456_78)
    make_preauth(scheme_desk, enrolment.members.order_by("id")[1], package, facility=persona_facility)
    appointment(session_day(persona_facility), members[0].person, status=AppointmentStatus.BOOKED)
    _signed_record(doctor, members[3].person, persona_facility)
    return citizen


def _signed_record(doctor, person, facility):
    from himswasthya.codelists.models import Icd10Code
    from himswasthya.records import services as records

    Icd10Code.objects.create(
        code="J06.9",
        title="Acute upper respiratory infection, unspecified",
        kind="subcategory",
        chapter="X",
        is_codable=True,
    )
    encounter = records.open_encounter(doctor, person, facility, source_ref="opd:PHONE-1")
    records.save_draft(
        doctor,
        encounter,
        {
            "chief_complaints": "Cough and cold for three days with a sore throat and a mild fever at night",
            "vitals": {"bp_systolic": 142, "bp_diastolic": 88, "pulse": 84, "spo2": 96, "weight_kg": 61},
            "diagnoses": [{"code": "J06.9"}],
            "prescriptions": [
                {
                    "free_text": True,
                    "name": "Dextromethorphan hydrobromide with chlorpheniramine maleate syrup",
                    "strength": "10 mg/5 mL",
                    "dose": "10 mL",
                    "frequency": "three times a day",
                    "duration_days": 5,
                    "instructions": "after food, not with other cough medicines",
                }
            ],
        },
    )
    records.sign(doctor, encounter)


def _member(name, name_deva, sex, year_of_birth, relation, **fields):
    return {
        "name_roman": name,
        "name_deva": name_deva,
        "sex": sex,
        "year_of_birth": year_of_birth,
        "relation": relation,
        **fields,
    }


def _worth_visiting(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return (
        f"{parts.scheme}://{parts.netloc}" == origin
        and not parts.path.startswith(SKIPPED_PREFIXES)
        and not parts.path.endswith(SKIPPED_SUFFIXES)
    )


def _shape(url: str) -> tuple[str, frozenset[str]]:
    """A page and the names of its query's parameters: the booking steps of each family member, or the
    same filter with another value, are one layout, walked once."""
    parts = urlsplit(url)
    return parts.path, frozenset(name for name, _value in parse_qsl(parts.query, keep_blank_values=True))


def _walk(page, start: str) -> tuple[list[str], dict[str, object]]:
    """Breadth first from `start` over same-site links and GET forms: the pages visited, and the problems
    (overflow, or not shown) of those that have any."""
    origin = f"{urlsplit(start).scheme}://{urlsplit(start).netloc}"
    seen, queue = {_shape(start)}, deque([start])
    visited: list[str] = []
    problems: dict[str, object] = {}
    while queue:
        url = queue.popleft()
        response = page.goto(url)
        visited.append(url)
        assert len(visited) <= MAX_PAGES, f"the walk did not end after {MAX_PAGES} pages: {visited[-5:]}"
        if response is None or response.status != 200:
            problems[url] = f"HTTP {response.status if response else 'no response'}"
            continue
        layout = page.evaluate(LAYOUT_JS)
        if layout["scrollWidth"] > layout["innerWidth"] or layout["cutOff"]:
            problems[url] = layout
        for link in page.evaluate(LINKS_JS) + page.evaluate(FORMS_JS):
            link = urldefrag(link).url
            if _shape(link) not in seen and _worth_visiting(link, origin):
                seen.add(_shape(link))
                queue.append(link)
    return visited, problems


def _phone(browser, live_server, language: str, user=None):
    context = browser.new_context(
        base_url=live_server.url, locale="hi-IN" if language == "hi" else "en-IN", viewport=PHONE
    )
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if user is not None:
        cookies.append(session_cookie(user, live_server.url))
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["hi", "en"])
def test_no_citizen_page_is_wider_than_a_phone(browser, live_server, citizen_with_everything, language):
    visited: list[str] = []
    problems: dict[str, object] = {}
    # Before signing in (the landing and sign-in pages), then signed in, from the citizen's home.
    for user, start in ((None, "/"), (citizen_with_everything, "/home/")):
        context, page = _phone(browser, live_server, language, user)
        try:
            walked, found = _walk(page, f"{live_server.url}{start}")
        finally:
            context.close()
        visited += walked
        problems.update(found)

    paths = {urlsplit(url).path for url in visited}
    # The walk reached the citizen's pages (so a broken link cannot make the test pass by walking less).
    for expected in (
        "/login/mobile/",
        "/families/mine/",
        "/himcare/my-card/",
        "/himcare/cases/mine/",
        "/opd/appointments/",
        "/facilities/PERSONA-MC-SML/timetable/",
        "/records/mine/",
    ):
        assert expected in paths, f"{expected} not reached; visited {sorted(paths)}"
    assert any(re.fullmatch(r"/himcare/cases/\d+/", path) for path in paths), sorted(paths)
    assert any(re.fullmatch(r"/records/\d+/", path) for path in paths), sorted(paths)
    assert any("slot=" in url for url in visited), "the walk did not reach the booking's last step"
    assert not problems, f"{len(problems)} pages wider than 360 px, with content cut off, or not shown:\n" + (
        "\n".join(f"{url}: {problem}" for url, problem in problems.items())
    )
