# The link models move here from candidates (LinkKey) and checks (LinkAllowlist,
# LinkReassessBacklog). Their tables, indexes and rows stay as they are: state only. Existing
# permissions follow their content types, so the roles keep what they were granted.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {"linkkey": "candidates", "linkallowlist": "checks", "linkreassessbacklog": "checks"}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, old_app in MOVED.items():
        if not ContentType.objects.filter(app_label="links", model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label="links")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("candidates", "0010_linkkey_to_links_app"),
        ("checks", "0008_link_models_to_links_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LinkReassessBacklog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=32)),
                        ("value", models.CharField(max_length=128)),
                        (
                            "after",
                            models.UUIDField(
                                blank=True,
                                help_text="Holders up to this candidate id were requested",
                                null=True,
                            ),
                        ),
                        (
                            "exclude",
                            models.UUIDField(help_text="The candidate whose change this is"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, db_index=True)),
                    ],
                    options={
                        "db_table": "checks_linkreassessbacklog",
                    },
                ),
                migrations.CreateModel(
                    name="LinkAllowlist",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("phone", "Phone"),
                                    ("email", "Email"),
                                    ("ip", "Ip"),
                                    ("ip_net", "IP network (/24 or /64)"),
                                    ("address", "Address"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("value", models.CharField(help_text="Normalised on save", max_length=128)),
                        ("note", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "link allowlist entry",
                        "verbose_name_plural": "link allowlist",
                        "db_table": "checks_linkallowlist",
                        "ordering": ("kind", "value"),
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "value"), name="link_allowlist_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LinkKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=32)),
                        ("value", models.CharField(max_length=128)),
                        ("display", models.CharField(blank=True, max_length=200)),
                        (
                            "candidate",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="link_keys",
                                to="candidates.candidate",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "candidates_linkkey",
                        "indexes": [
                            models.Index(
                                fields=["kind", "value", "candidate", "display"],
                                name="linkkey_holders_cover",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("candidate", "kind", "value"), name="linkkey_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
