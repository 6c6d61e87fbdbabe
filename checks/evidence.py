"""How a signal's evidence reads to a recruiter: each check declares, once, a label and a unit for
the keys of the evidence it writes (`Check.evidence_fields`); the detail page and the signal
catalogue (and so the API docs) use that declaration. Evidence itself stays plain JSON facts.

A key a check does not declare is shown with its name made readable; a key declared hidden is
internal (an id, a key an admin pastes elsewhere) and stays in the API's JSON only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Unit = str  # "", "utc_offset", "hour_range", "bits", "km", "km/h", "share", "candidates"


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    unit: Unit = ""
    hidden: bool = False  # internal: kept in the API's evidence, never a line on the page


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    label: str
    values: tuple[str, ...]  # one value, or one per item of a list


def evidence_lines(fields: Mapping[str, Field], evidence: Any) -> list[EvidenceLine]:
    """The evidence as labelled lines; a list becomes one value per item, never one run-on line."""
    if not isinstance(evidence, dict):
        return [] if _empty(evidence) else [EvidenceLine("Detail", (_text(evidence, ""),))]
    if set(evidence) == {"instances"} and isinstance(evidence["instances"], list):
        lines: list[EvidenceLine] = []
        for n, instance in enumerate(evidence["instances"], start=1):
            for line in evidence_lines(fields, instance):
                lines.append(EvidenceLine(f"{line.label} ({n})", line.values))
        return lines
    lines = []
    for key, value in evidence.items():
        field = fields.get(key) or Field(_readable(key))
        if field.hidden or _empty(value):
            continue
        lines.append(EvidenceLine(field.label, _values(fields, value, field.unit)))
    return lines


def _values(fields: Mapping[str, Field], value: Any, unit: Unit) -> tuple[str, ...]:
    if unit == "hour_range" and isinstance(value, list | tuple) and len(value) == 2:
        return (f"{value[0]:02d}:00 to {value[1]:02d}:00",)
    if isinstance(value, list | tuple):
        return tuple(_item(fields, v, unit) for v in value if not _empty(v))
    if isinstance(value, dict):  # keys are field names (declared) or data (a country code)
        return tuple(f"{_label(fields, k)}: {_item(fields, v, unit)}" for k, v in value.items())
    return (_text(value, unit),)


def _item(fields: Mapping[str, Field], value: Any, unit: Unit) -> str:
    """One item of a list: a dict reads as 'label value · label value' with its own keys' units."""
    if isinstance(value, dict):
        parts = []
        for key, inner in value.items():
            field = fields.get(key) or Field(_readable(key))
            if field.hidden or _empty(inner):
                continue
            parts.append(f"{field.label.lower()} {_item(fields, inner, field.unit)}")
        return " · ".join(parts)
    if isinstance(value, list | tuple):
        return ", ".join(_item(fields, v, unit) for v in value)
    return _text(value, unit)


def _text(value: Any, unit: Unit) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "utc_offset" and isinstance(value, int):
        sign = "+" if value >= 0 else "-"
        return f"UTC{sign}{abs(value) // 60:02d}:{abs(value) % 60:02d}"
    if unit == "share" and isinstance(value, int | float):
        return f"{value:.0%}"
    if isinstance(value, str) and _looks_like_instant(value):
        return _instant(value)
    if unit and unit not in ("utc_offset", "share") and isinstance(value, int | float):
        return f"{value:g} {unit}"
    return str(value)


def _looks_like_instant(value: str) -> bool:
    return len(value) >= 19 and value[4] == "-" and value[10] == "T"


def _instant(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.utcoffset() is not None and not moment.utcoffset():
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M %z").strip()


def _label(fields: Mapping[str, Field], key: Any) -> str:
    field = fields.get(str(key))
    return field.label if field else str(key)


def _readable(key: Any) -> str:
    return str(key).replace("_", " ").capitalize()


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
