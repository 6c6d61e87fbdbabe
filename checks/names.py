"""Comparing people's names as they are written on payout accounts, MRZs and profiles.

Bank and travel documents write the same name many ways: family name first ("ERIKSSON ANNA M"),
without middle names, with initials, upper-cased, without accents (an MRZ has only A-Z), with
`<` as separator. A match here means "could be the same written name", not "is the same person".
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition does not reduce to ASCII, written as ICAO 9303 transliterates
# them in MRZs (Doc 9303 Part 3, section 6), so a bank name and an MRZ name meet halfway.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "oe",
        "Ø": "OE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "\u0131": "i",  # dotless i
    }
)
_SEPARATORS = re.compile(r"[^A-Z0-9]+")


def name_tokens(name: str) -> list[str]:
    """Upper-case ASCII words of a name: accents dropped, `<`, hyphens and punctuation split."""
    text = (name or "").translate(_TRANSLITERATE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return [t for t in _SEPARATORS.split(text.upper()) if t]


def normalise_text(value: str) -> str:
    """Case, whitespace and accent-insensitive form of free text (cities, streets)."""
    return " ".join(name_tokens(value))


def names_match(
    reference: str, other: str, *, truncated: bool = False, extra_initials: bool = False
) -> bool:
    """True when `other` could be the written form of `reference` in any order, with middle
    names dropped and names shortened to initials.

    Every word of `other` must be accounted for by a distinct word of `reference` (equal, or an
    initial of it); at least two words must match (one of them in full) unless `reference`
    has only one word. With `truncated` (an MRZ name field filled to its last character, which
    ICAO 9303 fills by cutting names short), a word may also be the start of a reference word.
    With `extra_initials` (bank records, which routinely add a middle initial the profile lacks:
    "CLARK, Megan J."), initials of `other` left over may stay unaccounted for once every word of
    `reference` is accounted for; an extra full name never may.
    """
    ref = name_tokens(reference)
    oth = name_tokens(other)
    if not ref or not oth:
        return False
    unused = list(ref)
    full_matches = 0
    spare_initials = 0
    # Full words first, so an initial cannot take the word a full name needs.
    for word in sorted(oth, key=len, reverse=True):
        cut = next((r for r in unused if r.startswith(word)), None) if truncated else None
        match = word if word in unused else cut
        if len(word) > 1 and match is not None:
            unused.remove(match)
            full_matches += 1
        elif len(word) == 1:
            initial = next((r for r in unused if r[0] == word), None)
            if initial is None and not extra_initials:
                return False
            if initial is None:
                spare_initials += 1
            else:
                unused.remove(initial)
        else:
            return False
    if spare_initials and unused:  # an extra initial only on top of the whole reference name
        return False
    return full_matches >= 1 and len(oth) - spare_initials >= min(2, len(ref))
