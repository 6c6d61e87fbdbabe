"""Resume near-duplicates: word shingles without boilerplate, MinHash, LSH bands.

Headings and template lines ("Work Experience", "References available upon request") and very
short lines (names, contact details, dates) are dropped before shingling, so two resumes on one
template share nothing unless their content does. The LSH bands only find candidates; the
Jaccard similarity of the shingle sets themselves decides (`jaccard`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from datasketch import MinHash

NUM_PERM = 128
BANDS = 32  # 32 bands x 4 rows: a pair with Jaccard s shares a band with p = 1-(1-s^4)^32,
ROWS = NUM_PERM // BANDS  # 0.42 at s=0.3, 0.87 at s=0.45, 0.99+ at s=0.6
SHINGLE_WORDS = 3
MIN_SHINGLES = 12  # shorter texts carry too little to call a copy
MIN_LINE_WORDS = 4

HEADINGS = frozenset(
    {
        "summary",
        "professional summary",
        "profile",
        "objective",
        "career objective",
        "about me",
        "experience",
        "work experience",
        "professional experience",
        "employment history",
        "employment",
        "work history",
        "education",
        "skills",
        "technical skills",
        "core skills",
        "key skills",
        "projects",
        "certifications",
        "certificates",
        "languages",
        "interests",
        "hobbies",
        "references",
        "contact",
        "contact information",
        "personal details",
        "awards",
        "publications",
        "volunteer experience",
        "achievements",
        "key achievements",
        "references available upon request",
        "references available on request",
        "curriculum vitae",
        "resume",
        "tools",
        "technologies",
        "responsibilities",
        "key responsibilities",
    }
)
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.]*")


def _line_words(line: str) -> list[str]:
    """The line's content words; [] for a heading or a line too short to count."""
    folded = unicodedata.normalize("NFKD", line.casefold())
    words = [w.rstrip(".") for w in _WORD.findall(folded)]
    if " ".join(words) in HEADINGS or len(words) < MIN_LINE_WORDS:
        return []
    return words


def _shingled(words: list[str]) -> set[str]:
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def shingles(text: str) -> set[str]:
    return _shingled([w for line in (text or "").splitlines() for w in _line_words(line)])


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str) -> float:
    """What the check fires on: the Jaccard similarity of the two resumes' shingle sets."""
    return jaccard(shingles(a), shingles(b))


def shared_lines(text: str, other: str) -> list[bool]:
    """For each line of `text`, whether most of its shingles are among those `other` shares:
    the lines behind the similarity, in the check's own terms (headings and short lines never
    count, as they never count toward the similarity)."""
    theirs = shingles(other)
    marks = []
    for line in (text or "").splitlines():
        mine = _shingled(_line_words(line))
        marks.append(bool(mine) and 2 * len(mine & theirs) >= len(mine))
    return marks


def bands(text: str) -> list[str]:
    """ "b{i}:{hash}" LSH band keys of the resume's MinHash; [] when the text is too short."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return []
    mh = MinHash(num_perm=NUM_PERM, seed=1)
    mh.update_batch([g.encode() for g in grams])
    values = mh.hashvalues
    keys = []
    for i in range(BANDS):
        chunk = values[i * ROWS : (i + 1) * ROWS].tobytes()
        keys.append(f"b{i}:{hashlib.blake2b(chunk, digest_size=8).hexdigest()}")
    return keys
