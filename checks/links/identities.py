"""Normalised names for the people-shaped link keys: payout holders and resume authors.

Pure string functions: the links layer derives keys with them, the check reads the keys.
"""

from __future__ import annotations

from checks.names import name_tokens, names_match

# Values word processors, resume builders and operating systems write when nobody set a name:
# shared by strangers, so they link nobody. Compared on the normalised form (upper-case words).
GENERIC_AUTHORS = frozenset(
    {
        "USER",
        "USERS",
        "ADMIN",
        "ADMINISTRATOR",
        "OWNER",
        "AUTHOR",
        "UNKNOWN",
        "DEFAULT",
        "GUEST",
        "ROOT",
        "PC",
        "HOME",
        "ME",
        "CV",
        "RESUME",
        "MICROSOFT OFFICE USER",
        "OFFICE USER",
        "WINDOWS USER",
        "MAC USER",
        "APPLE USER",
        "LOCAL USER",
        "VALUED CUSTOMER",
        "REGISTERED USER",
    }
)
# Any of these words marks a tool, a template or a platform, not a person.
TOOL_WORDS = frozenset(
    {
        "MICROSOFT",
        "OFFICE",
        "WORD",
        "WORDPAD",
        "EXCEL",
        "ADOBE",
        "ACROBAT",
        "PDF",
        "LIBREOFFICE",
        "OPENOFFICE",
        "WRITER",
        "GOOGLE",
        "DOCS",
        "PAGES",
        "QUARTZ",
        "CANVA",
        "LATEX",
        "PDFTEX",
        "XETEX",
        "LUATEX",
        "TEX",
        "WPS",
        "ZETY",
        "NOVORESUME",
        "KICKRESUME",
        "RESUMEGENIUS",
        "LINKEDIN",
        "INDEED",
        "TEMPLATE",
        "SKIA",
        "CHROMIUM",
        "CHROME",
        "PYPDF",
        "REPORTLAB",
        "WKHTMLTOPDF",
        "PRINCE",
        "GHOSTSCRIPT",
        "DOCX",
        "PYTHON",
    }
)


def holder_key(holder: str) -> str:
    """A payout holder's name as banks vary it: case, accents, order, punctuation and initials
    dropped ("CLARK, Megan J." and "Megan Clark" are one key); "" for nothing usable."""
    words = sorted({w for w in name_tokens(holder) if len(w) > 1 and not w.isdigit()})
    return " ".join(words) if len(words) >= 2 else ""


def holder_is_own(full_name: str, holder: str) -> bool:
    """The candidate's own name as a bank may write it (extra initials allowed)."""
    return names_match(full_name, holder, extra_initials=True)


def author_key(value: str) -> str:
    """A resume author or last-modified-by identity, or "" when it is generic, a tool's name or
    too short to name anyone ("User", "Microsoft Office User", "LibreOffice", "jd")."""
    words = name_tokens(value)
    joined = " ".join(words)
    if not words or joined in GENERIC_AUTHORS or any(w in TOOL_WORDS for w in words):
        return ""
    if len(joined.replace(" ", "")) < 4 or all(w.isdigit() for w in words):
        return ""
    return joined
