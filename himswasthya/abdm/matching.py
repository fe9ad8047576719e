"""How well does a verified ABHA profile fit a Person of the patient index? A 0-100 score with reasons.

Names are compared across scripts with the patient index's search keys (people.phonetic: Devanagari
transliterated with indic_transliteration, schwa deletion, spelling variants folded: Thakkar ~ Thakur,
Kuldeep ~ कुलदीप) and rapidfuzz, token by token so that a different given name cannot hide behind a shared
surname.
Year of birth, sex and mobile (masked by ABDM to its last digits) complete the picture.

The breakdown keeps machine codes and parameters, so a reason can be shown later in the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from himswasthya.accounts.scoping import family_context
from himswasthya.people.phonetic import name_key, skeleton

# Points per field (sum 100). A field unknown on either side is left out and the rest rescaled.
WEIGHTS = {"name": 45, "year_of_birth": 25, "sex": 20, "mobile": 10}
NAME_TOKEN_FLOOR = 70  # a name part matching worse than this is a different name, not a spelling variant
NAME_FLOOR = 60


def light_form(name: str) -> str:
    """The patient index's search key of a name in either script (people.phonetic): ठाकुर -> takur."""
    return name_key(name or "")


def _token_ratio(a: str, b: str) -> float:
    # Vowel-less skeletons catch Thakkar ~ Thakur; they count a little less than the spelled-out key.
    return max(fuzz.ratio(a, b), 0.9 * fuzz.ratio(skeleton(a), skeleton(b)))


def name_similarity(a: str, b: str) -> tuple[float, float]:
    """(overall 0-100, worst name part 0-100). Parts of the shorter name are looked up in the longer one,
    so a middle name present on one side only does not count against the match."""
    left, right = light_form(a), light_form(b)
    if not left or not right:
        return 0.0, 0.0
    short, long_ = sorted((left.split(), right.split()), key=len)
    worst = min(max(_token_ratio(s, t) for t in long_) for s in short)
    overall = max(fuzz.token_sort_ratio(left, right), fuzz.token_set_ratio(left, right) * 0.95)
    return (overall + worst) / 2, worst


@dataclass(frozen=True)
class FieldScore:
    field: str
    weight: int
    points: float  # 0..weight; meaningless when outcome is "unknown"
    outcome: str  # match / partial / mismatch / unknown
    code: str  # reason code, see REASONS
    params: dict[str, Any] = field(default_factory=dict)
    veto: bool = False  # a mismatch that refuses the link whatever the other fields say

    @property
    def reason(self) -> str:
        return explain(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "weight": self.weight,
            "points": round(self.points, 1),
            "outcome": self.outcome,
            "code": self.code,
            "params": self.params,
            "veto": self.veto,
        }


def explain(code: str, params: dict[str, Any]) -> str:
    """The reason in the active language."""
    reasons = {
        "name_same": _("Name matches (%(similarity)s%% similar)."),
        "name_variant": _("Name is a likely spelling or script variant (%(similarity)s%% similar)."),
        "name_different": _("Name differs (%(similarity)s%% similar)."),
        "yob_same": _("Year of birth matches."),
        "dob_same": _("Date of birth matches."),
        "dob_differs_same_year": _("Same year of birth, but the day or month differs."),
        "yob_close": _("Year of birth is close: it differs by %(years)s."),
        "yob_different": _("Year of birth differs by %(years)s years."),
        "sex_same": _("Sex matches."),
        "sex_different": _("Sex differs."),
        "mobile_same": _("Mobile number matches."),
        "mobile_last_digits": _("Mobile number ends with the same %(digits)s digits."),
        "mobile_different": _("Mobile number differs."),
        "unknown": _("Not known on both sides; not counted."),
    }
    text = reasons.get(code, code)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text


@dataclass(frozen=True)
class MatchResult:
    score: int
    decision: str  # link / review / refuse
    fields: list[FieldScore]

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.fields]

    @property
    def refusal_reasons(self) -> list[str]:
        return [f.reason for f in self.fields if f.veto or f.outcome == "mismatch"]

    def breakdown(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in self.fields]


def thresholds() -> tuple[int, int]:
    """(auto-link, supervisor review) from settings; defaults 85 and 60."""
    auto = int(settings.ABHA_LINK_AUTO_THRESHOLD)
    review = int(settings.ABHA_LINK_REVIEW_THRESHOLD)
    return auto, min(review, auto)


def _name_score(profile_name: str, person_names: list[str]) -> FieldScore:
    weight = WEIGHTS["name"]
    names = [n for n in person_names if n and n.strip()]
    if not profile_name.strip() or not names:
        return FieldScore("name", weight, 0, "unknown", "unknown")
    overall, worst = max(name_similarity(profile_name, n) for n in names)
    similarity = round(overall)
    points = weight * max(0.0, min(1.0, (overall - 50) / 50))
    if overall >= 95 and worst >= 90:
        return FieldScore("name", weight, points, "match", "name_same", {"similarity": similarity})
    if overall >= NAME_FLOOR and worst >= NAME_TOKEN_FLOOR:
        return FieldScore("name", weight, points, "partial", "name_variant", {"similarity": similarity})
    return FieldScore("name", weight, 0, "mismatch", "name_different", {"similarity": similarity}, veto=True)


def _birth_score(profile: Any, person: Any) -> FieldScore:
    weight = WEIGHTS["year_of_birth"]
    year = getattr(profile, "year_of_birth", None)
    if not year or not person.year_of_birth:
        return FieldScore("year_of_birth", weight, 0, "unknown", "unknown")
    gap = abs(int(year) - int(person.year_of_birth))
    if gap == 0:
        dob, month, day = person.date_of_birth, profile.month_of_birth, profile.day_of_birth
        if dob and month and day:
            if (dob.month, dob.day) == (month, day):
                return FieldScore("year_of_birth", weight, weight, "match", "dob_same")
            return FieldScore("year_of_birth", weight, weight * 0.85, "partial", "dob_differs_same_year")
        return FieldScore("year_of_birth", weight, weight, "match", "yob_same")
    if gap <= 2:
        return FieldScore(
            "year_of_birth",
            weight,
            weight * (0.7 if gap == 1 else 0.4),
            "partial",
            "yob_close",
            {"years": gap},
        )
    return FieldScore("year_of_birth", weight, 0, "mismatch", "yob_different", {"years": gap}, veto=True)


def _sex_score(profile: Any, person: Any) -> FieldScore:
    weight = WEIGHTS["sex"]
    theirs, ours = (getattr(profile, "gender", "") or "").upper()[:1], (person.sex or "").upper()
    if theirs not in ("M", "F") or ours not in ("M", "F"):
        return FieldScore("sex", weight, 0, "unknown", "unknown")
    if theirs == ours:
        return FieldScore("sex", weight, weight, "match", "sex_same")
    return FieldScore("sex", weight, 0, "mismatch", "sex_different", veto=True)


def _mobile_score(profile: Any, mobiles: list[str]) -> FieldScore:
    weight = WEIGHTS["mobile"]
    shown = getattr(profile, "mobile", "") or ""
    digits = re.sub(r"\D", "", shown)
    ours = [m for m in mobiles if m]
    if len(digits) < 4 or not ours:
        return FieldScore("mobile", weight, 0, "unknown", "unknown")
    if len(digits) >= 10:
        if any(m[-10:] == digits[-10:] for m in ours):
            return FieldScore("mobile", weight, weight, "match", "mobile_same")
        return FieldScore("mobile", weight, 0, "mismatch", "mobile_different")
    if any(m.endswith(digits) for m in ours):  # ABDM masks all but the last digits: ******4321
        return FieldScore(
            "mobile", weight, weight * 0.9, "partial", "mobile_last_digits", {"digits": len(digits)}
        )
    return FieldScore("mobile", weight, 0, "mismatch", "mobile_different")


def _person_mobiles(person: Any) -> list[str]:
    mobiles = [person.mobile or ""]
    if getattr(person, "pk", None):
        # The family register may know a mobile the patient index does not (asked through accounts scoping).
        on_register = family_context([person.pk]).get(person.pk)
        if on_register is not None and on_register.mobile:
            mobiles.append(on_register.mobile)
    return mobiles


def score_abha_profile_against_person(profile: Any, person: Any) -> MatchResult:
    """Score an ABHA profile (abdm.client.AbhaProfile) against a people.Person: 0-100, decision, reasons."""
    profile_name = getattr(profile, "name", "") or " ".join(
        p for p in (profile.first_name, profile.middle_name, profile.last_name) if p
    )
    fields = [
        _name_score(
            profile_name, [person.name_roman, person.name_deva, f"{person.given_name} {person.family_name}"]
        ),
        _birth_score(profile, person),
        _sex_score(profile, person),
        _mobile_score(profile, _person_mobiles(person)),
    ]
    known = [f for f in fields if f.outcome != "unknown"]
    total_weight = sum(f.weight for f in known)
    score = round(100 * sum(f.points for f in known) / total_weight) if total_weight else 0
    auto, review = thresholds()
    if not any(f.field == "name" for f in known) or total_weight < 60:
        # Too little to compare: never linked without a human look.
        score = min(score, auto - 1)
    if any(f.veto for f in fields):
        score = min(score, max(review - 1, 0))
    decision = "link" if score >= auto else "review" if score >= review else "refuse"
    return MatchResult(score=score, decision=decision, fields=fields)
