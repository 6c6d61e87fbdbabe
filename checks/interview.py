"""Recruiters' structured observations from interviews, scored as interview.* signals."""

from checks.base import Check, Code, Context, Finding, Subject
from checks.evidence import Field

FBI_2023 = (
    "FBI PSA I-101823-PSA (Oct 2023) and FBI/State/Treasury advisory on DPRK IT "
    "workers (May 2022): refusal of video, changing faces, payment and equipment "
    "redirection"
)


class InterviewCheck(Check):
    name = "interview"
    evidence_fields = {"note": Field("Recruiter's note"), "observed_at": Field("Observed at")}
    codes = {
        "interview.camera_refused": Code(
            "A recruiter saw the candidate refuse to turn the camera on", 30, "medium", FBI_2023
        ),
        "interview.different_person": Code(
            "A recruiter saw a different person from an earlier interview", 60, "high", FBI_2023
        ),
        "interview.refused_in_person": Code(
            "The candidate refused an in-person or video verification step", 35, "medium", FBI_2023
        ),
        "interview.payment_redirect": Code(
            "The candidate asked to be paid to another name or in cryptocurrency",
            45,
            "high",
            FBI_2023,
        ),
        "interview.equipment_redirect": Code(
            "The candidate asked for equipment to be sent to another address", 40, "high", FBI_2023
        ),
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
