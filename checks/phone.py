"""Phone number checks with libphonenumber (the `phonenumbers` package)."""

from dataclasses import dataclass

import phonenumbers

from checks.base import Check, Code, Context, Finding, Subject


class PhoneCheck(Check):
    name = "phone"
    codes = {
        "phone.invalid": Code("The phone number does not parse or is not a valid number",
                              15, "low"),
    }

    @dataclass(frozen=True)
    class Params:
        pass

    def run(self, subject: Subject, params: Params, ctx: Context) -> list[Finding]:
        if not subject.phone:
            return []
        region = subject.claimed_country or None
        try:
            number = phonenumbers.parse(subject.phone, region)
        except phonenumbers.NumberParseException as exc:
            return [Finding("phone.invalid", f"Phone {subject.phone!r} does not parse: {exc}",
                            {"phone": subject.phone, "reason": str(exc)})]
        if not phonenumbers.is_valid_number(number):
            return [Finding("phone.invalid", f"Phone {subject.phone!r} is not a valid number",
                            {"phone": subject.phone, "reason": "not a valid number"})]
        return []
