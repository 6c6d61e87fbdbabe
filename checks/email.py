"""Email address checks with email-validator (syntax; no network unless enabled)."""

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from checks.base import Check, Code, Context, Finding, Subject


class EmailCheck(Check):
    name = "email"
    codes = {
        "email.invalid": Code("The email address fails syntax checks", 15, "low"),
    }

    @dataclass(frozen=True)
    class Params:
        pass

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        if not subject.email:
            return []
        try:
            validate_email(subject.email, check_deliverability=False)
        except EmailNotValidError as exc:
            return [Finding("email.invalid", f"Email {subject.email!r} is not valid: {exc}",
                            {"email": subject.email, "reason": str(exc)})]
        return []
