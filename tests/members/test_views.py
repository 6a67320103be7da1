import datetime
import re

import pytest

from actions.models import Action, ActionOwner
from meetings.models import MeetingParticipation
from members.access import MEETINGS_LISTED
from members.action_roles import ROWS_LISTED
from members.models import Body, BodyMembership, ForumMembership, Member
from tests.factories import (
    ActionOwnerFactory,
    BodyFactory,
    BodyMembershipFactory,
    DecisionFactory,
    FocalPointFactory,
    ForumFactory,
    ForumMembershipFactory,
    InitiativeFactory,
    MeetingFactory,
    MeetingParticipationFactory,
    MemberAliasFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["secretariat_user", "co_chair_user", "member_user", "outsider"]
PAGES = ["/members/", "/members/TAU/", "/groups/", "/groups/TWG/"]


@pytest.fixture
def australia_in_a_group(db):
    """A member and a body for the pages to show, with codes the real record never uses."""
    australia = MemberFactory(code="TAU", name="Test Australia")
    BodyMembershipFactory(body=BodyFactory(code="TWG", name="Test Working Group"), member=australia)
    return australia


def _codes(response) -> list[str]:
    return [member.code for member in response.context["members"]]


# Access


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, australia_in_a_group, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", PAGES)
def test_every_signed_in_user_reads_the_members_and_groups_pages(client, request, australia_in_a_group, persona, path):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(path)

    assert response.status_code == 200
    assert "Test Working Group" in response.text or "Test Australia" in response.text


@pytest.mark.parametrize("path", PAGES)
def test_members_and_groups_pages_refuse_post(client, secretariat_user, australia_in_a_group, path):
    client.force_login(secretariat_user)

    response = client.post(path)

    assert response.status_code == 405


@pytest.mark.parametrize("path", ["/members/TXX/", "/groups/TXX/"])
def test_unknown_code_is_not_found(client, secretariat_user, path):
    client.force_login(secretariat_user)

    response = client.get(path)

    assert response.status_code == 404


def test_member_code_is_matched_exactly_as_stored(client, co_chair_user, australia_in_a_group):
    client.force_login(co_chair_user)

    assert client.get("/members/TAU/").status_code == 200
    assert client.get("/members/tau/").status_code == 404


# The members list


def test_members_list_shows_each_member_with_its_seats_one_tag_per_forum(client, member_user):
    forum = ForumFactory(code="TBP", name="Test Bali Process", order=1)
    australia = MemberFactory(code="TAU", name="Test Australia")
    ForumMembershipFactory(forum=forum, member=australia, role=ForumMembership.Role.CO_CHAIR)
    ForumMembershipFactory(forum=forum, member=australia, role=ForumMembership.Role.MEMBER)
    ForumMembershipFactory(forum=ForumFactory(code="TAHG", name="Test Ad Hoc Group", order=2), member=australia)
    client.force_login(member_user)

    response = client.get("/members/")

    row = re.search(r'<a href="/members/TAU/">Test Australia</a>.*?</tr>', response.text, re.S).group(0)
    assert '<td data-label="Code">TAU</td>' in row
    assert '<td data-label="Kind">Country</td>' in row
    assert re.findall(r'<a class="tag" href="(.*?)">(.*?)</a>', row) == [
        ("/members/?forum=TBP", "Test Bali Process · member, co-chair"),
        ("/members/?forum=TAHG", "Test Ad Hoc Group"),
    ]


def test_forum_filter_lists_a_member_with_two_seats_once(client, member_user):
    forum = ForumFactory(code="TBP")
    australia = MemberFactory(code="TAU", name="Test Australia")
    ForumMembershipFactory(forum=forum, member=australia, role=ForumMembership.Role.MEMBER)
    ForumMembershipFactory(forum=forum, member=australia, role=ForumMembership.Role.CO_CHAIR)
    ForumMembershipFactory(forum=forum, member=MemberFactory(code="TNZ", name="Test New Zealand"))
    ForumMembershipFactory(member=MemberFactory(code="TCA", name="Test Canada"))
    client.force_login(member_user)

    response = client.get("/members/?forum=TBP")

    assert _codes(response) == ["TAU", "TNZ"]


def test_members_list_filters_by_kind(client, member_user):
    MemberFactory(code="TAU", name="Test Australia", kind=Member.Kind.COUNTRY)
    MemberFactory(code="TIOM", name="Test IOM", kind=Member.Kind.ORGANISATION)
    client.force_login(member_user)

    response = client.get("/members/?kind=organisation")

    assert _codes(response) == ["TIOM"]


@pytest.mark.parametrize(("query", "label"), [("forum=XX", "Forum"), ("kind=nonsense", "Kind")])
def test_unknown_filter_value_lists_no_members_and_says_why(client, member_user, query, label):
    MemberFactory()
    client.force_login(member_user)

    response = client.get(f"/members/?{query}")

    assert response.status_code == 200
    assert list(response.context["members"]) == []
    assert "Some filters could not be understood, so no members are listed:" in response.text
    assert f"<strong>{label}:</strong> Select a valid choice." in response.text


def test_members_list_queries_do_not_grow_with_the_members(client, member_user, django_assert_num_queries):
    forum = ForumFactory(code="TBP")

    def add_members(count: int) -> None:
        for member in MemberFactory.create_batch(count):
            ForumMembershipFactory(forum=forum, member=member)
            ForumMembershipFactory(member=member)

    client.force_login(member_user)

    # 1 session, 2 user, 3 the forum asked for, 4 the forums for the filter's choices,
    # 5 the members, 6 their seats with their forums.
    add_members(1)
    with django_assert_num_queries(6):
        client.get("/members/?forum=TBP")
    add_members(6)
    with django_assert_num_queries(6):
        response = client.get("/members/?forum=TBP")

    assert len(response.context["members"]) == 7


# A member's page


def test_member_page_splits_the_actions_it_leads_from_those_it_supports(client, member_user):
    australia = MemberFactory(code="TAU", name="Test Australia")
    lead = ActionOwnerFactory(member=australia, role=ActionOwner.Role.LEAD, action__status=Action.Status.PLANNED)
    co_lead = ActionOwnerFactory(member=australia, role=ActionOwner.Role.CO_LEAD, action__status=Action.Status.PLANNED)
    in_progress = ActionOwnerFactory(
        member=australia, role=ActionOwner.Role.LEAD, action__status=Action.Status.IN_PROGRESS, action__progress=20
    )
    support = ActionOwnerFactory(member=australia, role=ActionOwner.Role.SUPPORT)
    ActionOwnerFactory(role=ActionOwner.Role.LEAD)
    client.force_login(member_user)

    response = client.get("/members/TAU/")

    assert response.context["leading"].rows == [lead, co_lead, in_progress]
    assert response.context["leading"].counts == [("planned", "planned", 2), ("in_progress", "in progress", 1)]
    assert response.context["other"].rows == [support]
    assert response.context["other"].counts == [("not_started", "not started", 1)]
    assert '<span class="status status--planned">2 planned</span>' in response.text
    assert '<a href="/actions/?lead=TAU">These actions in the register</a>' in response.text
    assert '<a href="/actions/?owner=TAU">Every action it has a part in, in the register</a>' in response.text


def test_member_page_lists_the_first_actions_and_counts_them_all(client, member_user):
    australia = MemberFactory(code="TAU", name="Test Australia")
    initiative = InitiativeFactory()
    for number in range(ROWS_LISTED + 2, 0, -1):
        ActionOwnerFactory(
            member=australia, role=ActionOwner.Role.LEAD, action__initiative=initiative, action__number=number
        )
    client.force_login(member_user)

    response = client.get("/members/TAU/")

    leading = response.context["leading"]
    assert [row.action.number for row in leading.rows] == list(range(1, ROWS_LISTED + 1))
    assert leading.total == ROWS_LISTED + 2
    assert leading.counts == [("not_started", "not started", ROWS_LISTED + 2)]
    assert "<h3>Leads or co-leads (27)</h3>" in response.text
    assert "The first 25 of 27, in the strategy's order; the register lists them all." in response.text


def test_member_page_offers_no_register_link_for_a_member_without_actions(client, member_user):
    MemberFactory(code="TAU", name="Test Australia")
    client.force_login(member_user)

    response = client.get("/members/TAU/")

    assert "/actions/?" not in response.text
    assert "Test Australia has no part in any action of the strategy." in response.text


def test_member_page_lists_its_groups_co_chairs_first(client, member_user):
    australia = MemberFactory(code="TAU", name="Test Australia")
    BodyMembershipFactory(member=australia, body__name="Test A network", role=BodyMembership.Role.MEMBER)
    BodyMembershipFactory(member=australia, body__name="Test B office", role=BodyMembership.Role.CO_MANAGER)
    BodyMembershipFactory(member=australia, body__name="Test C working group", role=BodyMembership.Role.CO_CHAIR)
    client.force_login(member_user)

    response = client.get("/members/TAU/")

    groups = [(m.body.name, m.role) for m in response.context["member"].body_memberships.all()]
    assert groups == [
        ("Test C working group", BodyMembership.Role.CO_CHAIR),
        ("Test B office", BodyMembership.Role.CO_MANAGER),
        ("Test A network", BodyMembership.Role.MEMBER),
    ]


def test_member_page_links_meetings_attended_and_decisions_naming_it(client, member_user):
    australia = MemberFactory(code="TAU", name="Test Australia")
    MeetingParticipationFactory(
        member=australia, meeting__slug="test-som", meeting__title="Test SOM", role=MeetingParticipation.Role.HOST
    )
    decision = DecisionFactory(document__title="Test statement", number="7")
    decision.members.add(australia)
    client.force_login(member_user)

    response = client.get("/members/TAU/")

    assert '<a href="/meetings/test-som/">Test SOM</a>' in response.text
    assert f'<a href="{decision.get_absolute_url()}">Test statement, ¶7</a>' in response.text


def test_member_page_lists_the_latest_meetings_and_links_to_all_of_them(client, member_user):
    australia = MemberFactory(code="TAU", name="Test Australia")
    for day in range(1, MEETINGS_LISTED + 3):
        MeetingParticipationFactory(
            member=australia, meeting__title=f"Test meeting {day}", meeting__start_date=datetime.date(2020, 1, day)
        )
    client.force_login(member_user)

    response = client.get("/members/TAU/")

    latest = [attended.meeting.title for attended in response.context["meetings_attended"]]
    assert latest == [f"Test meeting {day}" for day in range(MEETINGS_LISTED + 2, 2, -1)]
    assert '<h2 id="meetings-heading">Meetings attended (22)</h2>' in response.text
    assert '<a href="/meetings/?attended_by=TAU">all 22 in the meetings list</a>' in response.text


def test_member_page_names_a_meeting_once_with_every_role_it_held(client, member_user):
    australia = MemberFactory(code="TAU", name="Test Australia")
    som = MeetingFactory(title="Test SOM", start_date=datetime.date(2014, 8, 6))
    MeetingParticipationFactory(meeting=som, member=australia, role=MeetingParticipation.Role.PARTICIPANT)
    MeetingParticipationFactory(meeting=som, member=australia, role=MeetingParticipation.Role.HOST)
    client.force_login(member_user)

    response = client.get("/members/TAU/")

    assert [(a.meeting.title, a.roles) for a in response.context["meetings_attended"]] == [
        ("Test SOM", ["Host", "Participant"])
    ]
    assert '<span class="meta">host, participant · 6 August 2014</span>' in response.text
    assert '<h2 id="meetings-heading">Meetings attended (1)</h2>' in response.text


@pytest.mark.parametrize("persona", ["secretariat_user", "co_chair_user"])
def test_focal_points_are_shown_to_users_who_may_view_them(client, request, persona):
    FocalPointFactory(member=MemberFactory(code="TAU"), name="Test Person", email="person@example.org")
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/members/TAU/")

    assert response.context["show_focal_points"] is True
    assert '<a href="mailto:person@example.org">person@example.org</a>' in response.text


@pytest.mark.parametrize("persona", ["member_user", "outsider"])
def test_focal_points_are_hidden_from_users_who_may_not_view_them(client, request, persona):
    FocalPointFactory(member=MemberFactory(code="TAU"), name="Test Person", email="person@example.org")
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/members/TAU/")

    assert response.context["show_focal_points"] is False
    assert "Focal points" not in response.text
    assert "person@example.org" not in response.text


def _member_with_rows(member: Member, count: int) -> None:
    MemberFactory.create_batch(count, kind=Member.Kind.TERRITORY, sovereign=member)
    MemberAliasFactory.create_batch(count, member=member)
    ForumMembershipFactory.create_batch(count, member=member)
    BodyMembershipFactory.create_batch(count, member=member)
    ActionOwnerFactory.create_batch(count, member=member, role=ActionOwner.Role.LEAD)
    ActionOwnerFactory.create_batch(count, member=member, role=ActionOwner.Role.SUPPORT)
    MeetingParticipationFactory.create_batch(count, member=member)
    for decision in DecisionFactory.create_batch(count):
        decision.members.add(member)
    FocalPointFactory.create_batch(count, member=member)


@pytest.mark.parametrize(
    ("persona", "queries"),
    [
        # 1 session, 2 user, 3 the user's permissions, 4 their groups' permissions, 5 the member
        # with its sovereign, 6 territories, 7 other spellings, 8 seats with their forums,
        # 9 groups with the bodies, 10 decisions naming it with their documents and meetings,
        # 11 the later paragraphs that superseded or closed them, 12 focal points, 13 its
        # action roles counted by part and status, 14 the first actions it leads and 15 the
        # first it supports, with their initiatives and themes, 16 the latest meetings it
        # attended and 17 its roles at them; 18 the pending proposals counted for the Secretariat's
        # navigation (proposals).
        ("secretariat_user", 18),
        # The same but the focal points, which a Members user may not see.
        ("member_user", 16),
    ],
)
def test_member_page_queries_do_not_grow_with_the_record(client, request, django_assert_num_queries, persona, queries):
    china = MemberFactory(code="TCN", name="Test China")
    client.force_login(request.getfixturevalue(persona))

    _member_with_rows(china, 1)
    with django_assert_num_queries(queries):
        client.get("/members/TCN/")
    _member_with_rows(china, 4)
    with django_assert_num_queries(queries):
        response = client.get("/members/TCN/")

    assert len(response.context["leading"].rows) == 5
    assert len(response.context["other"].rows) == 5


# The groups list and a group's page


def test_groups_list_shows_who_runs_each_body(client, member_user):
    forum = ForumFactory(code="TAHG", name="Test Ad Hoc Group")
    body = BodyFactory(code="TWG", name="Test Working Group", status=Body.Status.TOR_ENDORSED, forum=forum)
    BodyMembershipFactory(body=body, member=MemberFactory(code="TNZ", name="Test New Zealand"))
    BodyMembershipFactory(body=body, member=MemberFactory(code="TLK", name="Test Sri Lanka"))
    BodyMembershipFactory(body=body, member=MemberFactory(code="TTH"), role=BodyMembership.Role.MEMBER)
    client.force_login(member_user)

    response = client.get("/groups/")

    row = re.search(r'<a href="/groups/TWG/">Test Working Group</a>.*?</tr>', response.text, re.S).group(0)
    assert '<td data-label="Kind">Working group</td>' in row
    assert '<td data-label="Status">Terms of reference endorsed</td>' in row
    assert re.findall(r'href="(/members/[^"]+)"', row) == ["/members/TNZ/", "/members/TLK/", "/members/?forum=TAHG"]
    assert '<span class="meta">Co-chairs:</span> <a href="/members/TNZ/">Test New Zealand</a>, ' in row


def test_groups_list_queries_do_not_grow_with_the_bodies(client, member_user, django_assert_num_queries):
    def add_bodies(count: int) -> None:
        for body in BodyFactory.create_batch(count, forum=ForumFactory(), parent=BodyFactory()):
            BodyMembershipFactory.create_batch(2, body=body)

    client.force_login(member_user)

    # 1 session, 2 user, 3 bodies with their forums and parents, 4 their co-chairs and
    # co-managers with the members.
    add_bodies(1)
    with django_assert_num_queries(4):
        client.get("/groups/")
    add_bodies(5)
    with django_assert_num_queries(4):
        response = client.get("/groups/")

    # Six bodies, and the parent each batch shares.
    assert len(response.context["bodies"]) == 8


def test_group_page_shows_its_place_among_the_bodies(client, member_user):
    parent = BodyFactory(code="TRSO", name="Test Regional Support Office")
    BodyFactory(code="TWG", name="Test Working Group", parent=parent, notes="Read from the statement.")
    BodyFactory(code="TSUB", name="Test Sub-group", parent=Body.objects.get(code="TWG"))
    client.force_login(member_user)

    response = client.get("/groups/TWG/")

    assert '<dt>Part of</dt><dd><a href="/groups/TRSO/">Test Regional Support Office</a></dd>' in response.text
    assert '<dt>Its parts</dt><dd><a href="/groups/TSUB/">Test Sub-group</a></dd>' in response.text
    assert '<h2 id="notes-heading">Notes on the record</h2>' in response.text


def test_group_page_lists_its_actions_with_a_link_to_the_register(client, member_user):
    body = BodyFactory(code="TWG")
    owner = ActionOwnerFactory(member=None, body=body, role=ActionOwner.Role.SUPPORT)
    client.force_login(member_user)

    response = client.get("/groups/TWG/")

    assert response.context["actions"].rows == [owner]
    assert '<a href="/actions/?group=TWG">These actions in the register</a>' in response.text


@pytest.mark.parametrize(
    ("persona", "queries"),
    [
        ("member_user", 12),
        # The same and, for its Edit in admin link, 13 the user's permissions and 14 their
        # groups' permissions; asked only of staff (the admin lets no one else in); 15 the pending
        # proposals counted for the Secretariat's navigation (proposals).
        ("secretariat_user", 15),
    ],
)
def test_group_page_queries_do_not_grow_with_the_record(client, request, django_assert_num_queries, persona, queries):
    body = BodyFactory(code="TWG", forum=ForumFactory(), parent=BodyFactory())

    def add_rows(count: int) -> None:
        BodyFactory.create_batch(count, parent=body)
        BodyMembershipFactory.create_batch(count, body=body)
        for decision in DecisionFactory.create_batch(count):
            decision.bodies_established.add(body)
            decision.bodies.add(body)
        MeetingFactory.create_batch(count, body=body)
        ActionOwnerFactory.create_batch(count, member=None, body=body)

    client.force_login(request.getfixturevalue(persona))

    # 1 session, 2 user, 3 the body with its forum and parent, 4 its parts, 5 its members,
    # 6 decisions that established it and 8 decisions naming it, with their documents and
    # meetings, 7 and 9 the later paragraphs that superseded or closed each, 10 its meetings,
    # 11 its action roles counted by status, 12 the first of them with their actions,
    # initiatives and themes.
    # A first request: the first a test process serves connects the session clock's receiver
    # (balitrack/middleware.py), so a login before it goes unstamped and the page saves the session.
    client.get("/groups/TWG/")
    add_rows(1)
    with django_assert_num_queries(queries):
        client.get("/groups/TWG/")
    add_rows(4)
    with django_assert_num_queries(queries):
        response = client.get("/groups/TWG/")

    assert len(response.context["actions"].rows) == 5


# The real record


def test_members_filtered_by_forum_are_exactly_its_seat_holders(client, record, member_user):
    client.force_login(member_user)

    steering_group = _codes(client.get("/members/?forum=SG"))
    bali_process = _codes(client.get("/members/?forum=BP"))

    assert sorted(steering_group) == ["AU", "ID", "IOM", "NZ", "TH", "UNHCR"]
    # Australia and Indonesia are members and co-chairs of the Bali Process: listed once.
    assert len(bali_process) == len(set(bali_process)) == 48


def test_indonesia_page_lists_the_biometrics_workshop_action_it_leads(client, record, member_user):
    client.force_login(member_user)

    response = client.get("/members/ID/")

    assert [str(row.action) for row in response.context["leading"].rows] == ["Workshop on Biometrics — action 1"]
    assert [row.role for row in response.context["leading"].rows] == [ActionOwner.Role.LEAD]
    assert response.context["leading"].counts == [("planned", "planned", 1)]
    assert '<a href="/actions/?lead=ID">These actions in the register</a>' in response.text


def test_unodc_page_shows_its_ad_hoc_group_seat_with_its_basis(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get("/members/UNODC/")

    seat = '<a href="/members/?forum=AHG">Bali Process Ad Hoc Group</a> <span class="meta">member, since 6 August 2014'
    assert seat in response.text
    assert '<br><span class="meta">as endorsed at 8th AHG SOM</span>' in response.text


def test_china_page_lists_its_territories(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get("/members/CN/")

    assert [territory.code for territory in response.context["member"].territories.all()] == ["HK", "MO"]


def test_focal_points_of_indonesia_are_hidden_from_a_members_user_and_shown_to_the_secretariat(
    client, record, member_user, secretariat_user
):
    FocalPointFactory(member=Member.objects.get(code="ID"), name="Test Person", email="person@example.org")

    client.force_login(member_user)
    hidden = client.get("/members/ID/")
    client.force_login(secretariat_user)
    shown = client.get("/members/ID/")

    assert "person@example.org" not in hidden.text
    assert '<a href="mailto:person@example.org">person@example.org</a>' in shown.text


def test_wgtip_page_shows_its_co_chairs_and_the_decisions_that_established_it(client, record, member_user):
    client.force_login(member_user)

    response = client.get("/groups/WGTIP/")

    body = response.context["body"]
    assert [(m.member.name, m.role) for m in body.memberships.all()] == [
        ("Australia", BodyMembership.Role.CO_CHAIR),
        ("Indonesia", BodyMembership.Role.CO_CHAIR),
    ]
    assert [(d.document.slug, d.number) for d in body.establishing_decisions.all()] == [
        ("bp-mc-5-2013-statement", "4"),
        ("ahg-som-8-2014-statement", "7"),
    ]
    assert '<a href="/meetings/bp-mc-5-2013/#bp-mc-5-2013-statement-4">' in response.text
    assert '<a href="/meetings/ahg-som-8-2014/#ahg-som-8-2014-statement-7">' in response.text
    assert response.context["leaders"] == list(body.memberships.all())
    assert (
        '<dt>Co-chairs</dt><dd><a href="/members/AU/">Australia</a>, <a href="/members/ID/">Indonesia</a></dd>'
        in response.text
    )
    assert '<a href="/members/AU/">Australia</a> <span class="meta">co-chair</span>' in response.text
    assert '<a href="/members/ID/">Indonesia</a> <span class="meta">co-chair</span>' in response.text
