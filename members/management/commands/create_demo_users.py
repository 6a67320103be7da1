"""Make one demo account per role, on the embedded SQLite default only.

Known passwords are fine on a developer's own machine and nowhere else, so the command
does nothing when DEBUG is off or the database is not the embedded SQLite. It only makes
the accounts that are missing: an account that exists is the user's, and its password,
name, e-mail, groups, profile and active flag stay as they were set.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from members import demo
from members.models import Member, Profile
from members.roles import Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    who: str
    role: Role | None = None
    member_code: str | None = None
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "balitrack-demo-admin", "administrator (manages users)", is_staff=True, is_superuser=True),
    DemoUser("secretariat", "balitrack-demo-secretariat", "RSO secretariat officer", Role.SECRETARIAT, is_staff=True),
    DemoUser("cochair", "balitrack-demo-cochair", "co-chairs' officer", Role.CO_CHAIRS),
    DemoUser("indonesia", "balitrack-demo-indonesia", "focal point user for Indonesia", Role.MEMBERS, "ID"),
]


class Command(BaseCommand):
    help = "Create the demo accounts that are missing, on the embedded SQLite default (never elsewhere)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo.is_embedded_default():
            self.stdout.write("No demo accounts: this is not the embedded default (SQLite with DEBUG on).")
            return
        with transaction.atomic():
            created = {d.username for d in DEMO_USERS if _create_if_missing(d)}
        self.stdout.write(self.style.SUCCESS(f"BaliTrack demo accounts (local demo only), at {settings.SITE_URL}/:"))
        for d in DEMO_USERS:
            if d.username in created:
                self.stdout.write(f"  {d.username:<12} password {d.password:<28} {d.who}")
            else:
                self.stdout.write(
                    f"  {d.username:<12} password {d.password:<28} {d.who}, already there and left as it is "
                    "(the password is this one unless it was changed)"
                )


def _create_if_missing(d: DemoUser) -> bool:
    user_model = get_user_model()
    if user_model._default_manager.filter(username=d.username).exists():
        return False
    user = user_model._default_manager.create_user(
        username=d.username,
        email=f"{d.username}@example.org",
        password=d.password,
        is_staff=d.is_staff,
        is_superuser=d.is_superuser,
    )
    if d.role:
        user.groups.add(Group.objects.get(name=d.role.value))
    if d.member_code:
        Profile.objects.create(user=user, member=Member.objects.get(code=d.member_code))
    return True
