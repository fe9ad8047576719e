"""Benchmark of patient search (people.services.do_search) on a synthetic population.

    DEBUG=1 DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/himswasthya_bench \\
        .venv/bin/python bench/search.py --people 1000000 --samples 300

Reuses the database's synthetic population when it has at least --people people (else makes one with
the demo app's `do_make_population`), migrates the people app, fills missing search keys, then measures
through the whole service (scope, rate limit, audit entry included):

- identifier lookups: ABHA number, ABHA address, mobile, UHID (issued here for the sample), member id;
- fuzzy name searches as staff type them (name + age + sex + district): Roman exact, Roman with one typo,
  Devanagari (script change), Devanagari with one typo;
- top-5 accuracy for the perturbed queries against the known person. With a few hundred first and family
  names, several people can share name, sex, district and year of birth; "top-5 (namesakes)" also counts a
  hit when the top 5 hold someone indistinguishable from the target by what was typed.

Prints the figures and adds them to bench/RESULTS.md under "Patient search".
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Patient search (bench/search.py)"
DEVANAGARI_LETTERS = "कखगघचछजझटठडढतथदधनपफबभमयरलवशसह"
DEVANAGARI_SIGNS = "ािीुूेैोौ"
ROMAN_LETTERS = "abcdefghijklmnoprstuvwy"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himswasthya.settings")
    os.environ.setdefault("DEBUG", "1")
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (this benchmark is meant for PostgreSQL).")
    import django

    django.setup()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _typo(name: str, rng: random.Random, letters: str) -> str:
    """One Roman typing slip (substitute, delete, insert or swap two letters) inside a word, never touching
    its first letter."""
    words = name.split()
    index = rng.choice([i for i, w in enumerate(words) if len(w) >= 3] or list(range(len(words))))
    word = words[index]
    for _attempt in range(10):
        pos = rng.randint(1, max(1, len(word) - 1))
        op = rng.choice(["sub", "del", "ins", "swap"])
        if op == "sub":
            new = word[:pos] + rng.choice(letters) + word[pos + 1 :]
        elif op == "del":
            new = word[:pos] + word[pos + 1 :]
        elif op == "ins":
            new = word[:pos] + rng.choice(letters) + word[pos:]
        elif pos >= 2:
            new = word[: pos - 1] + word[pos] + word[pos - 1] + word[pos + 1 :]
        else:
            continue
        if new != word and len(new) >= 2:
            words[index] = new
            return " ".join(words)
    return name


def _deva_typo(name: str, rng: random.Random) -> str:
    """One Devanagari slip that still spells a syllable: another consonant, or a vowel sign dropped, added or
    changed (a typo must not put a vowel sign where none can stand)."""
    words = name.split()
    index = rng.choice([i for i, w in enumerate(words) if len(w) >= 3] or list(range(len(words))))
    word = words[index]
    for _attempt in range(10):
        pos = rng.randint(1, max(1, len(word) - 1))
        char = word[pos] if pos < len(word) else ""
        if char in DEVANAGARI_LETTERS:
            new = word[:pos] + rng.choice(DEVANAGARI_LETTERS) + word[pos + 1 :]
        elif char in DEVANAGARI_SIGNS:
            new = word[:pos] + rng.choice([*DEVANAGARI_SIGNS, ""]) + word[pos + 1 :]
        elif word[pos - 1] in DEVANAGARI_LETTERS:
            new = word[:pos] + rng.choice(DEVANAGARI_SIGNS) + word[pos:]
        else:
            continue
        if new != word:
            words[index] = new
            return " ".join(words)
    return name


def _ensure_population(people: int, seed: int) -> None:
    from django.core.management import call_command

    from himswasthya.people.models import Person

    call_command("migrate", "people", verbosity=0, interactive=False)
    existing = Person.objects.filter(is_synthetic=True).count()
    if existing < people:
        from himswasthya.demo.population.services import do_make_population

        print(f"making a population of {people:,} (found {existing:,}) ...")
        do_make_population(people, seed=seed, replace=True)
    call_command("fill_search_keys", verbosity=0)
    print(f"people: {Person.objects.count():,}")


def _bench_user():
    from himswasthya.accounts.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench-search-state-admin", defaults={"role": Role.STATE_ADMIN}
    )
    return user


def _sample(rng: random.Random, n: int) -> list:
    from himswasthya.people.models import Person

    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    bottom = Person.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    chosen: dict[int, Person] = {}
    while len(chosen) < n:
        ids = [rng.randint(bottom, top) for _ in range(n * 2)]
        for person in Person.objects.filter(pk__in=ids, is_synthetic=True, merged_into__isnull=True).exclude(
            name_deva=""
        ):
            chosen.setdefault(person.pk, person)
    return list(chosen.values())[:n]


def _timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-record", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args()
    _setup_django()

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from himswasthya.people.models import IdentifierType, Person, PersonIdentifier
    from himswasthya.people.phonetic import name_key
    from himswasthya.people.services import do_issue_uhid, do_search

    settings.PEOPLE_SEARCH_PER_MINUTE = 10**9  # the benchmark is not the abuse the limit is for
    _ensure_population(args.people, args.seed)
    engine = (
        f"{connection.vendor} {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else "sqlite"
    )
    rng = random.Random(args.seed)
    user = _bench_user()
    sample = _sample(rng, args.samples)
    today = timezone.localdate()

    # --- identifier lookups ---
    ids_by_person: dict[int, dict[str, str]] = defaultdict(dict)
    for pk, id_type, value in PersonIdentifier.objects.filter(person__in=sample).values_list(
        "person_id", "id_type", "value"
    ):
        ids_by_person[pk][id_type] = value
    timings: dict[str, list[float]] = defaultdict(list)
    misses: dict[str, int] = defaultdict(int)
    for person in sample:
        ids_by_person[person.pk]["UHID"] = do_issue_uhid(person, actor=user)
        queries = {
            "ABHA number": ids_by_person[person.pk].get(IdentifierType.ABHA_NUMBER),
            "ABHA address": ids_by_person[person.pk].get(IdentifierType.ABHA_ADDRESS),
            "UHID": ids_by_person[person.pk]["UHID"],
            "member id": ids_by_person[person.pk].get(IdentifierType.HIM_PARIVAR_MEMBER),
            "mobile": person.mobile,
        }
        for label, value in queries.items():
            if not value:
                continue
            result, ms = _timed(do_search, user, value)
            timings[label].append(ms)
            if label != "mobile" and person.pk not in [h.person.pk for h in result.hits]:
                misses[label] += 1

    # --- names ---
    name_timings: dict[str, list[float]] = defaultdict(list)
    hits: dict[str, list[bool]] = defaultdict(list)
    near_hits: dict[str, list[bool]] = defaultdict(list)
    for person in sample:
        queries = {
            "Roman, exact": person.name_roman,
            "Roman, one typo": _typo(person.name_roman, rng, ROMAN_LETTERS),
            "Devanagari (script change)": person.name_deva,
            "Devanagari, one typo": _deva_typo(person.name_deva, rng),
        }
        age = person.age(today)
        for label, query in queries.items():
            result, ms = _timed(
                do_search, user, query, age=age, sex=person.sex, district=person.district_id, limit=20
            )
            name_timings[label].append(ms)
            top5 = [h.person for h in result.hits[:5]]
            hits[label].append(person.pk in [p.pk for p in top5])
            key = person.name_key
            near_hits[label].append(
                any(
                    p.pk == person.pk
                    or (
                        p.name_key == key
                        and p.sex == person.sex
                        and abs(p.year_of_birth - person.year_of_birth) <= 2
                    )
                    for p in top5
                )
            )

    # --- the same, without the audit write (to separate the search from the audit log's cost) ---
    from himswasthya.people import services

    bare: dict[str, list[float]] = defaultdict(list)
    recorder = services.record
    services.record = lambda *args, **kwargs: None
    try:
        for person in sample:
            for value in (ids_by_person[person.pk].get(IdentifierType.HIM_PARIVAR_MEMBER), person.mobile):
                if value:
                    bare["identifier lookup"].append(_timed(do_search, user, value)[1])
            age = person.age(today)
            bare["name, age, sex, district"].append(
                _timed(
                    do_search, user, person.name_deva, age=age, sex=person.sex, district=person.district_id
                )[1]
            )
            # State-wide, name only: the trigram path; namesakes make accuracy meaningless here.
            bare["name only, state-wide (trigram)"].append(
                _timed(do_search, user, _typo(person.name_roman, rng, ROMAN_LETTERS))[1]
            )
    finally:
        services.record = recorder

    people_count = Person.objects.count()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"### {stamp} UTC · {engine} · {people_count:,} people · `bench/search.py --people {args.people} "
        f"--samples {args.samples}`",
        "",
        "Through `do_search` as a state administrator (scope, rate limit and audit entry included); name "
        "searches with age ±2, sex and district as a registration clerk types them.",
        "",
        "| query | n | p50 ms | p95 ms | top-5 | top-5 (namesakes) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, values in timings.items():
        found = f"{100 * (1 - misses[label] / len(values)):.1f}%" if label != "mobile" else "n/a (shared)"
        lines.append(
            f"| {label} | {len(values)} | {statistics.median(values):.1f} | {_percentile(values, 0.95):.1f} "
            f"| {found} | |"
        )
    for label, values in name_timings.items():
        strict = 100 * sum(hits[label]) / len(hits[label])
        near = 100 * sum(near_hits[label]) / len(near_hits[label])
        lines.append(
            f"| name: {label} | {len(values)} | {statistics.median(values):.1f} "
            f"| {_percentile(values, 0.95):.1f} | {strict:.1f}% | {near:.1f}% |"
        )
    lines += [
        "",
        "Without the audit entry (`record()` replaced by a no-op; the rest of `do_search` unchanged):",
        "",
    ]
    lines += ["| query | n | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    for label, values in bare.items():
        lines.append(
            f"| {label} | {len(values)} | {statistics.median(values):.1f} | {_percentile(values, 0.95):.1f} |"
        )
    all_ids = [v for values in timings.values() for v in values]
    all_names = [v for values in name_timings.values() for v in values]
    perturbed = [h for label in hits if label != "Roman, exact" for h in hits[label]]
    perturbed_near = [h for label in near_hits if label != "Roman, exact" for h in near_hits[label]]
    lines += [
        "",
        f"- identifier lookups: p95 {_percentile(all_ids, 0.95):.1f} ms with the audit entry, "
        f"{_percentile(bare['identifier lookup'], 0.95):.1f} ms without (target < 10 ms)",
        f"- fuzzy name searches: p95 {_percentile(all_names, 0.95):.1f} ms (target < 150 ms)",
        f"- top-5 for one typo or a script change: {100 * sum(perturbed) / len(perturbed):.1f}% strict, "
        f"{100 * sum(perturbed_near) / len(perturbed_near):.1f}% counting indistinguishable namesakes "
        "(target ≥ 98%)",
        f"- name key of a sample query: {name_key(sample[0].name_roman)!r}",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_record:
        _append(report)


def _append(report: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if SECTION not in text:
        text = text.rstrip("\n") + (
            f"\n\n{SECTION}\n\n"
            "Latency and top-5 accuracy of the one search box (people.services.do_search): identifier "
            "lookups "
            "and fuzzy name search in both scripts (pg_trgm GIN or blocked candidates; rapidfuzz ranking).\n"
        )
    head, _, tail = text.partition(SECTION)
    section_end = tail.find("\n## ")
    section, rest = (tail, "") if section_end == -1 else (tail[: section_end + 1], tail[section_end + 1 :])
    # Newest first: before the section's first entry, after its introduction.
    first_entry = section.find("\n### ")
    intro, entries = (
        (section, "") if first_entry == -1 else (section[: first_entry + 1], section[first_entry + 1 :])
    )
    section = intro.rstrip("\n") + "\n\n" + report + "\n" + ("\n" + entries if entries else "")
    RESULTS.write_text(head + SECTION + section + ("\n" + rest if rest else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
