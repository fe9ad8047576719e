"""Search keys for names in either script: one Roman key space that Devanagari names are transliterated into.

`name_key("Rajesh Thakkar") == name_key("राजेश ठाकुर") == "rajes takur"`-ish: the key folds the spelling
variants of Himachali registers (Thakur/Thakkar, Chauhan/Chouhan, Verma/Varma, Mohd/Muhammad,
Chhering/Tsering, doubled letters, aa/a, ee/i, oo/u, w/v, ph/f, sh/s, aspiration). `skeleton()` drops the
vowels as well, for blocking candidates and for scoring names whose vowels differ (Thakur/Thakkar -> "tkr").

Devanagari is transliterated with indic_transliteration (IAST), then Hindi schwa deletion is applied
(कमला -> kamlā, not kamalā; राजेश -> rājeś) before folding to ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from indic_transliteration import sanscript

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")

# Whole-token synonyms: abbreviations no letter rule can reach.
_TOKEN_SYNONYMS = {
    "md": "mohammad",
    "mohd": "mohammad",
    "mohamad": "mohammad",
    "mohammed": "mohammad",
    "mohamed": "mohammad",
    "muhammad": "mohammad",
    "muhammed": "mohammad",
    "muhamad": "mohammad",
    "mohmad": "mohammad",
    "kumari": "kumari",
}

# IAST units: a vowel (with a following anusvara/visarga kept on it), or a consonant (aspirates are one unit).
_IAST_UNIT = re.compile(r"ai|au|[aāiīuūeoṛṝḷ][ṃḥ]?|[kgcjṭḍtdpb]h|.", re.DOTALL)
_IAST_VOWEL = re.compile(r"^(ai|au|[aāiīuūeoṛṝḷ])[ṃḥ]?$")


def has_devanagari(text: str) -> bool:
    return bool(_DEVANAGARI.search(text or ""))


def _delete_schwas(word: str) -> str:
    """Hindi drops the inherent 'a' at the end of a word and in a VC_CV context (kamalā -> kamlā)."""
    units = _IAST_UNIT.findall(word)
    vowel = [bool(_IAST_VOWEL.match(u)) for u in units]
    keep = [True] * len(units)
    n = len(units)
    # ...but not after a cluster: आदित्य stays āditya, मिश्र mishra.
    if n >= 2 and units[-1] == "a" and not vowel[-2] and (n == 2 or vowel[-3]):
        keep[-1] = False
    for i in range(n - 3, 1, -1):
        # V C _ C(C) V: the consonant after the schwa may start a cluster (bhāradvāja -> bhārdvāj).
        sounded = [vowel[j] and keep[j] for j in range(n)]
        if (
            units[i] == "a"
            and not vowel[i - 1]
            and sounded[i - 2]
            and not vowel[i + 1]
            and (
                sounded[i + 2]
                or (
                    not vowel[i + 2]
                    and units[i + 2] != units[i + 1]  # not a geminate
                    and i + 3 < n
                    and sounded[i + 3]
                )
            )
        ):
            keep[i] = False
    return "".join(u for u, k in zip(units, keep, strict=True) if k)


def _iast_to_ascii(text: str) -> str:
    text = text.replace("ṃh", "ngh").replace("ch", "chh")
    text = re.sub(r"c(?!hh)", "ch", text)
    for src, dst in (
        ("ś", "sh"),
        ("ṣ", "sh"),
        ("ṛ", "ri"),
        ("r̥", "ri"),
        ("ṃ", "n"),
        ("ṅ", "n"),
        ("ñ", "n"),
        ("ṇ", "n"),
    ):
        text = text.replace(src, dst)
    return fold_ascii(text)


def fold_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def devanagari_to_roman(text: str) -> str:
    """A readable Roman spelling of a Devanagari name (राजेश ठाकुर -> "rajesh thakur")."""
    iast = sanscript.transliterate(unicodedata.normalize("NFC", text), sanscript.DEVANAGARI, sanscript.IAST)
    iast = unicodedata.normalize("NFC", iast.lower())
    words = [_delete_schwas(w) for w in _SPACES.split(iast) if w]
    return _SPACES.sub(" ", _NOT_LETTER.sub(" ", _iast_to_ascii(" ".join(words)))).strip()


@lru_cache(maxsize=50_000)
def roman_to_devanagari(text: str) -> str:
    """A rough Devanagari spelling of a Roman name, for display only; callers mark it machine-made."""
    words = [w for w in _SPACES.split(fold_ascii(text or "").lower()) if w]
    out = []
    for word in words:
        word = re.sub(r"[^a-z]", "", word)
        # Roman names write the long 'aa' as 'a' and drop the final schwa: read them as ITRANS would.
        word = re.sub(r"a(?=[^aeiou]*$)", "A", word) if not word.endswith("a") else word[:-1] + "A"
        word = word.replace("ee", "I").replace("oo", "U")
        word = word[:-1] + "I" if word.endswith("i") else word
        deva = sanscript.transliterate(word, sanscript.ITRANS, sanscript.DEVANAGARI)
        out.append(deva.removesuffix("्") if not word.endswith(("A", "i", "I", "u", "U", "e", "o")) else deva)
    return " ".join(out)


def _fold_token(token: str) -> str:
    token = _TOKEN_SYNONYMS.get(token, token)
    if token.startswith("tsh"):
        token = "ch" + token[3:]
    elif token.startswith("ts"):
        token = "ch" + token[2:]
    for src, dst in (("x", "ks"), ("q", "k"), ("z", "j"), ("w", "v"), ("ph", "f"), ("ck", "k"), ("ts", "ch")):
        token = token.replace(src, dst)
    token = re.sub(r"(?<=[bcdfghjklmnpqrstvxyz])h", "", token)  # aspiration, sh -> s, ch -> c
    vowels = (("ee", "i"), ("oo", "u"), ("ou", "o"), ("au", "o"), ("ai", "e"), ("ei", "e"), ("iya", "ia"))
    for src, dst in vowels:
        token = token.replace(src, dst)
    token = re.sub(r"ya$", "ia", token)
    token = re.sub(r"y$", "i", token)
    return re.sub(r"(.)\1+", r"\1", token)  # doubled letters, and aa -> a


def _words(text: str) -> list[str]:
    text = fold_ascii(text or "").lower()
    return [w for w in _SPACES.split(_NOT_LETTER.sub(" ", text.replace(".", " "))) if w]


@lru_cache(maxsize=100_000)
def name_key(text: str) -> str:
    """The search key of a name in either script."""
    if has_devanagari(text):
        text = devanagari_to_roman(text)
    return " ".join(_fold_token(w) for w in _words(text))


def skeleton(key: str) -> str:
    """Each word of a key without its vowels after the first letter: "rajes takur" -> "rjs tkr"."""
    return " ".join(w[0] + re.sub(r"[aeiouy]", "", w[1:]) for w in key.split() if w)


def search_keys(name_roman: str, name_deva: str) -> dict[str, str]:
    """The search columns of a Person, for `Person.save()` and for bulk writers (COPY, bulk_create).

    Returns {"name_key", "name_deva_key", "name_blocks"}; `name_blocks` is " " + the skeleton words of both
    keys, de-duplicated, each preceded by a space so that `LIKE '% tk%'` finds a word start.
    """
    roman = name_key(name_roman or "")
    deva = name_key(name_deva or "") if name_deva else ""
    words = []
    for word in (skeleton(roman) + " " + skeleton(deva)).split():
        if word not in words:
            words.append(word)
    return {
        "name_key": roman[:200],
        "name_deva_key": deva[:200],
        "name_blocks": (" " + " ".join(words))[:200] if words else "",
    }
