"""ICAO Doc 9303 machine-readable zones: TD1 (3x30, Part 5), TD2 (2x36, Part 6), TD3 (2x44,
Part 4); check digits with weights 7-3-1 (Part 3, section 4.9).

`mrz_ingest` runs when a document is stored. Masking the document-number field destroys what
its check digit and the composite check digit cover, so both are judged here, before masking,
and the results go into the facts with the parsed fields and a keyed hash of the MRZ's number
(made by the caller's `number_key` function: the server key stays in the layer that stores) that
the documents check compares with the document's own number key. Sex is not kept: nothing scores it.

Hand-written rather than the `mrz` package: that package has not been released since 2020 and
reports only overall validity, while we need each field's result before masking.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from checks.identifiers import last4

_WEIGHTS = (7, 3, 1)
_CHARSET = re.compile(r"^[A-Z0-9<]*$")
MASK = "*"
# (lines, length) -> format name
_FORMATS = {(3, 30): "TD1", (2, 36): "TD2", (2, 44): "TD3"}


def check_digit(field: str) -> str | None:
    """ICAO 9303 check digit of a field; None if it holds a character outside A-Z 0-9 <."""
    total = 0
    for i, ch in enumerate(field):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - 55
        elif ch == "<":
            value = 0
        else:
            return None
        total += value * _WEIGHTS[i % 3]
    return str(total % 10)


@dataclass(frozen=True, slots=True)
class _Layout:
    number: str
    number_digit: str
    number_spans: tuple[tuple[int, int, int], ...]  # (line, start, end) to mask
    birth: str
    birth_digit: str
    expiry: str
    expiry_digit: str
    nationality: str
    optional: str
    optional_digit: str | None
    composite: str
    composite_digit: str
    names: str


def split_lines(mrz: str) -> list[str]:
    lines = [re.sub(r"\s+", "", line).upper() for line in (mrz or "").strip().splitlines()]
    lines = [line for line in lines if line]
    if len(lines) == 1:  # sent without line breaks: cut at a known total length
        for count, length in _FORMATS:
            if len(lines[0]) == count * length:
                return [lines[0][i * length : (i + 1) * length] for i in range(count)]
    return lines


def _layout(fmt: str, lines: list[str]) -> _Layout:
    if fmt == "TD1":
        l1, l2, l3 = lines
        number, digit = l1[5:14], l1[14]
        spans: tuple[tuple[int, int, int], ...] = ((0, 5, 15),)
        if digit == "<" and l1[15] != "<":  # long number: it continues in the optional field
            rest = l1[15:30].split("<", 1)[0]
            number, digit = number + rest[:-1], rest[-1:]
            spans = ((0, 5, 15 + len(rest)),)
        return _Layout(
            number,
            digit,
            spans,
            l2[0:6],
            l2[6],
            l2[8:14],
            l2[14],
            l2[15:18],
            l1[15:30] + l2[18:29],
            None,
            l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29],
            l2[29],
            l3,
        )
    l1, l2 = lines
    end = 42 if fmt == "TD3" else 35
    optional_digit = l2[42] if fmt == "TD3" else None
    return _Layout(
        l2[0:9],
        l2[9],
        ((1, 0, 10),),
        l2[13:19],
        l2[19],
        l2[21:27],
        l2[27],
        l2[10:13],
        l2[28:end],
        optional_digit,
        l2[0:10] + l2[13:20] + l2[21 : end + (1 if fmt == "TD3" else 0)],
        l2[end + 1] if fmt == "TD3" else l2[35],
        l1[5:],
    )


def _date(yymmdd: str, *, birth: bool, today: date) -> date | None:
    if not yymmdd.isdigit():
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    year = 2000 + yy
    if (birth and year > today.year) or (not birth and year > today.year + 30):
        year -= 100
    try:
        return date(year, mm, dd)
    except ValueError:
        return None


def _names(field: str) -> tuple[str, str]:
    surname, _, given = field.partition("<<")
    return surname.replace("<", " ").strip(), " ".join(given.replace("<", " ").split())


def _digit_results(lay: _Layout) -> dict[str, bool | None]:
    """Each check digit's verdict; None where masking already hid the field."""

    def ok(field: str, digit: str) -> bool | None:
        if MASK in field or MASK in digit:
            return None
        return check_digit(field) == digit

    results = {
        "number": ok(lay.number, lay.number_digit),
        "birth_date": ok(lay.birth, lay.birth_digit),
        "expiry_date": ok(lay.expiry, lay.expiry_digit),
        "composite": ok(lay.composite, lay.composite_digit),
    }
    if lay.optional_digit is not None:
        empty = set(lay.optional) <= {"<"} and lay.optional_digit in "<0"
        results["optional"] = True if empty else ok(lay.optional, lay.optional_digit)
    return results


def mrz_parse(mrz: str, *, today: date | None = None) -> dict[str, Any]:
    """Facts of an MRZ: format, fields, each check digit, and errors (never raises)."""
    today = today or date.today()
    lines = split_lines(mrz)
    fmt = (
        _FORMATS.get((len(lines), len(lines[0])))
        if lines and len({len(line) for line in lines}) == 1
        else None
    )
    if fmt is None:
        shape = " + ".join(str(len(line)) for line in lines) or "nothing"
        return {
            "format": None,
            "valid": False,
            "errors": [
                f"structure: {len(lines)} line(s) of {shape} characters; expected TD1 (3x30), "
                "TD2 (2x36) or TD3 (2x44)"
            ],
        }
    errors = [
        f"line {i + 1}: characters outside A-Z 0-9 <"
        for i, line in enumerate(lines)
        if not _CHARSET.match(line.replace(MASK, "<"))
    ]
    lay = _layout(fmt, lines)
    digits = _digit_results(lay)
    errors += [f"check digit: {name}" for name, good in digits.items() if good is False]
    birth = _date(lay.birth, birth=True, today=today)
    expiry = _date(lay.expiry, birth=False, today=today)
    if birth is None:
        errors.append(f"birth date {lay.birth!r} is not a date")
    if expiry is None:
        errors.append(f"expiry date {lay.expiry!r} is not a date")
    surname, given = _names(lay.names)
    return {
        "format": fmt,
        "document_code": lines[0][0:2].replace("<", ""),
        "issuing_state": lines[0][2:5].replace("<", ""),
        "surname": surname,
        "given_names": given,
        "names_truncated": not lay.names.endswith("<"),
        "number": lay.number.replace("<", ""),
        "nationality": lay.nationality.replace("<", ""),
        "birth_date": birth.isoformat() if birth else None,
        "expiry_date": expiry.isoformat() if expiry else None,
        "check_digits": digits,
        "valid": not errors,
        "errors": errors,
        "_spans": lay.number_spans,
    }


def mask_number(lines: list[str], spans: tuple[tuple[int, int, int], ...]) -> str:
    masked = list(lines)
    for line, start, end in spans:
        masked[line] = masked[line][:start] + MASK * (end - start) + masked[line][end:]
    return "\n".join(masked)


def mrz_ingest(mrz: str, *, number_key: Callable[[str, str], str]) -> tuple[str, dict[str, Any]]:
    """Return (MRZ with the document-number field masked, facts judged before masking).
    `number_key(issuing_country, number)` is the keyed hash the document's own number gets."""
    facts = mrz_parse(mrz)
    spans = facts.pop("_spans", None)
    number = facts.pop("number", "")
    if facts["format"] is None or spans is None:
        # Not an MRZ we can read: keep no number-looking text at all.
        return re.sub(r"[A-Z0-9]", MASK, (mrz or "").upper()), facts
    facts["number_last4"] = last4(number)
    facts["number_key"] = number_key(facts["issuing_state"], number) if number else ""
    return mask_number(split_lines(mrz), spans), facts
