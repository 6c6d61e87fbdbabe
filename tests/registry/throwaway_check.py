"""A check that exists only for the test of "Adding a check": the test copies the project, drops
this file in as checks/throwaway.py and adds one line to the registry."""

from __future__ import annotations

from dataclasses import dataclass

from checks.base import Check, Code, Context, Finding, Subject


class ThrowawayCheck(Check):
    name = "throwaway"
    codes = {
        "throwaway.name_has_digits": Code(
            "The full name contains digits", 33, "medium", "Internal test guidance"
        )
    }

    @dataclass(frozen=True)
    class Params:
        min_digits: int = 1

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        digits = sum(ch.isdigit() for ch in subject.full_name)
        if digits < params.min_digits:
            return []
        return [
            Finding(
                code="throwaway.name_has_digits",
                message=f"The full name contains {digits} digits",
                evidence={"digits": digits},
            )
        ]
