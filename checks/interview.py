"""Recruiters' structured observations from interviews, scored as interview.* signals."""

from checks.base import Check, Code, Context, Finding, Subject
from checks.evidence import Field
from checks.guidance import (
    FBI_2023_CAMERA,
    JOINT_2022_EQUIPMENT,
    JOINT_2022_SHARED_PAYMENT,
)

# The observations a recruiter may record, each scored as the signal of the same code. The
# dashboard's form, the API's accepted codes and the model's choices are all derived from this
# table: a code added here is offered, accepted and scored.
# code: (what the recruiter picks, what the signal says, points, severity)
OBSERVATIONS: dict[str, tuple[str, str, int, str]] = {
    "interview.camera_refused": (
        "Refused to turn the camera on",
        "A recruiter saw the candidate refuse to turn the camera on",
        30,
        "medium",
    ),
    "interview.different_person": (
        "A different person from an earlier interview",
        "A recruiter saw a different person from an earlier interview",
        60,
        "high",
    ),
    "interview.refused_in_person": (
        "Refused an in-person or video step",
        "The candidate refused an in-person or video verification step",
        35,
        "medium",
    ),
    "interview.payment_redirect": (
        "Asked to be paid to another name or in crypto",
        "The candidate asked to be paid to another name or in cryptocurrency",
        45,
        "high",
    ),
    "interview.equipment_redirect": (
        "Asked for equipment to be sent elsewhere",
        "The candidate asked for equipment to be sent to another address",
        40,
        "high",
    ),
}
# The public guidance each observation follows.
_GUIDANCE = {
    "interview.camera_refused": FBI_2023_CAMERA,
    "interview.different_person": FBI_2023_CAMERA,
    "interview.refused_in_person": FBI_2023_CAMERA,
    "interview.payment_redirect": JOINT_2022_SHARED_PAYMENT,
    "interview.equipment_redirect": JOINT_2022_EQUIPMENT,
}
# (code, label) pairs for forms, serializers and model choices.
OBSERVATION_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (code, label) for code, (label, *_rest) in OBSERVATIONS.items()
)


class InterviewCheck(Check):
    name = "interview"
    evidence_fields = {"note": Field("Recruiter's note"), "observed_at": Field("Observed at")}
    codes = {
        code: Code(description, points, severity, _GUIDANCE[code])
        for code, (_label, description, points, severity) in OBSERVATIONS.items()
    }

    def run(self, subject: Subject, params: Check.Params, ctx: Context) -> list[Finding]:
        findings = []
        for obs in subject.observations:
            info = self.codes.get(obs.code)
            if info is None:
                continue
            message = f"Recruiter observation: {info.description[0].lower()}{info.description[1:]}"
            findings.append(
                Finding(
                    code=obs.code,
                    message=message + (f" — “{obs.note}”" if obs.note else ""),
                    evidence={"note": obs.note, "observed_at": obs.created_at.isoformat()},
                )
            )
        return findings
