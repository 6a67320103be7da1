"""Codes and slugs that are part of an address stay in an alphabet the address can carry.

A member code with "/" used to be accepted by the admin and then turned /members/, /groups/
and the member's page into a 500 for everyone: the link to that member cannot be built.
"""

import html

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import NoReverseMatch, reverse

from balitrack.lib.codes import CODE_MESSAGE, UnsafeCodes
from meetings.models import Document, Meeting, Pillar
from members.models import Body, Forum, Member
from tests.browser_forms import form_data
from tests.constraints import violates
from tests.factories import (
    BodyFactory,
    BodyMembershipFactory,
    DocumentFactory,
    ForumFactory,
    MeetingFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

# Codes the alphabet refuses, and why each matters: "/" splits the address, " ", "?" and
# "#" break or end it, "." and ".." are read by browsers as "here" and "the folder above",
# a final line break slips past a "$" pattern, and a letter outside ASCII is not in it.
UNSAFE = ["A/B", "WG TIP", "A?B", "A#B", "a.b", "..", "AB\n", "É", ""]
# Every kind of character the alphabet allows, and the longest code a member may have.
SAFE = ["a_b-9", "-", "_", "PGDC-VICTIMS", "Z" * 12]

CODED = [
    (Member, "members_member_code_safe", MemberFactory, "code"),
    (Body, "members_body_code_safe", BodyFactory, "code"),
    (Forum, "members_forum_code_safe", ForumFactory, "code"),
    (Meeting, "meetings_meeting_slug_safe", MeetingFactory, "slug"),
    (Document, "meetings_document_slug_safe", DocumentFactory, "slug"),
]


@pytest.mark.parametrize(
    ("admin_form", "form_id", "filled"),
    [
        ("admin:members_member_add", "member_form", {"name": ["Testland"], "kind": ["country"]}),
        ("admin:members_body_add", "body_form", {"name": ["Test Group"], "kind": ["working_group"]}),
        ("admin:members_forum_add", "forum_form", {"name": ["Test Forum"]}),
    ],
)
def test_the_admin_refuses_a_code_with_a_slash_and_says_which_characters_to_use(
    client, secretariat_user, admin_form, form_id, filled
):
    client.force_login(secretariat_user)
    url = reverse(admin_form)
    rendered = form_data(client.get(url).text, form_id=form_id)

    response = client.post(url, rendered | filled | {"code": ["A/B"]})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"code": [CODE_MESSAGE]}
    assert html.escape(CODE_MESSAGE) in response.text
    model = response.context["adminform"].form._meta.model
    assert not model.objects.filter(code="A/B").exists()


@pytest.mark.parametrize("code", UNSAFE)
@pytest.mark.parametrize(("model", "constraint", "factory", "field"), CODED)
def test_the_database_refuses_a_code_outside_the_alphabet_when_created(model, constraint, factory, field, code):
    with violates(model, constraint):
        factory(**{field: code})


@pytest.mark.parametrize(("model", "constraint", "factory", "field"), CODED)
def test_the_database_refuses_a_code_outside_the_alphabet_when_updated(model, constraint, factory, field):
    row = factory()

    with violates(model, constraint):
        model.objects.filter(pk=row.pk).update(**{field: "A/B"})


def test_the_database_refuses_a_pillar_code_outside_the_alphabet():
    with violates(Pillar, "meetings_pillar_code_safe"):
        Pillar.objects.create(code="a/b", name="Test pillar", order=99)


def test_the_database_refuses_a_code_written_in_plain_sql():
    # What a script working behind the models' back would do: the constraint still holds.
    member = MemberFactory()

    with violates(Member, "members_member_code_safe"), connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET code = %s WHERE id = %s", ["A/B", member.pk])


@pytest.mark.parametrize("code", SAFE)
def test_the_database_and_the_admin_accept_every_character_of_the_alphabet(code):
    member = MemberFactory(code=code)

    member.full_clean()
    assert Member.objects.get(pk=member.pk).code == code


@pytest.mark.parametrize("persona", ["secretariat_user", "co_chair_user", "member_user"])
def test_lists_and_pages_answer_for_codes_using_every_character_of_the_alphabet(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for code in SAFE:
        BodyMembershipFactory(member=MemberFactory(code=code), body=BodyFactory(code=code))

    for path in ["/members/", "/groups/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    members_page, groups_page = client.get("/members/").text, client.get("/groups/").text
    for code in SAFE:
        assert f'href="/members/{code}/"' in members_page
        assert f'href="/groups/{code}/"' in groups_page
        assert client.get(f"/members/{code}/").status_code == 200
        assert client.get(f"/groups/{code}/").status_code == 200


@pytest.mark.parametrize("path", ["/members/A/B/", "/members/a.b/", "/groups/A%2FB/", "/meetings/a.b/"])
def test_an_address_outside_the_alphabet_is_not_found(client, co_chair_user, path):
    client.force_login(co_chair_user)

    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("name", "value"), [("members:detail", "A/B"), ("members:group-detail", "a.b"), ("meetings:detail", "A B")]
)
def test_no_link_is_built_to_a_code_outside_the_alphabet(name, value):
    with pytest.raises(NoReverseMatch):
        reverse(name, args=[value])


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_naming_each_row_with_an_unsafe_code_and_changes_nothing():
    before, after = ("members", "0003_constraint_messages"), ("members", "0004_codes_in_safe_alphabet")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        # Rows stored before the alphabet was a rule, as an older BaliTrack let the admin do.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO members_member (code, name, kind, notes) VALUES ('A/B', 'Slashland', 'country', '')"
            )
            cursor.execute(
                "INSERT INTO members_body (code, name, kind, status, description, notes)"
                " VALUES ('WG TIP', 'Spaced Group', 'working_group', 'proposed', '', '')"
            )
        slashland = Member.objects.values_list("pk", flat=True).get(name="Slashland")
        spaced = Body.objects.values_list("pk", flat=True).get(name="Spaced Group")

        executor = MigrationExecutor(connection)
        with pytest.raises(UnsafeCodes) as refused:
            executor.migrate([after])

        assert str(refused.value) == (
            "These codes have characters other than letters, digits, '-' and '_', and would break the address of "
            f"their page: members.Member {slashland} code 'A/B'; members.Body {spaced} code 'WG TIP'. Nothing was "
            "changed. Give each a new code (in the admin, which now refuses these), then migrate again."
        )
        assert list(Member.objects.filter(pk=slashland).values_list("code", flat=True)) == ["A/B"]
        assert after not in MigrationExecutor(connection).loader.applied_migrations
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM members_member WHERE name = 'Slashland'")
            cursor.execute("DELETE FROM members_body WHERE name = 'Spaced Group'")
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
