"""Email address checks: syntax and normalisation with email-validator (no DNS unless
settings.VETTING_EMAIL_CHECK_DELIVERABILITY), and disposable-mail domains from the
`disposable-email-domains` package's blocklist (a parent domain counts too)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

from email_validator import EmailNotValidError, validate_email

from checks.base import Check, Code, Context, Finding, Subject
from checks.evidence import Field
from checks.guidance import JOINT_2022
from checks.params import param


@cache
def _blocklist() -> frozenset[str]:
    from disposable_email_domains import blocklist  # 200 KB of names: load on first use

    return frozenset(blocklist)


@cache
def _source() -> str:
    return f"disposable-email-domains {version('disposable-email-domains')}"


def _check_deliverability() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "VETTING_EMAIL_CHECK_DELIVERABILITY", False))


def disposable_match(domain: str, allowed: frozenset[str]) -> str | None:
    """The listed domain that `domain` is or sits under, unless an admin allowed it."""
    labels = domain.lower().rstrip(".").split(".")
    blocked = _blocklist()
    for i in range(len(labels) - 1):
        candidate = ".".join(labels[i:])
        if candidate in allowed:
            return None
        if candidate in blocked:
            return candidate
    return None


class EmailCheck(Check):
    name = "email"
    evidence_fields = {
        "email": Field("Email"),
        "reason": Field("Why"),
        "domain": Field("Domain"),
        "listed_domain": Field("Listed as disposable"),
        "source": Field("Source"),
    }
    codes = {
        "email.invalid": Code("The email address fails syntax checks", 15, "low", JOINT_2022),
        "email.disposable": Code(
            "The address is at a disposable (throw-away) mail provider", 25, "medium", JOINT_2022
        ),
    }

    @dataclass(frozen=True)
    class Params:
        allowed_domains: tuple[str, ...] = param(
            (), "Disposable-domain allowlist: these domains (and subdomains) never count"
        )

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        if not subject.email:
            return []
        try:
            checked = validate_email(subject.email, check_deliverability=_check_deliverability())
        except EmailNotValidError as exc:
            return [
                Finding(
                    "email.invalid",
                    f"Email {subject.email!r} is not valid: {exc}",
                    {
                        "email": subject.email,
                        "reason": str(exc),
                        "source": f"email-validator {version('email-validator')}",
                    },
                )
            ]
        allowed = frozenset(d.lower() for d in params.allowed_domains)
        listed = disposable_match(checked.ascii_domain, allowed)
        if listed is None:
            return []
        return [
            Finding(
                "email.disposable",
                f"Email domain {checked.domain} is a disposable mail provider",
                {
                    "email": checked.normalized,
                    "domain": checked.domain,
                    "listed_domain": listed,
                    "source": _source(),
                },
            )
        ]
