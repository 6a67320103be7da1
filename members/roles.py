"""The three groups of BaliTrack users and what each may do.

The groups and their permissions are made by a migration (actions/migrations), so
every database has them; code asks for permissions, not group names, except
where a role changes what a page shows first.
"""

import enum
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from members.models import Member


class Role(enum.StrEnum):
    # Regional Support Office staff: record status updates, keep reference data.
    SECRETARIAT = "Secretariat"
    # Indonesia and Australia: read everything, edit nothing.
    CO_CHAIRS = "Co-Chairs"
    # Member countries and organisations: read; each user speaks for one member.
    MEMBERS = "Members"


RECORD_APPS = ("members", "meetings", "actions")
# Members see the record but not other members' focal points or user profiles, nor the
# strategy's reviews, which are the Steering Group's and the co-chairs' business.
HIDDEN_FROM_MEMBERS = ("view_focalpoint", "view_profile", "view_review")
# History is appended, never rewritten: no role may change or delete it. A review stays
# once made (the reminder log points at it); one recorded as held by mistake is corrected
# by changing the day or clearing it.
NEVER_GRANTED = ("change_actionupdate", "delete_actionupdate", "delete_review")
# The secretariat reads the audit trail and the reminder log (in the admin, Reminders);
# nobody may edit either: both are written by BaliTrack itself.
SECRETARIAT_EXTRA = {"audit": ("view_auditevent",), "reminders": ("view_reminder",)}
# Proposed updates (the proposals app): members propose on the actions their member carries
# (proposals.access says which), the secretariat also on a member's behalf and alone accepts or
# returns them; the co-chairs and the secretariat read the queue. Nobody edits or deletes a
# proposal: once reviewed it is part of the action's history.
PROPOSAL_GRANTS = {
    Role.SECRETARIAT: ("add_proposal", "view_proposal", "review_proposal"),
    Role.CO_CHAIRS: ("view_proposal",),
    Role.MEMBERS: ("add_proposal",),
}
NEVER_GRANTED_ON_PROPOSALS = ("change_proposal", "delete_proposal")
# BaliTrack's own bookkeeping, in no admin and no page: what the fixture loader loaded, and
# the cache's version tokens. No role is given any permission on them.
INTERNAL_MODELS = ("loadedrecord", "recordversion")


def sync_role_groups(group_model: Any, permission_model: Any) -> None:
    """Create the three groups and give each its permissions on the record.

    Takes the models as arguments so that a migration can pass its historical ones.
    The permissions must exist already. A permission the administrator gave a group by hand
    is kept: the policy adds what it grants and takes away only what no role may have (a
    migration that runs it again must not undo what a person chose).
    """
    record = permission_model.objects.filter(content_type__app_label__in=RECORD_APPS).exclude(
        content_type__model__in=INTERNAL_MODELS
    )
    viewing = record.filter(codename__startswith="view_")
    extra = permission_model.objects.none()
    for app_label, codenames in SECRETARIAT_EXTRA.items():
        extra |= permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    grants = {
        Role.SECRETARIAT: record.exclude(codename__in=NEVER_GRANTED) | extra,
        Role.CO_CHAIRS: viewing,
        Role.MEMBERS: viewing.exclude(codename__in=HIDDEN_FROM_MEMBERS),
    }
    forbidden = {role: NEVER_GRANTED for role in Role} | {Role.MEMBERS: NEVER_GRANTED + HIDDEN_FROM_MEMBERS}
    proposals = permission_model.objects.filter(content_type__app_label="proposals")
    for role, permissions in grants.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        group.permissions.add(*permissions, *proposals.filter(codename__in=PROPOSAL_GRANTS[role]))
        group.permissions.remove(
            *permission_model.objects.filter(
                Q(codename__in=forbidden[role]) | Q(content_type__model__in=INTERNAL_MODELS)
            ),
            *proposals.filter(codename__in=NEVER_GRANTED_ON_PROPOSALS),
        )


def sync_role_groups_in_migration(apps: Any) -> None:
    """Run the policy from a migration, making first the permissions that Django would
    otherwise only make after the last migration."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def has_role(user: User | AnonymousUser, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    return user.groups.filter(name=role.value).exists()


def member_of(user: User | AnonymousUser) -> Member | None:
    """The member a Members user speaks for, or None."""
    if not has_role(user, Role.MEMBERS):
        return None
    profile = getattr(user, "profile", None)
    return profile.member if profile else None


# What BaliTrack calls someone whose account has no first or last name.
ROLE_TITLES = {Role.SECRETARIAT: "Secretariat officer", Role.CO_CHAIRS: "Co-Chairs", Role.MEMBERS: "Member focal point"}
ADMINISTRATOR_TITLE = "Administrator"
NO_ROLE_TITLE = "BaliTrack user"


def display_name(user: User | AnonymousUser, *, acting_as: Role | None = None) -> str:
    """The name BaliTrack shows for a user, wherever it shows one (histories, the dashboard,
    the status form's conflict message, the page header): their first and last name, or,
    for an account with neither, what they are ("Secretariat officer"). Never the username:
    it is half of a sign-in, and the pages that name people are read by every role.

    `acting_as` is the role that the act being named requires, when the caller knows it (only
    the Secretariat records status updates): it spares a query for the user's groups on every
    row of a history, and names the role in which they acted even if they have moved since.
    """
    if not user.is_authenticated:
        return NO_ROLE_TITLE
    full_name = user.get_full_name()
    if full_name:
        return full_name
    if user.is_superuser:
        return ADMINISTRATOR_TITLE
    role = acting_as or _first_role(user)
    return ROLE_TITLES[role] if role else NO_ROLE_TITLE


def _first_role(user: User) -> Role | None:
    # .all() rather than a filter, so that a caller who prefetched the groups pays nothing.
    names = {group.name for group in user.groups.all()}
    return next((role for role in Role if role.value in names), None)
