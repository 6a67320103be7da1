"""The trail does not show the secretariat what the user admin does not: events about users,
groups and profiles, with their e-mail addresses and staff and superuser flags, are the
superuser's to read."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse

from audit.models import AuditEvent
from members.models import Profile
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("admin:audit_auditevent_changelist")
EMAIL = "new.officer@rso.example"


@pytest.fixture
def account_events(db):
    """A user made, promoted to staff and superuser, given a group and a member: as the
    superuser does in the user admin."""
    user = UserFactory(username="newofficer", email=EMAIL, first_name="Ayu")
    user.is_staff = user.is_superuser = True
    user.save()
    group = Group.objects.create(name="Reviewers")
    user.groups.add(group)
    profile = Profile.objects.create(user=user, member=MemberFactory(name="Testland"))
    about = Q()
    for record in (user, group, profile):
        about |= Q(content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk))
    return list(AuditEvent.objects.filter(about).order_by("pk"))


def _page(client, event: AuditEvent):
    return client.get(reverse("admin:audit_auditevent_change", args=[event.pk]), follow=True)


def test_the_trail_records_what_the_superuser_did_to_the_account(account_events):
    assert [(e.kind, e.content_type.model, sorted(e.changes)) for e in account_events] == [
        (
            "created",
            "user",
            [
                "date_joined",
                "email",
                "first_name",
                "id",
                "is_active",
                "is_staff",
                "is_superuser",
                "password",
                "username",
            ],
        ),
        ("changed", "user", ["is_staff", "is_superuser"]),
        ("created", "group", ["id", "name"]),
        ("changed", "user", ["groups"]),
        ("created", "profile", ["id", "member_id", "user_id"]),
    ]


def test_the_secretariat_reads_no_event_about_users_groups_or_profiles(client, secretariat_user, account_events):
    client.force_login(secretariat_user)

    listed = client.get(LIST)
    searched = client.get(LIST, {"q": "newofficer"})
    pages = [_page(client, event) for event in account_events]

    assert [event for event in listed.context["cl"].result_list if event in account_events] == []
    assert list(searched.context["cl"].result_list) == []
    for text in (listed.text, searched.text, *(page.text for page in pages)):
        assert EMAIL not in text
        assert "is_superuser" not in text
        assert "is_staff" not in text
        assert "Reviewers" not in text
    # Opening one by its address says it does not exist, as for an event that never did.
    assert [page.redirect_chain for page in pages] == [[("/admin/", 302)]] * len(account_events)
    assert [page.status_code for page in pages] == [200] * len(account_events)


def test_the_secretariat_still_reads_changes_to_the_record(client, secretariat_user, account_events):
    member = MemberFactory(name="Testland Two")
    member.notes = "Joined in 2026."
    member.save()
    client.force_login(secretariat_user)

    listed = list(client.get(LIST).context["cl"].result_list)

    assert [(e.kind, e.object_repr) for e in listed if e.content_type and e.content_type.model == "member"] == [
        ("changed", "Testland Two"),
        ("created", "Testland Two"),
        ("created", "Testland"),
    ]


def test_the_superuser_reads_the_account_events_with_their_values(client, superuser, account_events):
    client.force_login(superuser)

    listed = list(client.get(LIST).context["cl"].result_list)
    created, promoted = (_page(client, event).text for event in account_events[:2])

    assert [event for event in listed if event in account_events] == account_events[::-1]
    assert f"<tr><th>email</th><td>—</td><td>{EMAIL}</td></tr>" in created
    assert "<tr><th>is_superuser</th><td>false</td><td>true</td></tr>" in promoted
    assert "<tr><th>is_staff</th><td>false</td><td>true</td></tr>" in promoted
