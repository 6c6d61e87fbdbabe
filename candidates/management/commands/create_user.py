"""Create a dashboard user in one role's group; the password comes from VETTING_PASSWORD."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from candidates.roles import ROLE_GROUPS, roles_sync
from candidates.services import audit_record


class Command(BaseCommand):
    help = "Create a staff user with a role (password from the VETTING_PASSWORD variable)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUPS))

    def handle(self, *args, username: str, role: str, **options):
        password = os.environ.get("VETTING_PASSWORD", "")
        if not password:
            raise CommandError("Set the password in the VETTING_PASSWORD environment variable.")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        user = User(username=username, is_staff=True, is_superuser=False)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        group = Group.objects.filter(name=ROLE_GROUPS[role]).first()
        if group is None:  # groups are synced after migrate; a bare database may lack them
            roles_sync()
            group = Group.objects.get(name=ROLE_GROUPS[role])
        user.groups.add(group)
        audit_record(action="user.created", detail={"username": username, "role": role})
        self.stdout.write(f"Created {username} with role {role} ({group.name}).")
