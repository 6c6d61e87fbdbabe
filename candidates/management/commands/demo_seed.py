"""Loads the demo: users for each role, an API client, and a few hundred synthetic candidates.

Only for the embedded demo (`make demo`): it refuses to run unless DEBUG is on. Re-running it is
safe: users keep their passwords, the API client gets a fresh key (keys are shown only once),
and candidates already loaded are left as they are.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from candidates.api.serializers import CandidateIn
from candidates.api_clients import api_client_create, api_client_rotate_key
from candidates.demo import demo_payloads, demo_updates
from candidates.models import ApiClient, Candidate, ReviewDecision
from candidates.roles import ROLE_GROUPS
from candidates.services import candidate_upsert
from candidates.services.reviews import review_decide

DEMO_CLIENT = "demo-ats"
DEMO_USERS = [  # (username, password, role or None for the superuser)
    ("admin", "vetting-admin", None),
    ("recruiter", "vetting-recruiter", "recruiter"),
    ("rules", "vetting-rules", "rules_admin"),
    ("auditor", "vetting-auditor", "auditor"),
]

# What a recruiter writes; the signals and scores they decide on come from the pipeline.
DEMO_ESCALATION_NOTE = "Asked the candidate for a live video call with the passport shown."
DEMO_CLEARANCE_NOTE = "Identity confirmed on a video call; references answered."


class Command(BaseCommand):
    help = "Load demo users, an API client and synthetic candidates (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300)

    def handle(self, *args, count: int, **options):
        if not settings.DEBUG:
            raise CommandError("demo_seed loads fake people and known passwords: DEBUG only.")
        self._users()
        client = ApiClient.objects.filter(name=DEMO_CLIENT).first()
        if client is None:
            client, key, _secret = api_client_create(name=DEMO_CLIENT)
        else:
            key = api_client_rotate_key(client=client)
        loaded = self._candidates(client, count)
        decided = self._decisions(client)
        flagged = Candidate.objects.filter(risk_level__in=("high", "critical")).count()
        self.stdout.write(
            f"Demo candidates: {loaded} loaded now, "
            f"{Candidate.objects.count()} in all, {flagged} high or critical."
        )
        if decided:
            self.stdout.write(f"Recruiter decisions recorded: {decided}")
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ as:")
        for username, password, role in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {password:<18} {role or 'superuser'}")
        self.stdout.write("API key for the demo client (shown once; re-run to get a new one):")
        self.stdout.write(key)

    def _users(self) -> None:
        users = get_user_model()
        for username, password, role in DEMO_USERS:
            if users.objects.filter(username=username).exists():
                continue
            if role is None:
                users.objects.create_superuser(username, f"{username}@example.com", password)
                continue
            user = users.objects.create_user(username, f"{username}@example.com", password)
            user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))

    def _candidates(self, client: ApiClient, count: int) -> int:
        existing = set(
            Candidate.objects.filter(client=client).values_list("external_id", flat=True)
        )
        started, loaded = time.monotonic(), set()
        for payload in demo_payloads(count):
            if payload["external_id"] in existing:
                continue
            self._write(client, payload)
            loaded.add(payload["external_id"])
        # Later changes (an ATS's updates) only to candidates loaded in this run: a re-run
        # leaves the demo as it was.
        for update in demo_updates():
            if update["external_id"] in loaded:
                self._write(client, update)
        if loaded:
            took = time.monotonic() - started
            self.stdout.write(f"Loaded {len(loaded)} candidates in {took:.1f}s")
        return len(loaded)

    @staticmethod
    def _write(client: ApiClient, payload: dict) -> None:
        """Through the API's serializer and service, as an ATS's POST."""
        serializer = CandidateIn(data=payload)
        if not serializer.is_valid():
            raise CommandError(
                f"Demo payload {payload['external_id']} is invalid: {serializer.errors}"
            )
        with transaction.atomic():
            candidate_upsert(client=client, data=serializer.validated_data)

    def _decisions(self, client: ApiClient) -> int:
        """A few decisions by the demo recruiter, through the same service the dashboard uses,
        so the queue shows decided candidates next to open ones. Chosen by the scores the
        pipeline gave: the two highest escalated, two of the lowest cleared. Once only."""
        if ReviewDecision.objects.filter(candidate__client=client).exists():
            return 0
        recruiter = get_user_model().objects.get(username="recruiter")
        assessed = Candidate.objects.filter(client=client, risk_score__isnull=False)
        picks = [
            (c, Candidate.ReviewStatus.ESCALATED, DEMO_ESCALATION_NOTE)
            for c in assessed.filter(risk_level__in=("high", "critical")).order_by(
                "-risk_score", "external_id"
            )[:2]
        ] + [
            (c, Candidate.ReviewStatus.CLEARED, DEMO_CLEARANCE_NOTE)
            for c in assessed.filter(risk_level="low").order_by("risk_score", "external_id")[:2]
        ]
        for candidate, status, note in picks:
            with transaction.atomic():
                review_decide(candidate=candidate, status=status, note=note, user=recruiter)
        return len(picks)
