"""Factories for tests that build their own data. Codes and slugs start with "T" or
"test-" so they never collide with the real record when both are loaded."""

import datetime
import functools
from typing import Any, cast

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from actions.models import Action, ActionOwner, ActionUpdate, Initiative, Strategy, Theme
from meetings.models import Decision, Document, Meeting, Pillar
from members.models import Body, BodyMembership, FocalPoint, Forum, ForumMembership, Member


@functools.cache
def _hashed(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def hash_once(password: str | None) -> str:
    """The password as the configured hasher stores it, hashed once per password and hasher:
    at Django's million PBKDF2 iterations each hash takes half a second, and the personas are
    made afresh for each of some two thousand tests. Every account then shares a salt, which
    only a stolen test database would notice; signing in checks the hash as in production."""
    if password is None:
        return make_password(None)  # an unusable password, as Django marks one
    return _hashed(password, tuple(settings.PASSWORD_HASHERS))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple", transform=hash_once)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Testland {n}")
    kind = Member.Kind.COUNTRY


class ForumFactory(DjangoModelFactory):
    class Meta:
        model = Forum

    code = factory.Sequence(lambda n: f"TF{n}")
    name = factory.Sequence(lambda n: f"Test forum {n}")


class ForumMembershipFactory(DjangoModelFactory):
    class Meta:
        model = ForumMembership

    forum = factory.SubFactory(ForumFactory)
    member = factory.SubFactory(MemberFactory)
    role = ForumMembership.Role.MEMBER


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body

    code = factory.Sequence(lambda n: f"TB{n}")
    name = factory.Sequence(lambda n: f"Test working group {n}")
    kind = Body.Kind.WORKING_GROUP


class BodyMembershipFactory(DjangoModelFactory):
    class Meta:
        model = BodyMembership

    body = factory.SubFactory(BodyFactory)
    member = factory.SubFactory(MemberFactory)
    role = BodyMembership.Role.CO_CHAIR


class FocalPointFactory(DjangoModelFactory):
    class Meta:
        model = FocalPoint

    member = factory.SubFactory(MemberFactory)
    name = factory.Sequence(lambda n: f"Focal Point {n}")
    email = factory.Sequence(lambda n: f"focal{n}@example.org")


class PillarFactory(DjangoModelFactory):
    class Meta:
        model = Pillar

    code = factory.Sequence(lambda n: f"test-pillar-{n}")
    name = factory.Sequence(lambda n: f"Test pillar {n}")
    order = factory.Sequence(lambda n: 100 + n)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    slug = factory.Sequence(lambda n: f"test-meeting-{n}")
    title = factory.Sequence(lambda n: f"Test meeting {n}")
    kind = Meeting.Kind.WORKSHOP
    status = Meeting.Status.HELD
    start_date = datetime.date(2014, 5, 26)


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    slug = factory.Sequence(lambda n: f"test-document-{n}")
    title = factory.Sequence(lambda n: f"Test co-chairs' statement {n}")
    kind = Document.Kind.CO_CHAIRS_STATEMENT
    meeting = factory.SubFactory(MeetingFactory)


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    document = factory.SubFactory(DocumentFactory)
    position = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda decision: str(decision.position))
    text = "The Meeting agreed to test BaliTrack."
    verb = Decision.Verb.AGREED


def _no_strategy_current() -> bool:
    return not Strategy.objects.filter(status=Strategy.Status.CURRENT).exists()


class StrategyFactory(DjangoModelFactory):
    """Current when no strategy is (one is at a time), otherwise endorsed and not yet current:
    a test of several strategies says which supersedes which (tests.factories.supersede)."""

    class Meta:
        model = Strategy

    slug = factory.Sequence(lambda n: f"test-strategy-{n}")
    title = factory.Sequence(lambda n: f"Test strategy {n}")
    document = factory.SubFactory(DocumentFactory, kind=Document.Kind.STRATEGY)
    endorsed_on = datetime.date(2014, 8, 6)
    status = factory.LazyFunction(
        lambda: Strategy.Status.CURRENT if _no_strategy_current() else Strategy.Status.UPCOMING
    )


class _CurrentStrategy(factory.SubFactory):  # type: ignore[type-arg]
    """A theme built without a strategy shares the current one, as the record's themes do: a
    test's actions are then the dashboard's and the register's without saying so. Given
    fields (`strategy__endorsed_on`), a new strategy."""

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        if not extra:
            current = Strategy.objects.filter(status=Strategy.Status.CURRENT).first()
            if current is not None:
                return current
        return super().evaluate(instance, step, extra)


def supersede(earlier: Strategy, later: Strategy, *, at: Meeting | None = None) -> None:
    """Make `later` the current strategy in place of `earlier`, at the meeting `at` (a new
    meeting without it), as the Secretariat does from the admin's list of strategies."""
    from actions.services import strategy_make_current

    strategy_make_current(strategy=later, meeting=at or cast(Meeting, MeetingFactory()))
    earlier.refresh_from_db()
    later.refresh_from_db()


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    strategy = _CurrentStrategy(StrategyFactory)
    slug = factory.Sequence(lambda n: f"test-theme-{n}")
    title = factory.Sequence(lambda n: f"Test theme {n}")
    position = factory.Sequence(lambda n: n + 1)


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative

    theme = factory.SubFactory(ThemeFactory)
    slug = factory.Sequence(lambda n: f"test-initiative-{n}")
    name = factory.Sequence(lambda n: f"Test initiative {n}")
    description = "An initiative built for a test."
    who = "The RSO."
    position = factory.Sequence(lambda n: n + 1)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    initiative = factory.SubFactory(InitiativeFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"carry out test action {n}")


class ActionOwnerFactory(DjangoModelFactory):
    class Meta:
        model = ActionOwner

    action = factory.SubFactory(ActionFactory)
    role = ActionOwner.Role.LEAD
    member = factory.SubFactory(MemberFactory)


class ActionUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ActionUpdate

    action = factory.SubFactory(ActionFactory)
    recorded_at = factory.Sequence(
        lambda n: datetime.datetime(2014, 8, 6, tzinfo=datetime.UTC) + datetime.timedelta(days=n)
    )
    status = Action.Status.IN_PROGRESS
    progress = 10


# The factories below name their models by label: imports stay at the top of the module,
# and these were added at its end.
class MemberAliasFactory(DjangoModelFactory):
    class Meta:
        model = "members.MemberAlias"

    member = factory.SubFactory(MemberFactory)
    name = factory.Sequence(lambda n: f"Test spelling {n}")


class MeetingParticipationFactory(DjangoModelFactory):
    class Meta:
        model = "meetings.MeetingParticipation"

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)
    role = "participant"  # MeetingParticipation.Role.PARTICIPANT
