"""The contract's roles: Django groups with the permissions each needs.

Groups and their permissions are (re)created after every migrate, so a fresh database and an old
one converge. Views check permissions, never group names.
"""

from django.contrib.auth.models import Group, Permission

RECRUITERS = "Recruiters"
RULES_ADMINS = "Rules admins"
AUDITORS = "Auditors"

ROLE_GROUPS = {"recruiter": RECRUITERS, "rules_admin": RULES_ADMINS, "auditor": AUDITORS}

# app_label.codename, all defined in Meta.permissions or by Django's defaults.
_REVIEW = [
    "candidates.view_candidate",
    "candidates.review_candidate",
    "candidates.add_observation",
    "candidates.view_sensitive_candidate",
]
_RULES = [
    "checks.view_ruleset",
    "checks.change_ruleset",
    # The link allowlist (links.admin): values that never link candidates.
    "links.view_linkallowlist",
    "links.add_linkallowlist",
    "links.change_linkallowlist",
    "links.delete_linkallowlist",
]
_AUDIT = ["candidates.view_candidate", "candidates.view_auditevent"]

# Exporting the queue copies every client's candidates out of the audit trail's reach: a
# recruiter's job, not an auditor's (or a rules admin's).
_EXPORT = ["candidates.export_candidate"]

GROUP_PERMISSIONS = {
    RECRUITERS: _REVIEW + _EXPORT,
    RULES_ADMINS: _REVIEW + _RULES,
    AUDITORS: [*_AUDIT, "checks.view_ruleset"],
}


def roles_sync(**_kwargs) -> None:
    """post_migrate handler: make the groups exist with exactly their permissions."""
    for group_name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
