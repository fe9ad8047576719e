"""Roman -> Devanagari machine transliteration of place names (a first draft a person corrects).

Roman spellings of Himachal names drop the vowels Hindi writes: "Kotkhai" is कोटखाई, not कोत्खै; plain
ITRANS reads them literally. The rules here, applied before ITRANS:
- schwa: two consonants in a row get the inherent vowel between them (Shimla -> शिमला, Basant|pur), except
  real clusters: a doubled consonant (Kullu -> कुल्लू), a consonant before y, a nasal or l before h (Balh),
  t/d before r (-tra), s before a stop (Spiti), and r or v after the first consonant of a word (Pragpur);
- vowels: a word-final a/i/u and a final "ai" are long (Kasauli -> कसौली, Kotkhai), "aa", "ee", "oo" too; a
  final "er" is अर (Bagger -> बग्गर);
- retroflex: "tt" -> ट्ट, "nd" before a vowel -> ंड (Mandi), "rh" -> ढ़ (Rajgarh), "kot"/"ghat" -> कोट/घाट;
- nasals: n before a consonant, m before p/b, is an anusvara (Chamba -> चंबा);
- common endings (-pur, -nagar, -garh, -ghat, -gaon, -dhar, -wala) are written as their own word.
`to_devanagari(name, known)` first takes whole names and words from `known` (English -> reviewed Hindi,
e.g. the override table `data/hindi_names.csv`), so one place is spelt one way everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from indic_transliteration import sanscript

_WORD = re.compile(r"[A-Za-z]+")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_VOWEL_TOKENS = ("aa", "ai", "au", "a", "A", "i", "I", "u", "U", "e", "o", "M")
_CONSONANT_TOKENS = (
    ".Dh", ".D", "chh", "kh", "gh", "ch", "jh", "th", "dh", "ph", "bh", "sh", "Th", "Dh",
    "k", "g", "j", "t", "d", "n", "p", "b", "m", "y", "r", "l", "v", "s", "h", "f", "z", "T", "D",
)  # fmt: skip
_TOKEN = re.compile("|".join(re.escape(t) for t in _VOWEL_TOKENS + _CONSONANT_TOKENS))
_STOPS = {"t", "th", "k", "kh", "p", "ph", "T", "Th"}
# Endings written as words of their own: "Basantpur" is बसंत + पुर, with no conjunct at the seam.
_SUFFIXES = {
    "pur": "पुर",
    "nagar": "नगर",
    "garh": "गढ़",
    "ghat": "घाट",
    "gaon": "गांव",
    "dhar": "धार",
    "wala": "वाला",
    "nath": "नाथ",
}
# "nd" is retroflex in Pahari names (Mandi, Narkanda) but dental in these stems.
_DENTAL_ND = ("sundar", "sunder", "indo", "chand", "nand", "anand", "bind", "govind")


def has_devanagari(text: str) -> bool:
    return bool(_DEVANAGARI.search(text or ""))


def _prepare(stem: str, *, final: bool) -> str:
    """Rewrite one lower-case Roman stem into the ITRANS spelling it most likely stands for."""
    w = stem.replace("ck", "k").replace("q", "k").replace("x", "ks")
    w = re.sub(r"c(?!h)", "k", w)  # Mcleodganj: a c that is no ch is a k
    w = w.replace("aa", "A").replace("ee", "I").replace("oo", "U").replace("ou", "au")
    w = re.sub(r"ow(?=[^aeiou]|$)", "au", w).replace("w", "v")
    w = w.replace("rh", ".Dh").replace("tt", "TT")
    w = re.sub(r"^kot(?=[^aeiouAIU]|$)", "koT", w)
    if not w.startswith(_DENTAL_ND):
        w = re.sub(r"nd(?=[aeiouAIU])(?!ar|er)", "MD", w)  # -indar, -ander: Jogindar, Chander
    w = re.sub(r"n(?=[bcdfgjklmpstvzDT])", "M", w)  # not before n, h or y: those make other sounds
    w = re.sub(r"m(?=[pb])", "M", w)
    w = re.sub(r"i(?=a)", "iy", w)  # Bhatia -> भतिया, not भतिअ
    w = re.sub(r"(?<=[^aeiouAIU])er$", "ar", w)  # Tikker, Sunder: a short a, not ए
    if not final:  # a written a before an ending is long: Lambagaon -> लंबागांव
        w = re.sub(r"(?<=[^aeiouAIU.])a$", "A", w)
    else:
        w = re.sub(r"(?<=[^aeiouAIU])ai$", "AI", w)
        w = re.sub(r"(?<=[^aeiouAIU.])([aiu])$", lambda m: m.group(1).upper(), w)
    return w


def _is_cluster(first: str, second: str, *, initial: bool) -> bool:
    """Two consonants Hindi writes as a conjunct (no vowel between them). Inside a word r (but after t, d)
    and v follow with a vowel between (Nagrota -> नगरोता, Bagwan), at its start they do not (Pragpur)."""
    if first == second or (second == "y" and first != "r") or (second == "h" and first in "nmlv"):
        return True
    if second == "r" and first in ("t", "d"):  # -tra, -dra: Chandra, Bhjautra
        return True
    if second in ("r", "v"):
        return initial and first not in ("r", "h", "y", "v")
    return first == "s" and second in _STOPS


def _with_schwas(itrans: str) -> str:
    """Put the inherent vowel back between consonants that do not form a conjunct, and after the last."""
    tokens = _TOKEN.findall(itrans)
    out: list[str] = []
    previous_consonant = ""
    for token in tokens:
        is_vowel = token in _VOWEL_TOKENS
        initial = len(out) == 1
        if (
            not is_vowel
            and previous_consonant
            and not _is_cluster(previous_consonant, token, initial=initial)
        ):
            out.append("a")
        out.append(token)
        previous_consonant = "" if is_vowel else token
    if previous_consonant:
        out.append("a")
    return "".join(out)


def _stem_to_devanagari(stem: str, *, final: bool) -> str:
    itrans = _with_schwas(_prepare(stem, final=final))
    return sanscript.transliterate(itrans, sanscript.ITRANS, sanscript.DEVANAGARI)


def word_to_devanagari(word: str) -> str:
    """One Roman word by the rules above (no lookup)."""
    w = word.lower()
    for suffix, hindi in _SUFFIXES.items():
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return _stem_to_devanagari(w[: -len(suffix)], final=False) + hindi
    if w in _SUFFIXES:
        return _SUFFIXES[w]
    return _stem_to_devanagari(w, final=True)


def _lookup_words(words: list[str], known: Mapping[str, str]) -> list[str]:
    """Longest runs of words found in `known` (keys casefolded), the rest word by word."""
    out, i = [], 0
    while i < len(words):
        for j in range(len(words), i, -1):
            hindi = known.get(" ".join(words[i:j]).casefold())
            if hindi:
                out.append(hindi)
                i = j
                break
        else:
            out.append(word_to_devanagari(words[i]))
            i += 1
    return out


def to_devanagari(name: str, known: Mapping[str, str] | None = None) -> str:
    """Transliterate every Roman word of `name`; keep spaces, digits and punctuation as they are.

    Names and words in `known` (casefolded English -> Hindi) are taken from there, the whole name first."""
    if has_devanagari(name):
        return name
    known = known or {}
    if hindi := known.get(" ".join(name.split()).casefold()):
        return hindi
    pieces = re.split(r"([A-Za-z]+(?: [A-Za-z]+)*)", name)
    text = "".join(
        " ".join(_lookup_words(p.split(" "), known)) if _WORD.fullmatch(p.replace(" ", "")) else p
        for p in pieces
    )
    return unicodedata.normalize("NFC", text)
