"""The action register at /actions/: who may see it, what each filter finds, what it costs."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from actions.models import Action
from actions.services import action_record_update
from members.models import BodyMembership
from tests.factories import ActionFactory, ActionOwnerFactory, BodyFactory, BodyMembershipFactory, MemberFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("actions:register")


def _listed(response) -> set[tuple[str, int]]:
    return {(action.initiative.slug, action.number) for action in response.context["actions"]}


def _all_listed(client, query: str) -> set[tuple[str, int]]:
    response = client.get(f"{REGISTER}?{query}&page=1")
    listed = _listed(response)
    for page in range(2, response.context["paginator"].num_pages + 1):
        listed |= _listed(client.get(f"{REGISTER}?{query}&page={page}"))
    return listed


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(REGISTER)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={REGISTER}"


@pytest.mark.parametrize("persona", ["secretariat_user", "co_chair_user", "member_user", "outsider"])
def test_every_signed_in_user_reads_the_register(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"{REGISTER}?status=planned")

    assert response.status_code == 200


def test_register_cannot_be_posted_to(client, secretariat_user):
    client.force_login(secretariat_user)

    assert client.post(REGISTER).status_code == 405


def test_member_first_sees_their_own_country_then_whatever_they_ask(client, member_user):
    client.force_login(member_user)

    first = client.get(REGISTER)
    second = client.get(REGISTER)

    assert first.status_code == 302
    assert first["Location"] == f"{REGISTER}?lead=ID"
    assert second.status_code == 200


def test_secretariat_is_not_preselected(client, secretariat_user):
    client.force_login(secretariat_user)

    assert client.get(REGISTER).status_code == 200


def test_indonesia_leads_only_the_biometrics_workshop(client, record, co_chair_user):
    client.force_login(co_chair_user)

    assert _all_listed(client, "lead=ID") == {("workshop-on-biometrics", 1)}


def test_lead_filter_extends_to_bodies_the_country_co_chairs_or_co_manages(client, record, co_chair_user):
    client.force_login(co_chair_user)

    listed = _all_listed(client, "lead=ID&via_bodies=on")

    # Indonesia's own lead; the 16 the RSO leads or co-leads (Indonesia co-manages it);
    # the 3 the WGTIP leads (Indonesia co-chairs it).
    assert len(listed) == 20
    assert {("workshop-on-biometrics", 1), ("expansion-of-rilon", 1), ("wgtip", 1)} <= listed
    assert ("avrr-project", 1) not in listed  # the RSO only supports it


def test_owner_filter_finds_every_part_a_member_plays(client, record, co_chair_user):
    client.force_login(co_chair_user)

    listed = _all_listed(client, "owner=NZ")

    assert listed == {
        ("roundtable-on-migration-and-transnational-crime", 1),
        ("roundtable-on-migration-and-transnational-crime", 2),
        ("public-awareness-campaigns", 1),
        ("public-awareness-campaigns", 2),
    }


def test_owner_filter_with_bodies_adds_every_part_the_members_bodies_play(client, record, co_chair_user):
    client.force_login(co_chair_user)

    own = _all_listed(client, "owner=ID")
    listed = _all_listed(client, "owner=ID&via_bodies=on")

    # The RSO (Indonesia co-manages it) only supports the AVRR project: "any part" with bodies
    # has it, where "lead" with bodies does not.
    assert ("avrr-project", 1) not in own
    assert own | {("avrr-project", 1), ("avrr-project", 2), ("expansion-of-rilon", 1), ("wgtip", 1)} <= listed
    assert _all_listed(client, "lead=ID&via_bodies=on") < listed


def test_status_filter_takes_several_statuses(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?status=completed&status=in_progress")

    assert response.context["paginator"].count == 5
    assert {a.status for a in response.context["actions"]} == {"completed", "in_progress"}


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("new_work=on", 9),
        ("theme=engagement-opportunities", 4),
        ("initiative=disembarkation-mapping", 3),
        ("pillar=protection", 9),
        ("group=WGTIP", 3),
        ("meeting=bp-mc-5-2013", 13),
        ("q=RILON", 1),
        ("q=policy+guides", 8),  # every word, in the action or its initiative
        ("target_after=2015-01-01&target_before=2015-12-31", 3),
    ],
)
def test_each_filter_finds_the_actions_the_record_gives(client, record, co_chair_user, query, count):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?{query}")

    assert response.context["paginator"].count == count


@time_machine.travel(datetime.datetime(2015, 1, 1, 12, tzinfo=datetime.UTC))
def test_overdue_lists_open_actions_past_their_target(client, record, co_chair_user):
    client.force_login(co_chair_user)

    listed = _all_listed(client, "overdue=on")

    assert listed == {("workshop-on-biometrics", 1), ("roundtable-on-migration-and-transnational-crime", 1)}


def test_unticked_overdue_box_hides_nothing(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?overdue=", follow=True)

    assert response.redirect_chain == [(REGISTER, 302)]
    assert response.context["paginator"].count == 31


def test_empty_parameters_are_dropped_by_a_redirect_that_keeps_the_rest(client, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(
        f"{REGISTER}?q=&lead=ID&via_bodies=&status=&status=planned&theme=&target_after=&target_before=2015-12-31"
        "&sort=-target&page=2"
    )

    assert response.status_code == 302
    assert response["Location"] == f"{REGISTER}?lead=ID&status=planned&target_before=2015-12-31&sort=-target&page=2"


def test_a_form_sent_with_every_field_empty_redirects_to_the_bare_register(client, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?q=+&lead=&owner=&target_after=&target_before=&updated_after=&updated_before=")

    assert response.status_code == 302
    assert response["Location"] == REGISTER


def test_member_sent_an_empty_form_before_any_visit_still_opens_on_their_country(client, member_user):
    client.force_login(member_user)

    response = client.get(f"{REGISTER}?q=&lead=", follow=True)

    assert response.redirect_chain == [(REGISTER, 302), (f"{REGISTER}?lead=ID", 302)]
    assert response.status_code == 200


def test_sort_links_keep_the_filters_and_drop_the_page(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?status=not_started&status=planned&sort=target&page=2")

    content = response.content.decode()
    assert 'href="?status=not_started&amp;status=planned&amp;sort=-target"' in content
    assert 'href="?status=not_started&amp;status=planned&amp;sort=status"' in content
    assert 'href="?status=not_started&amp;status=planned&amp;sort=target&amp;page=1"' in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lead=XX", "Select a valid choice. That choice is not one of the available choices."),
        ("status=finished", "Select a valid choice. finished is not one of the available choices."),
        ("target_after=2015-02-30", "Enter a valid date."),
        ("sort=password", "Select a valid choice. password is not one of the available choices."),
    ],
)
def test_filters_it_cannot_read_give_a_message_not_an_error(client, co_chair_user, query, message):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?{query}")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Some filters could not be understood" in response.content.decode()


def test_no_match_says_so(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?q=nothing-like-this")

    assert "No action matches these filters." in response.content.decode()


def test_sorting_by_status_follows_the_workflow(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?sort=-status")

    statuses = [action.status for action in response.context["actions"]]
    assert statuses[:2] == ["completed", "completed"]
    assert statuses[2:5] == ["in_progress"] * 3


def test_register_pages_by_25(client, record, co_chair_user):
    client.force_login(co_chair_user)

    first = client.get(REGISTER)
    second = client.get(f"{REGISTER}?page=2")

    assert (len(first.context["actions"]), len(second.context["actions"])) == (25, 6)
    assert _listed(first).isdisjoint(_listed(second))


def test_filter_state_survives_in_the_page_links(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?status=not_started&status=planned")

    assert 'href="?status=not_started&amp;status=planned&amp;page=2"' in response.content.decode()


@pytest.mark.parametrize("rows", [5, 40])
def test_register_costs_the_same_queries_for_5_or_40_actions(client, co_chair_user, django_assert_num_queries, rows):
    lead = MemberFactory()
    for _ in range(rows):
        ActionOwnerFactory(member=lead, action=ActionFactory(status=Action.Status.PLANNED))
    client.force_login(co_chair_user)

    # session, user, the user's groups (member preselection); the strategies (the current one is
    # listed); the chosen lead member; the count; the choice lists' version, then (built afresh: the
    # record has just changed) choices of the lead, owner, theme, initiative, pillar, group and
    # meeting filters; the page of actions with initiative and theme; their owners with member, body
    # and forum.
    with django_assert_num_queries(16):
        response = client.get(f"{REGISTER}?lead={lead.code}&status=planned")
    # The same lists again: the version alone.
    with django_assert_num_queries(9):
        client.get(f"{REGISTER}?lead={lead.code}&status=planned")

    assert response.context["paginator"].count == rows


def test_drop_downs_follow_a_new_owner_but_are_not_rebuilt_for_a_status_update(
    client, secretariat_user, django_assert_num_queries
):
    action = ActionFactory()
    ActionOwnerFactory(action=action, member=MemberFactory(code="TFJ", name="Test Fiji"))
    client.force_login(secretariat_user)
    client.get(REGISTER)

    action_record_update(
        action=action, author=secretariat_user, status=Action.Status.PLANNED, progress=0, target_date=None, note=""
    )
    # session, user, groups, strategies, count, the page, owners; the user's and groups'
    # permissions and the pending proposals counted (the navigation's figure for the
    # Secretariat); the lists' version: nothing rebuilt.
    with django_assert_num_queries(11):
        client.get(REGISTER)
    ActionOwnerFactory(action=action, member=MemberFactory(code="TNR", name="Test Nauru"))
    response = client.get(REGISTER)

    lead_options = response.context["filter"].form["lead"].as_widget()
    assert '<option value="TNR">Test Nauru</option>' in lead_options
    assert '<option value="TFJ">Test Fiji</option>' in lead_options


def test_a_search_of_too_many_words_is_refused_with_a_message_and_lists_nothing(client, co_chair_user):
    ActionFactory(text="Roundtable on biometrics")
    client.force_login(co_chair_user)
    query = " ".join(f"w{number}" for number in range(7))

    page = client.get(reverse("actions:register"), {"q": query})
    export = client.get(reverse("actions:export"), {"q": query})

    message = "Search for at most 6 different words; this search has 7. The filters narrow the list further."
    assert page.status_code == 200
    assert page.context["filter"].form.errors["q"] == [message]
    assert list(page.context["actions"]) == []
    assert export.status_code == 302


def test_a_word_repeated_in_a_search_is_looked_for_once(client, co_chair_user):
    wanted = ActionFactory(text="Roundtable on biometrics")
    ActionFactory(text="Workshop on trafficking")
    client.force_login(co_chair_user)

    page = client.get(reverse("actions:register"), {"q": " ".join(["Biometrics", "biometrics", "BIOMETRICS"] * 6)})

    assert page.context["filter"].form.errors == {}
    assert [action.pk for action in page.context["actions"]] == [wanted.pk]


def _reasons(response) -> dict[tuple[str, int], str]:
    return {(action.initiative.slug, action.number): reason for action, reason in response.context["rows"]}


def test_rows_listed_through_a_body_name_the_body_and_the_members_role(client, record, member_user):
    client.force_login(member_user)

    response = client.get(f"{REGISTER}?lead=ID&via_bodies=on&sort=target")
    reasons = _reasons(response)

    assert reasons[("expansion-of-rilon", 1)] == "through the Regional Support Office, as co-manager"
    assert reasons[("wgtip", 1)] == "through the Working Group on Trafficking in Persons, as co-chair"
    # Indonesia leads this one itself.
    assert reasons[("workshop-on-biometrics", 1)] == ""
    assert "Listed through the Regional Support Office, as co-manager" in response.content.decode()


def test_rows_of_a_lead_without_bodies_say_nothing_of_why(client, record, member_user):
    client.force_login(member_user)

    for query in ("lead=ID", "via_bodies=on", "status=in_progress"):
        response = client.get(f"{REGISTER}?{query}")

        assert set(_reasons(response).values()) == {""}
        assert "Listed through" not in response.content.decode()


def test_a_member_with_two_roles_in_a_body_is_listed_with_both(client, co_chair_user):
    member, body = MemberFactory(), BodyFactory(name="Test Office")
    BodyMembershipFactory(member=member, body=body, role=BodyMembership.Role.CO_CHAIR)
    BodyMembershipFactory(member=member, body=body, role=BodyMembership.Role.CO_MANAGER)
    # A host does not run the body: its actions are not the member's.
    BodyMembershipFactory(member=member, body=BodyFactory(name="Hosted Office"), role=BodyMembership.Role.HOST)
    ActionOwnerFactory(member=None, body=body)
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?lead={member.code}&via_bodies=on")

    assert [reason for _action, reason in response.context["rows"]] == [
        "through the Test Office, as co-chair and co-manager"
    ]


@pytest.mark.parametrize("rows", [5, 40])
def test_register_with_bodies_costs_the_same_queries_for_5_or_40_actions(
    client, co_chair_user, django_assert_num_queries, rows
):
    lead, body = MemberFactory(), BodyFactory()
    BodyMembershipFactory(member=lead, body=body, role=BodyMembership.Role.CO_MANAGER)
    for _ in range(rows):
        ActionOwnerFactory(member=None, body=body, action=ActionFactory(status=Action.Status.PLANNED))
    client.force_login(co_chair_user)
    client.get(f"{REGISTER}?lead={lead.code}&via_bodies=on")

    # As test_register_costs_the_same_queries_for_5_or_40_actions with the lists built: session,
    # user, groups; the strategies; the chosen lead member; the count; the page of actions; their
    # owners; the lists' version; and one more, the lead's roles in the bodies it runs
    # (BodyMembership), read once for the page to say why each row is listed.
    with django_assert_num_queries(10):
        response = client.get(f"{REGISTER}?lead={lead.code}&via_bodies=on")

    assert response.context["paginator"].count == rows
    assert {reason for _action, reason in response.context["rows"]} == {f"through the {body.name}, as co-manager"}


def _chips(response) -> list[tuple[str, str]]:
    return [(chip.text, chip.query_without) for chip in response.context["chips"]]


def test_chips_list_exactly_the_active_filters_and_each_removes_only_its_own(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?lead=ID&via_bodies=on&status=planned&status=in_progress&sort=target&page=1")

    assert _chips(response) == [
        ("Lead: Indonesia", "via_bodies=on&status=planned&status=in_progress&sort=target"),
        ("Including the bodies it co-chairs or co-manages", "lead=ID&status=planned&status=in_progress&sort=target"),
        ("Status: Planned", "lead=ID&via_bodies=on&status=in_progress&sort=target"),
        ("Status: In progress", "lead=ID&via_bodies=on&status=planned&sort=target"),
    ]
    content = response.content.decode()
    assert "Filters (4 active)" in content
    assert (
        '<a class="chip" href="/actions/?via_bodies=on&amp;status=planned&amp;status=in_progress&amp;sort=target">'
        '<span class="visually-hidden">Remove filter: </span>Lead: Indonesia' in content
    )


def test_chips_name_what_was_chosen_and_keep_what_could_not_be_read(client, record, co_chair_user):
    client.force_login(co_chair_user)

    named = client.get(f"{REGISTER}?theme=engagement-opportunities&q=RILON&target_after=2015-01-01&overdue=on")
    unread = client.get(f"{REGISTER}?lead=XX&status=finished")

    assert [text for text, _query in _chips(named)] == [
        "Theme: Engagement opportunities – bilateral, regional and other multilateral fora",
        "Search: RILON",
        "Target date from: 2015-01-01",
        "Overdue only",
    ]
    assert _chips(unread) == [("Lead: XX", "status=finished"), ("Status: finished", "lead=XX")]


def test_a_register_without_filters_shows_no_chips_and_the_last_chip_leads_to_it(client, record, co_chair_user):
    client.force_login(co_chair_user)

    bare = client.get(REGISTER)
    one = client.get(f"{REGISTER}?new_work=on")

    assert _chips(bare) == []
    assert "active)" not in bare.content.decode()
    assert '<a class="chip" href="/actions/">' in one.content.decode()


def test_copy_link_is_a_plain_link_to_this_very_page(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get(f"{REGISTER}?lead=ID&sort=-status")

    assert (
        '<a class="button button--secondary" href="http://testserver/actions/?lead=ID&amp;sort=-status" '
        'data-copy-link data-copy-status="copy-status">Copy link</a>' in response.content.decode()
    )


def test_filters_are_folded_unless_one_could_not_be_read(client, co_chair_user):
    client.force_login(co_chair_user)

    plain = client.get(f"{REGISTER}?status=planned").content.decode()
    refused = client.get(f"{REGISTER}?status=finished").content.decode()

    assert '<details class="filters-fold" data-filters-fold>' in plain
    assert '<details class="filters-fold" data-filters-fold open>' in refused
