"""What admins may tune, described once: each check's `Params` dataclass is the schema.

A parameter is declared with `param(default, help, min=..., max=...)`, which keeps the help text
and the allowed range in the dataclass field's metadata. Forms (the /rules/ workspace, the admin),
imports and validation all read `param_specs` and `params_errors`, so no form is kept by hand per
check and a new parameter shows up everywhere with its help and limits.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def param(
    default: Any,
    help: str,
    *,
    min: float | None = None,
    max: float | None = None,
    normalise: Callable[[str], str] | None = None,
) -> Any:
    """A Params field with its help text and range (inclusive) for admins. `normalise` turns
    what an admin types into the stored form of a text (list) item, or raises ValueError."""
    metadata = {"help": help, "min": min, "max": max, "normalise": normalise}
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True, slots=True)
class ParamSpec:
    name: str
    kind: type  # bool, int, float, str
    many: bool  # a list of `kind` (tuples in Params, JSON lists in a rule set)
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    normalise: Callable[[str], str] | None = None

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@cache  # Params classes are fixed at import; the simulation asks per candidate chunk
def param_specs(params_cls: type) -> tuple[ParamSpec, ...]:
    """Every tunable parameter of a check's Params, in declaration order."""
    hints = typing.get_type_hints(params_cls)
    specs = []
    for f in dataclasses.fields(params_cls):
        hint = hints[f.name]
        many = typing.get_origin(hint) in (tuple, list)
        kind = typing.get_args(hint)[0] if many else hint
        default: Any = f.default
        specs.append(
            ParamSpec(
                name=f.name,
                kind=kind,
                many=many,
                default=list(default) if many else default,
                help=f.metadata.get("help", ""),
                min=f.metadata.get("min"),
                max=f.metadata.get("max"),
                normalise=f.metadata.get("normalise"),
            )
        )
    return tuple(specs)


def params_defaults(params_cls: type) -> dict[str, Any]:
    """The Params defaults as rule-set JSON (tuples become lists)."""
    return {s.name: s.default for s in param_specs(params_cls)}


def _type_error(value: Any, kind: type) -> str | None:
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    return None if ok else f"expected {_TYPE_NAMES.get(kind, kind.__name__)}"


def _range_error(spec: ParamSpec, value: Any) -> str | None:
    if spec.kind is bool or not isinstance(value, int | float):
        return None
    low, high = spec.min, spec.max
    if low is not None and high is not None and not low <= value <= high:
        return f"must be between {low:g} and {high:g}"
    if low is not None and value < low:
        return f"must be at least {low:g}"
    if high is not None and value > high:
        return f"must be at most {high:g}"
    return None


def _form_error(spec: ParamSpec, item: Any) -> str | None:
    """A stored item must already be in its normalised form (imports are not rewritten)."""
    if spec.normalise is None:
        return None
    try:
        normal = spec.normalise(item)
    except ValueError as exc:
        return str(exc)
    return None if normal == item else f"write it as {normal!r}"


def param_error(spec: ParamSpec, value: Any) -> str | None:
    """Why `value` (decoded JSON) does not fit `spec`; None if it does."""
    if spec.many:
        if not isinstance(value, list | tuple):
            return "expected a list"
        for i, item in enumerate(value):
            problem = (
                _type_error(item, spec.kind) or _range_error(spec, item) or _form_error(spec, item)
            )
            if problem:
                return f"item {i}: {problem}"
        return None
    return _type_error(value, spec.kind) or _range_error(spec, value)


def params_errors(params_cls: type, raw: Any) -> list[str]:
    """Every problem with a check's params JSON; [] when its Params accept it."""
    if not isinstance(raw, dict):
        return ["params must be a JSON object"]
    specs = {s.name: s for s in param_specs(params_cls)}
    errors = [
        f"unknown parameter {k!r} (known: {', '.join(sorted(specs)) or 'none'})"
        for k in raw
        if k not in specs
    ]
    for name in sorted(specs.keys() & raw.keys()):
        problem = param_error(specs[name], raw[name])
        if problem:
            errors.append(f"{name}: {problem}")
    return errors
