"""Create an API client. The key is printed once, alone on the last line, and never stored."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from candidates.api_clients import api_client_create
from candidates.models import ApiClient
from candidates.webhook_http import url_problem


class Command(BaseCommand):
    help = "Create an API client; prints its webhook secret, then its API key on the last line."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--webhook-url", default="")

    def handle(self, *args, name: str, webhook_url: str, **options):
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"An API client named {name!r} already exists.")
        if webhook_url:
            try:
                URLValidator(schemes=["https", "http"])(webhook_url)
            except ValidationError as exc:
                raise CommandError(f"Not a valid webhook URL: {webhook_url}") from exc
            problem = url_problem(webhook_url)
            if problem:
                raise CommandError(f"{problem}: {webhook_url}")
        client, key, secret = api_client_create(name=name, webhook_url=webhook_url)
        self.stdout.write(f"Created API client {client.name} ({client.pk}).")
        self.stdout.write(f"Webhook secret: {secret}")
        self.stdout.write("API key (shown once, store it now):")
        self.stdout.write(key)
