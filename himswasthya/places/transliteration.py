"""Roman -> Devanagari machine transliteration of place names (a first draft a person corrects in the admin).

Plain ITRANS reads Roman Hindi spellings too literally ("Shimla" -> शिम्ल, "Rampur" -> रम्पुर्). A few
rules of how place names are spelt in English fix most of it before ITRANS runs: a word-final a/i/u is
long (Shimla -> शिमला, Manali -> मनाली, Kullu -> कुल्लू), "ee"/"oo"/"ou" are long vowels, n before a
consonant is a nasal (anusvara), and a word-final consonant keeps its inherent vowel (no halant).
"""

from __future__ import annotations

import re
import unicodedata

from indic_transliteration import sanscript

_WORD = re.compile(r"[A-Za-z]+")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_VOWELS = set("aeiou")
_HALANT = "\u094d"


def has_devanagari(text: str) -> bool:
    return bool(_DEVANAGARI.search(text or ""))


def _prepare(word: str) -> str:
    """Rewrite one lower-case Roman word into the ITRANS spelling it most likely stands for."""
    w = word.replace("ck", "k").replace("ee", "I").replace("oo", "U").replace("ou", "au")
    w = re.sub(r"ow(?=[^aeiou]|$)", "au", w).replace("w", "v")
    # n before a consonant (not before another n, h or y, which make other sounds) is a nasal.
    w = re.sub(r"n(?=[bcdfgjklmpqstvxz])", "M", w)
    if len(w) >= 2 and w[-1] in "aiu" and w[-2] not in _VOWELS and w[-2] not in "AIU":
        w = w[:-1] + w[-1].upper()
    return w


def _word_to_devanagari(word: str) -> str:
    text = sanscript.transliterate(_prepare(word.lower()), sanscript.ITRANS, sanscript.DEVANAGARI)
    return text[:-1] if text.endswith(_HALANT) else text


def to_devanagari(name: str) -> str:
    """Transliterate every Roman word of `name`; keep spaces, digits and punctuation as they are."""
    if has_devanagari(name):
        return name
    text = _WORD.sub(lambda m: _word_to_devanagari(m.group(0)), name)
    return unicodedata.normalize("NFC", text)
