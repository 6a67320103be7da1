"""Make one demo account per role, on the embedded SQLite default only.

Known passwords are fine on a developer's own machine and nowhere else, so the
command does nothing when DEBUG is off or the database is not the embedded SQLite.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, transaction

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
    help = "Create the demo accounts on the embedded SQLite default (never elsewhere)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG or connection.vendor != "sqlite":
            self.stdout.write("No demo accounts: this is not the embedded default (SQLite with DEBUG on).")
            return
        with transaction.atomic():
            for demo in DEMO_USERS:
                self._ensure(demo)
        self.stdout.write(self.style.SUCCESS("BaliTrack demo accounts (local demo only), at http://127.0.0.1:8000/:"))
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<12} password {demo.password:<28} {demo.who}")

    def _ensure(self, demo: DemoUser) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=demo.username,
            defaults={
                "email": f"{demo.username}@example.org",
                "is_staff": demo.is_staff,
                "is_superuser": demo.is_superuser,
            },
        )
        if created:
            user.set_password(demo.password)
            user.save(update_fields=["password"])
        if demo.role:
            user.groups.add(Group.objects.get(name=demo.role.value))
        if demo.member_code:
            Profile.objects.update_or_create(user=user, defaults={"member": Member.objects.get(code=demo.member_code)})
