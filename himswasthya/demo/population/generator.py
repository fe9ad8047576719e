"""A synthetic population of Himachal Pradesh, family by family, deterministic for a seed.

Pure Python, no database: `generate_families()` yields `FamilySpec`s one at a time so the writer can stream
millions of people in batches. Figures are rough public ones (Census 2011: 972 women per 1,000 men, mean
household ~4.4, a quarter of people under 15, a tenth over 60), tuned for a believable demo, not for research.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from himswasthya.core.validators import luhn_check_digit
from himswasthya.demo.population import names as N

# Ages are worked out against a fixed date so that the same seed gives the same people on any day.
REFERENCE_DATE = datetime.date(2026, 1, 1)

HOUSEHOLD_SIZE_WEIGHTS = {1: 5, 2: 11, 3: 16, 4: 25, 5: 19, 6: 11, 7: 6, 8: 3, 9: 2, 10: 2}  # mean ~4.4
MAX_HOUSEHOLD = 10

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class GpSlot:
    """A gram panchayat with what the generator needs to know about it."""

    gp_id: int
    gp_name: str
    district_id: int
    district_name: str
    district_lgd: int
    block_id: int | None
    block_name: str


@dataclass
class MemberSpec:
    member_id: str
    relation: str
    sex: str
    given_name: str
    family_name: str
    name_roman: str
    name_deva: str
    date_of_birth: datetime.date | None
    year_of_birth: int
    marital_status: str
    mobile: str | None = None
    aadhaar_last4: str = ""
    abha_number: str | None = None
    abha_address: str | None = None
    status: str = "ALIVE"
    # HIMCARE eligibility facts (himcare helper): drawn by `eligibility_facts` from the member id's own
    # random stream, so the rest of the population stays exactly as before for a seed.
    occupation: str = ""
    disability_percent: int = 0
    mgnrega_days: int = 0
    in_child_care_institution: bool = False


@dataclass
class FamilySpec:
    family_id: str
    gp: GpSlot
    community: str
    social_category: str
    address: str
    ration_card_type: str
    ration_card_no: str
    is_bpl: bool
    income_band: str
    verification_status: str
    verified_on: datetime.date | None
    is_temporary: bool
    members: list[MemberSpec] = field(default_factory=list)


# --- identifiers ----------------------------------------------------------------------------------
def _permute(sequence: int, modulus: int, multiplier: int, offset: int) -> int:
    """A bijection of 0..modulus-1: distinct sequence numbers give distinct, scattered ids."""
    return (sequence * multiplier + offset) % modulus


def _crockford(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, rest = divmod(number, 32)
        chars.append(_CROCKFORD[rest])
    return "".join(reversed(chars))


class IdMint:
    """Opaque, unique, seed-deterministic ids: family and member ids, ABHA numbers, ration card numbers."""

    ID_SPACE = 32**8

    def __init__(self, seed: int):
        offsets = random.Random(f"ids-{seed}")
        self._family_offset = offsets.randrange(self.ID_SPACE)
        self._member_offset = offsets.randrange(self.ID_SPACE)
        self._abha_offset = offsets.randrange(8 * 10**10)
        self._ration_offset = offsets.randrange(10**9)
        self.families = self.members = self.abhas = self.ration_cards = 0

    def family_id(self) -> str:
        n = _permute(self.families, self.ID_SPACE, 0x2F6B_A5C3_1 | 1, self._family_offset)
        self.families += 1
        return "HPF" + _crockford(n, 8)

    def member_id(self) -> str:
        n = _permute(self.members, self.ID_SPACE, 0x1D3_9E7B_5 | 1, self._member_offset)
        self.members += 1
        return "HPM" + _crockford(n, 8)

    def abha_number(self) -> str:
        """NHA's shape: 91 + bin digit 1-8 + 10 digits + Luhn check digit (core); no palindromes."""
        while True:
            n = _permute(self.abhas, 8 * 10**10, 7_919_382_817, self._abha_offset)
            self.abhas += 1
            payload = f"91{1 + n // 10**10}{n % 10**10:010d}"
            number = payload + str(luhn_check_digit(payload))
            if number != number[::-1]:
                return number

    def ration_card_no(self, district_lgd: int) -> str:
        n = _permute(self.ration_cards, 10**9, 982_451_653, self._ration_offset)
        self.ration_cards += 1
        return f"HP{district_lgd % 100:02d}{n:09d}"


# --- allocation of people to places ---------------------------------------------------------------
def _largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights` into integers that add up to `total` exactly."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def allocate_people(people: int, gps: Sequence[GpSlot], rng: random.Random) -> list[int]:
    """People per gram panchayat: districts by Census 2011 share, then the GPs of a district (uneven)."""
    by_district: dict[int, list[int]] = {}
    for index, gp in enumerate(gps):
        by_district.setdefault(gp.district_id, []).append(index)
    district_ids = sorted(by_district)
    known = [
        N.DISTRICT_POPULATION_SHARE.get(N.district_key(gps[by_district[d][0]].district_name))
        for d in district_ids
    ]
    # A district the table does not know gets the state's average share per gram panchayat.
    per_gp = sum(N.DISTRICT_POPULATION_SHARE.values()) / 3577
    shares = [
        k if k is not None else per_gp * len(by_district[d]) for k, d in zip(known, district_ids, strict=True)
    ]
    per_gp_counts = [0] * len(gps)
    for district_id, district_people in zip(district_ids, _largest_remainder(people, shares), strict=True):
        members = by_district[district_id]
        sizes = [rng.lognormvariate(0, 0.45) for _ in members]
        for index, count in zip(members, _largest_remainder(district_people, sizes), strict=True):
            per_gp_counts[index] = count
    return per_gp_counts


# --- households -----------------------------------------------------------------------------------
@dataclass
class _Slot:
    relation: str
    sex: str
    age: int
    marital: str


def _household_size(rng: random.Random) -> int:
    sizes = list(HOUSEHOLD_SIZE_WEIGHTS)
    return rng.choices(sizes, weights=list(HOUSEHOLD_SIZE_WEIGHTS.values()))[0]


def _children_ages(rng: random.Random, count: int, oldest: int) -> list[int]:
    """Ages skewed towards the oldest possible: births have fallen for decades (TFR ~1.7 in HP)."""
    oldest = max(0, oldest)
    return sorted((int(rng.triangular(0, oldest + 1, oldest * 0.8)) for _ in range(count)), reverse=True)


CHILD_FEMALE_SHARE = 0.46  # child sex ratio ~909 girls per 1,000 boys (Census 2011)


def household_slots(size: int, rng: random.Random) -> list[_Slot]:
    """Relations, sexes and ages of a household that hang together (a mother is older than her children)."""
    if size == 1:
        if rng.random() < 0.6:  # an elderly widow or widower living alone
            return [_Slot("SELF", "F" if rng.random() < 0.55 else "M", rng.randint(60, 90), "WIDOWED")]
        return [_Slot("SELF", "M" if rng.random() < 0.8 else "F", rng.randint(21, 40), "NEVER")]
    head_age = int(rng.triangular(24, 84, 44 if size <= 4 else 56))
    head_sex = "M" if rng.random() < 0.92 else "F"
    slots = [_Slot("SELF", head_sex, head_age, "MARRIED" if head_sex == "M" else "WIDOWED")]
    mother_age = head_age
    if head_sex == "M":
        mother_age = max(18, head_age - rng.randint(2, 7))
        slots.append(_Slot("WIFE", "F", mother_age, "MARRIED"))
    remaining = size - len(slots)

    if (
        head_age >= 48 and remaining >= 3 and rng.random() < 0.65
    ):  # joint family: married son and his children
        son_age = max(22, min(head_age - 22, head_age - rng.randint(22, 30)))
        dil_age = max(19, son_age - rng.randint(1, 5))
        slots += [_Slot("SON", "M", son_age, "MARRIED"), _Slot("DIL", "F", dil_age, "MARRIED")]
        remaining -= 2
        if remaining >= 2 and rng.random() < 0.3 and son_age > 24:
            age = rng.randint(max(14, son_age - 12), son_age - 1)
            sex = "F" if rng.random() < 0.49 else "M"
            slots.append(_Slot("DAUGHTER" if sex == "F" else "SON", sex, age, "NEVER"))
            remaining -= 1
        for age in _children_ages(rng, remaining, min(dil_age - 19, 14)):
            sex = "F" if rng.random() < CHILD_FEMALE_SHARE else "M"
            slots.append(_Slot("GDAUGHTER" if sex == "F" else "GSON", sex, age, "NEVER"))
        return slots

    if head_age <= 45 and remaining >= 2 and rng.random() < 0.35:  # the head's parent(s) live with them
        parent_age = min(95, head_age + rng.randint(22, 32))
        both = remaining >= 3 and rng.random() < 0.5
        slots.append(_Slot("MOTHER", "F", parent_age - rng.randint(0, 5), "MARRIED" if both else "WIDOWED"))
        if both:
            slots.append(_Slot("FATHER", "M", min(97, parent_age + rng.randint(1, 5)), "MARRIED"))
        remaining = size - len(slots)

    oldest_child = min(mother_age - 19, 32)
    if oldest_child >= 0:
        for age in _children_ages(rng, remaining, oldest_child):
            sex = "F" if rng.random() < CHILD_FEMALE_SHARE else "M"
            slots.append(
                _Slot("DAUGHTER" if sex == "F" else "SON", sex, age, "NEVER" if age < 27 else "MARRIED")
            )
        remaining = 0
    for _ in range(remaining):  # no room for children of the head: unmarried brothers and sisters
        sex = "F" if rng.random() < 0.45 else "M"
        age = max(16, head_age + rng.randint(-10, 8))
        slots.append(_Slot("SISTER" if sex == "F" else "BROTHER", sex, age, "NEVER"))
    return slots


# --- names ----------------------------------------------------------------------------------------
_BY_ROMAN = N.all_names()


def _pick_weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _spell(rng: random.Random, name: N.Name, variant_share: float) -> str:
    """The usual spelling, or for a share of people one of the variants seen in registers."""
    if name.variants and rng.random() < variant_share:
        return rng.choice(name.variants)
    return name.roman


class Namer:
    """Names for the members of one family, in the family's community and district."""

    def __init__(
        self, rng: random.Random, community: str, district_key: str, category: str, variant_share: float
    ):
        self.rng = rng
        self.community = community
        self.variant_share = variant_share
        self.surname = self._family_surname(district_key, category)

    def _family_surname(self, key: str, category: str) -> N.Name | None:
        rng = self.rng
        if self.community == "HINDU":
            if category == "SC":
                pairs = N.HINDU_SURNAMES_SC
            elif category == "OBC":
                pairs = N.HINDU_SURNAMES_OBC
            else:
                pairs = N.HINDU_SURNAMES_BY_DISTRICT.get(key, N.HINDU_SURNAMES_BY_DISTRICT[""])
            return _BY_ROMAN[_pick_weighted(rng, pairs)]
        if self.community == "MUSLIM":
            return _BY_ROMAN[_pick_weighted(rng, N.MUSLIM_SURNAME_WEIGHTS)]
        if self.community == "BUDDHIST":
            choice = _pick_weighted(
                rng, N.BUDDHIST_SURNAMES_BY_DISTRICT.get(key, N.BUDDHIST_SURNAMES_BY_DISTRICT[""])
            )
            return None if choice == "_" else _BY_ROMAN[choice]
        return None  # Sikh: Singh / Kaur per person

    def name(self, sex: str, birth_year: int) -> tuple[list[N.Name], N.Name | None]:
        """Given-name parts and family name of one member."""
        rng = self.rng
        female = sex == "F"
        if self.community == "HINDU":
            older = birth_year < 1975 or (birth_year < 1990 and rng.random() < 0.5)
            pool = (
                (N.HINDU_FEMALE_OLDER if older else N.HINDU_FEMALE_YOUNGER)
                if female
                else (N.HINDU_MALE_OLDER if older else N.HINDU_MALE_YOUNGER)
            )
            surname = self.surname
            if female and birth_year < 1985 and rng.random() < 0.5:
                surname = N.DEVI
            return [rng.choice(pool)], surname
        if self.community == "SIKH":
            return [rng.choice(N.SIKH_FEMALE if female else N.SIKH_MALE)], N.KAUR if female else N.SINGH
        if self.community == "MUSLIM":
            given = rng.choice(N.MUSLIM_FEMALE if female else N.MUSLIM_MALE)
            surname = self.surname
            if female and rng.random() < 0.4:
                surname = rng.choice(N.MUSLIM_WOMEN_SURNAMES)
            elif surname is not None and given.roman.startswith(surname.roman):
                surname = _BY_ROMAN["Khan"]
            return [given], surname
        first = rng.choice(N.BUDDHIST_FIRST_FEMALE if female else N.BUDDHIST_FIRST_MALE)
        second_pool = N.BUDDHIST_SECOND_FEMALE if female else N.BUDDHIST_SECOND_MALE
        second = rng.choice([n for n in second_pool if n.roman != first.roman])
        return [first, second], self.surname

    def spelled(self, parts: list[N.Name], surname: N.Name | None) -> tuple[str, str, str, str]:
        """(given, family, full Roman, full Devanagari)."""
        given = " ".join(_spell(self.rng, p, self.variant_share) for p in parts)
        family = _spell(self.rng, surname, self.variant_share) if surname else ""
        deva = " ".join([p.deva for p in parts] + ([surname.deva] if surname else []))
        return given, family, f"{given} {family}".strip(), deva


# --- families -------------------------------------------------------------------------------------
def _community(rng: random.Random, key: str) -> str:
    shares = N.COMMUNITY_SHARES.get(key, N.COMMUNITY_SHARES[""])
    return rng.choices(["HINDU", "SIKH", "MUSLIM", "BUDDHIST"], weights=shares)[0]


def _social_category(rng: random.Random, community: str, key: str, surname: str | None) -> str:
    if community == "BUDDHIST" or (community == "MUSLIM" and surname == "Gujjar"):
        return "ST"
    if community == "HINDU":
        st_share = {"kinn": 0.7, "laha": 0.8, "cham": 0.25}.get(key, 0.01)
        sc_share = 0.1 if key in {"kinn", "laha"} else 0.26
        roll = rng.random()
        if roll < st_share:
            return "ST"
        if roll < st_share + sc_share:
            return "SC"
        return "OBC" if roll < st_share + sc_share + 0.14 else "GEN"
    return rng.choices(["GEN", "OBC", "SC"], weights=[6, 3, 1] if community == "MUSLIM" else [8, 0, 2])[0]


def _ration_card(rng: random.Random, category: str) -> tuple[str, bool, str]:
    """(card type, BPL, income band), poorer on average for SC/ST families."""
    weights = [12, 38, 3, 42, 5] if category in {"SC", "ST"} else [6, 24, 3, 61, 6]
    card = rng.choices(["AAY", "PHH", "NFSA", "STATE", "NONE"], weights=weights)[0]
    if card == "AAY":
        return card, True, "LT1L"
    if card == "PHH":
        bpl = rng.random() < 0.6
        return card, bpl, "LT1L" if bpl or rng.random() < 0.5 else "1L-2.5L"
    band = rng.choices(["LT1L", "1L-2.5L", "2.5L-5L", "GT5L"], weights=[5, 45, 35, 15])[0]
    return card, rng.random() < 0.02, band


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice('6789')}{rng.randrange(10**9):09d}"


def _birth(rng: random.Random, age: int) -> tuple[datetime.date | None, int]:
    """A date of birth giving `age` on the reference date; older people more often know only the year."""
    dob = REFERENCE_DATE - datetime.timedelta(days=age * 365 + age // 4 + rng.randrange(365))
    if rng.random() < (0.4 if age >= 60 else 0.08):
        return None, dob.year
    return dob, dob.year


def _abha_address(given: str, family: str, serial: int) -> str:
    first = "".join(ch for ch in given.split(" ")[0].lower() if ch.isalpha())[:12] or "user"
    last = "".join(ch for ch in family.lower() if ch.isalpha())[:10] or "hp"
    return f"{first}.{last}{serial}@abdm"


def make_family(
    rng: random.Random, mint: IdMint, gp: GpSlot, size: int, variant_share: float = 0.15
) -> FamilySpec:
    key = N.district_key(gp.district_name)
    community = _community(rng, key)
    # The category is drawn before the surname so SC and OBC families carry their communities' names.
    category = _social_category(rng, community, key, None)
    namer = Namer(rng, community, key, category, variant_share)
    if community == "MUSLIM" and namer.surname is not None and namer.surname.roman == "Gujjar":
        category = "ST"
    card, bpl, income = _ration_card(rng, category)
    verified = rng.random() < 0.8
    temporary = not verified and rng.random() < 0.1
    family = FamilySpec(
        family_id=mint.family_id(),
        gp=gp,
        community=community,
        social_category=category,
        address=f"Ward {rng.randint(1, 7)}, Gram Panchayat {gp.gp_name}"
        + (f", Block {gp.block_name}" if gp.block_name else "")
        + f", District {gp.district_name.title()}",
        ration_card_type=card,
        ration_card_no="" if card == "NONE" else mint.ration_card_no(gp.district_lgd),
        is_bpl=bpl,
        income_band=income,
        verification_status="VERIFIED" if verified else "PENDING",
        verified_on=datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(1030))
        if verified
        else None,
        is_temporary=temporary,
    )
    family_mobile = _mobile(rng) if rng.random() < 0.95 else None
    used_names: set[str] = set()
    for slot in household_slots(size, rng):
        dob, yob = _birth(rng, slot.age)
        for _attempt in range(3):  # no two members of one family with the same given name
            parts, surname = namer.name(slot.sex, yob)
            if parts[0].roman not in used_names:
                break
        used_names.add(parts[0].roman)
        given, family_name, roman, deva = namer.spelled(parts, surname)
        member = MemberSpec(
            member_id=mint.member_id(),
            relation=slot.relation,
            sex=slot.sex,
            given_name=given,
            family_name=family_name,
            name_roman=roman,
            name_deva=deva,
            date_of_birth=dob,
            year_of_birth=yob,
            marital_status=slot.marital,
        )
        _contact_and_ids(rng, mint, member, slot, family_mobile)
        for name, value in eligibility_facts(member.member_id, slot.sex, slot.age).items():
            setattr(member, name, value)
        family.members.append(member)
    return family


def eligibility_facts(member_id: str, sex: str, age: int) -> dict[str, object]:
    """Plausible HIMCARE eligibility facts for a synthetic member (occupation, disability, MGNREGA days,
    child care institution), from a random stream of its own keyed by the member id (himcare helper)."""
    rng = random.Random(f"eligibility:{member_id}")
    facts: dict[str, object] = {
        "occupation": "",
        "disability_percent": 0,
        "mgnrega_days": 0,
        "in_child_care_institution": False,
    }
    if rng.random() < 0.02:
        facts["disability_percent"] = rng.choice((20, 40, 45, 50, 60, 75, 80, 100))
    if age < 18:
        facts["in_child_care_institution"] = rng.random() < 0.002
        facts["occupation"] = "STUDENT" if age >= 6 else ""
        return facts
    draw = rng.random()
    if age >= 60:
        choices = (("GOVT_PEN", 0.10), ("FARMER", 0.45), ("HOME", 0.30))
    else:
        choices = (
            ("GOVT_EMP", 0.07),
            ("CONTRACT", 0.03),
            ("VENDOR", 0.015),
            ("MGNREGA", 0.12),
            ("MDM", 0.006 if sex == "F" else 0.0),
            ("AWW_ASHA", 0.02 if sex == "F" else 0.0),
            ("STUDENT", 0.25 if age < 24 else 0.0),
            ("PRIVATE", 0.10),
            ("SELF", 0.08),
            ("FARMER", 0.20),
            ("HOME", 0.25 if sex == "F" else 0.0),
        )
    for occupation, share in choices:
        if draw < share:
            facts["occupation"] = occupation
            break
        draw -= share
    else:
        facts["occupation"] = "OTHER" if rng.random() < 0.3 else ""
    if facts["occupation"] == "MGNREGA" or (facts["occupation"] in ("FARMER", "HOME") and rng.random() < 0.2):
        facts["mgnrega_days"] = rng.randint(10, 100)
    return facts


def _contact_and_ids(
    rng: random.Random, mint: IdMint, member: MemberSpec, slot: _Slot, family_mobile: str | None
):
    adult = slot.age >= 18
    if slot.relation == "SELF":
        member.mobile = family_mobile
    elif adult:
        own = 0.4 if slot.age >= 65 else 0.8
        member.mobile = (
            _mobile(rng) if rng.random() < own else (family_mobile if rng.random() < 0.6 else None)
        )
    else:
        member.mobile = family_mobile if rng.random() < 0.5 else None
    if rng.random() < (0.95 if adult else 0.7):
        member.aadhaar_last4 = f"{rng.randrange(10000):04d}"
    if rng.random() < (0.44 if adult else 0.32):
        member.abha_number = mint.abha_number()
        if rng.random() < 0.35:
            member.abha_address = _abha_address(member.given_name, member.family_name, mint.abhas)
    if adult and 20 <= slot.age <= 40 and slot.relation in {"SON", "DAUGHTER", "BROTHER", "SISTER"}:
        if rng.random() < 0.05:
            member.status = "MIGRATED"


def generate_families(
    people: int, gps: Sequence[GpSlot], seed: int, variant_share: float = 0.15
) -> Iterator[FamilySpec]:
    """Families holding exactly `people` people over `gps`, yielded one at a time."""
    rng = random.Random(seed)
    mint = IdMint(seed)
    produced = target = 0
    for gp, gp_people in zip(gps, allocate_people(people, gps, rng), strict=True):
        target += gp_people
        # Families may overrun a GP's quota a little (the next GP gets less) so that only the very last
        # family is cut short, which keeps the household sizes true to the distribution.
        while produced < target:
            size = min(_household_size(rng), people - produced)
            produced += size
            yield make_family(rng, mint, gp, size, variant_share)
