import datetime
import re
from typing import cast

import pytest
from django.utils.html import escape

from actions.models import Action
from meetings.models import Decision, Document, Lineage, Meeting, MeetingParticipation
from tests.factories import (
    ActionFactory,
    BodyFactory,
    DecisionFactory,
    DocumentFactory,
    ForumFactory,
    MeetingFactory,
    MeetingParticipationFactory,
    MemberFactory,
    PillarFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["secretariat_user", "co_chair_user", "member_user", "outsider"]


def _paragraph(html: str, anchor: str) -> str:
    """The markup of one paragraph of a meeting page, from its anchor to the end of its footer."""
    match = re.search(rf'id="{re.escape(anchor)}">(.*?)</footer>', html, re.S)
    assert match, f"no paragraph {anchor}"
    return match.group(1)


# Access


@pytest.mark.parametrize("path", ["/meetings/", "/meetings/test-meeting-page/"])
def test_anonymous_visitor_is_sent_to_sign_in(client, path):
    MeetingFactory(slug="test-meeting-page")

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", ["/meetings/", "/meetings/test-meeting-page/"])
def test_every_signed_in_user_reads_the_meetings_pages(client, request, persona, path):
    MeetingFactory(slug="test-meeting-page", title="Test workshop on border operations")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(path)

    assert response.status_code == 200
    assert "Test workshop on border operations" in response.text


@pytest.mark.parametrize("path", ["/meetings/", "/meetings/test-meeting-page/"])
def test_meetings_pages_refuse_post(client, secretariat_user, path):
    MeetingFactory(slug="test-meeting-page")
    client.force_login(secretariat_user)

    response = client.post(path)

    assert response.status_code == 405


def test_unknown_meeting_is_not_found(client, secretariat_user):
    client.force_login(secretariat_user)

    response = client.get("/meetings/no-such-meeting/")

    assert response.status_code == 404


# The list


def test_meetings_are_listed_oldest_first_with_undated_ones_last(client, co_chair_user):
    MeetingFactory(slug="test-undated", start_date=None, status=Meeting.Status.PLANNED)
    MeetingFactory(slug="test-2014", start_date=datetime.date(2014, 8, 6))
    MeetingFactory(slug="test-2002", start_date=datetime.date(2002, 2, 26))
    client.force_login(co_chair_user)

    response = client.get("/meetings/")

    assert [meeting.slug for meeting in response.context["meetings"]] == ["test-2002", "test-2014", "test-undated"]


def test_meeting_list_shows_the_date_as_the_record_writes_it(client, co_chair_user):
    MeetingFactory(date_text="first half of 2014", start_date=datetime.date(2014, 1, 1))
    MeetingFactory(date_text="", start_date=datetime.date(2014, 5, 26))
    MeetingFactory(date_text="", start_date=None)
    client.force_login(co_chair_user)

    response = client.get("/meetings/")

    assert '<td data-label="Date">first half of 2014</td>' in response.text
    assert '<td data-label="Date">26 May 2014</td>' in response.text
    assert '<td data-label="Date"><span class="meta">not dated</span></td>' in response.text


def test_meeting_list_counts_the_decisions_of_all_documents(client, co_chair_user):
    meeting = MeetingFactory()
    DecisionFactory.create_batch(3, document=DocumentFactory(meeting=meeting))
    DecisionFactory.create_batch(2, document=DocumentFactory(meeting=meeting))
    MeetingFactory()
    client.force_login(co_chair_user)

    response = client.get("/meetings/")

    assert [meeting.decision_count for meeting in response.context["meetings"]] == [5, 0]


def test_meeting_list_filters_by_kind_and_status(client, member_user):
    MeetingFactory(slug="test-planned-workshop", kind=Meeting.Kind.WORKSHOP, status=Meeting.Status.PLANNED)
    MeetingFactory(slug="test-held-workshop", kind=Meeting.Kind.WORKSHOP, status=Meeting.Status.HELD)
    MeetingFactory(slug="test-planned-roundtable", kind=Meeting.Kind.ROUNDTABLE, status=Meeting.Status.PLANNED)
    client.force_login(member_user)

    response = client.get("/meetings/?kind=workshop&status=planned")

    assert [meeting.slug for meeting in response.context["meetings"]] == ["test-planned-workshop"]


@pytest.mark.parametrize(("query", "label"), [("kind=nonsense", "Kind"), ("status=cancelled", "Status")])
def test_unknown_filter_value_lists_no_meetings_and_says_why(client, member_user, query, label):
    MeetingFactory()
    client.force_login(member_user)

    response = client.get(f"/meetings/?{query}")

    assert response.status_code == 200
    assert list(response.context["meetings"]) == []
    assert "Some filters could not be understood, so no meetings are listed:" in response.text
    assert f"<strong>{label}:</strong> Select a valid choice." in response.text


# A meeting's page


def test_meeting_page_shows_what_the_record_says_of_the_meeting(client, member_user):
    forum = ForumFactory(code="TAHG", name="Test Ad Hoc Group")
    australia = MemberFactory(code="TAU", name="Test Australia")
    MeetingFactory(
        slug="test-som",
        title="Test senior officials' meeting",
        kind=Meeting.Kind.SENIOR_OFFICIALS,
        ordinal=8,
        forum=forum,
        status=Meeting.Status.HELD,
        date_text="6 August, 2014",
        start_date=datetime.date(2014, 8, 6),
        city="Canberra",
        country=australia,
        notes="The statement gives the date with a comma.",
    )
    client.force_login(member_user)

    response = client.get("/meetings/test-som/")

    assert "Senior officials&#x27; meeting · number 8 of its series" in response.text
    assert "<dd>6 August, 2014</dd>" in response.text.replace("\n", "").replace("  ", "")
    assert '<dd>Canberra, <a href="/members/TAU/">Test Australia</a></dd>' in response.text
    assert '<a href="/members/?forum=TAHG">Test Ad Hoc Group</a>' in response.text
    assert '<h2 id="notes-heading">Notes on the record</h2>' in response.text
    assert "The statement gives the date with a comma." in response.text


def test_meeting_page_groups_attendance_by_role_hosts_first(client, member_user):
    meeting = MeetingFactory(slug="test-meeting-page")
    for name, role in [
        ("Test Canada", MeetingParticipation.Role.OBSERVER),
        ("Test Thailand", MeetingParticipation.Role.PARTICIPANT),
        ("Test Indonesia", MeetingParticipation.Role.CO_CHAIR),
        ("Test Australia", MeetingParticipation.Role.HOST),
        ("Test Fiji", MeetingParticipation.Role.PARTICIPANT),
    ]:
        MeetingParticipationFactory(meeting=meeting, member=MemberFactory(name=name), role=role)
    client.force_login(member_user)

    response = client.get("/meetings/test-meeting-page/")

    headings = re.findall(r"<h3>(.*?)</h3>", response.text)
    names = re.findall(r'<a href="/members/T\d+/">(.*?)</a>', response.text)
    assert headings == ["Host", "Co-chair", "Participants", "Observer"]
    assert names == ["Test Australia", "Test Indonesia", "Test Fiji", "Test Thailand", "Test Canada"]


def test_meeting_page_shows_section_headings_where_the_section_changes(client, member_user):
    document = DocumentFactory(meeting=MeetingFactory(slug="test-meeting-page"))
    for position, section in enumerate(["", "I. Decisions", "I. Decisions", "II. Proceedings"], start=1):
        DecisionFactory(document=document, position=position, section=section)
    client.force_login(member_user)

    response = client.get("/meetings/test-meeting-page/")

    assert re.findall(r"<h4>(.*?)</h4>", response.text) == ["I. Decisions", "II. Proceedings"]


def test_meeting_page_links_a_paragraph_to_what_it_names_and_mandates(client, member_user):
    decision = DecisionFactory(
        document__meeting__slug="test-meeting-page",
        number="10.B.c",
        text="Ministers agreed to\nshare information.",
        verb=Decision.Verb.AGREED,
        pillar=PillarFactory(name="Test Protection"),
    )
    decision.members.add(MemberFactory(code="TNZ", name="Test New Zealand"))
    decision.bodies.add(BodyFactory(code="TWG", name="Test Working Group"))
    decision.forums.add(ForumFactory(code="TSG", name="Test Steering Group"))
    next_som = MeetingFactory(slug="test-next-som", title="Test next SOM", start_date=datetime.date(2015, 1, 1))
    decision.meetings.add(next_som, decision.document.meeting)
    action = ActionFactory(initiative__name="Test initiative", number=2, status=Action.Status.PLANNED)
    action.mandates.add(decision)
    client.force_login(member_user)

    response = client.get("/meetings/test-meeting-page/")

    paragraph = _paragraph(response.text, decision.anchor)
    assert decision.anchor == f"{decision.document.slug}-10-B-c"
    assert "Ministers agreed to<br>share information." in paragraph
    assert '<span class="tag">Agreed</span>' in paragraph
    assert '<span class="tag">Test Protection</span>' in paragraph
    assert '<a href="/members/TNZ/">Test New Zealand</a>' in paragraph
    assert '<a href="/groups/TWG/">Test Working Group</a>' in paragraph
    assert '<a href="/members/?forum=TSG">Test Steering Group</a>' in paragraph
    assert 'Meetings named:</span> this meeting, <a href="/meetings/test-next-som/">Test next SOM</a>' in paragraph
    assert f'<a href="/actions/{action.pk}/">Test initiative — action 2</a>' in paragraph


def test_meeting_page_lists_other_meetings_decisions_that_mention_it_but_not_its_own(client, member_user):
    meeting = MeetingFactory(slug="test-meeting-page")
    own = DecisionFactory(document__meeting=meeting, document__title="Test own statement")
    elsewhere = DecisionFactory(document__title="Test later statement", number="12")
    own.meetings.add(meeting)
    elsewhere.meetings.add(meeting)
    client.force_login(member_user)

    response = client.get("/meetings/test-meeting-page/")

    assert response.context["meeting"].mentions_elsewhere == [elsewhere]
    assert f'<a href="{elsewhere.get_absolute_url()}">Test later statement, ¶12</a>' in response.text


def test_meeting_page_puts_the_statement_before_the_documents_adopted_with_it(client, member_user):
    meeting = MeetingFactory(slug="test-meeting-page")
    DocumentFactory(meeting=meeting, slug="test-list", title="A list of members", kind=Document.Kind.MEMBERSHIP_LIST)
    DocumentFactory(meeting=meeting, slug="test-strategy", title="A strategy", kind=Document.Kind.STRATEGY)
    DocumentFactory(meeting=meeting, slug="test-statement", title="Co-Chairs' Statement")
    client.force_login(member_user)

    response = client.get("/meetings/test-meeting-page/")

    assert [document.slug for document in response.context["meeting"].documents.all()] == [
        "test-statement",
        "test-strategy",
        "test-list",
    ]


@pytest.mark.parametrize(
    ("persona", "queries"),
    [
        ("member_user", 17),
        # The same and, for the Edit in admin links of the meeting and each paragraph,
        # 18 the user's permissions and 19 their groups' permissions, once for all the
        # links; asked only of staff (the admin lets no one else in); 20 the pending
        # proposals counted for the navigation (proposals).
        ("secretariat_user", 20),
    ],
)
def test_meeting_page_queries_do_not_grow_with_the_record(client, request, django_assert_num_queries, persona, queries):
    meeting = MeetingFactory(
        slug="test-meeting-page", forum=ForumFactory(), body=BodyFactory(), country=MemberFactory()
    )
    client.force_login(request.getfixturevalue(persona))

    def add_rows(count: int) -> None:
        for role in MeetingParticipation.Role:
            MeetingParticipationFactory.create_batch(count, meeting=meeting, role=role)
        for document in DocumentFactory.create_batch(count, meeting=meeting):
            for decision in DecisionFactory.create_batch(count, document=document, pillar=PillarFactory()):
                decision.members.add(*MemberFactory.create_batch(count))
                decision.forums.add(*ForumFactory.create_batch(count))
                decision.bodies.add(*BodyFactory.create_batch(count))
                decision.meetings.add(*MeetingFactory.create_batch(count))
                for action in ActionFactory.create_batch(count):
                    action.mandates.add(decision)
                for later in cast(list[Decision], DecisionFactory.create_batch(count)):
                    Lineage.objects.create(decision=later, kind=Lineage.Kind.SUPERSEDES, earlier_decision=decision)
                    Lineage.objects.create(
                        decision=decision, kind=Lineage.Kind.RECALLS, earlier_document=later.document
                    )
            Lineage.objects.create(
                decision=cast(Decision, DecisionFactory()), kind=Lineage.Kind.REAFFIRMS, earlier_document=document
            )
            DocumentFactory(meeting=MeetingFactory(), attached_to=document, attachment_label="Attachment A")
            cast(Document, DocumentFactory(meeting=MeetingFactory())).other_meetings.add(meeting)
        for decision in DecisionFactory.create_batch(count):
            decision.meetings.add(meeting)

    # 1 session, 2 user, 3 meeting with its forum, body and country, 4 participations with
    # their members or bodies, 5 documents with what they are attached to, 6 their decisions
    # with pillars, 7 members, 8 forums, 9 bodies and 10 meetings the decisions name, 11 the
    # actions they mandate with their initiatives, 12 what each says of earlier texts and
    # 13 what later paragraphs say of it, with their documents and meetings, 14 the documents
    # attached to them, 15 later paragraphs speaking of a whole document, 16 documents of other
    # meetings that record this one too, 17 decisions of other meetings mentioning it.
    # A first request: the first a test process serves connects the session clock's receiver
    # (balitrack/middleware.py), so a login before it goes unstamped and the page saves the session.
    client.get("/meetings/test-meeting-page/")
    add_rows(1)
    with django_assert_num_queries(queries):
        small = client.get("/meetings/test-meeting-page/")
    add_rows(3)
    with django_assert_num_queries(queries):
        large = client.get("/meetings/test-meeting-page/")

    # One document with one paragraph, then three more documents of three paragraphs each.
    assert small.text.count('<div class="decision"') == 1
    assert large.text.count('<div class="decision"') == 1 + 3 * 3
    assert large.text.count("Superseded by") == 1 + 3 * 3 * 3
    assert large.text.count("Attachment A: ") == 1 + 3
    assert len(large.context["meeting"].mentions_elsewhere) == 1 + 3


def test_meeting_list_queries_do_not_grow_with_the_meetings(client, member_user, django_assert_num_queries):
    def add_meetings(count: int) -> None:
        for meeting in MeetingFactory.create_batch(
            count, forum=ForumFactory(), body=BodyFactory(), country=MemberFactory()
        ):
            DecisionFactory.create_batch(2, document=DocumentFactory(meeting=meeting))

    client.force_login(member_user)

    # 1 session, 2 user, 3 count for the paginator, 4 the page of meetings with their
    # forums, bodies and countries and their decision counts, 5 the members to filter by.
    add_meetings(1)
    with django_assert_num_queries(5):
        client.get("/meetings/")
    add_meetings(5)
    with django_assert_num_queries(5):
        response = client.get("/meetings/")

    assert len(response.context["meetings"]) == 6


def test_meeting_list_narrows_to_the_meetings_a_member_attended_each_once(client, member_user):
    australia = MemberFactory(code="TAU", name="Test Australia")
    som = MeetingFactory(title="Test SOM", start_date=datetime.date(2020, 1, 1))
    MeetingParticipationFactory(meeting=som, member=australia, role=MeetingParticipation.Role.HOST)
    MeetingParticipationFactory(meeting=som, member=australia, role=MeetingParticipation.Role.CO_CHAIR)
    MeetingParticipationFactory(meeting__title="Test workshop", member=MemberFactory())
    client.force_login(member_user)

    response = client.get("/meetings/?attended_by=TAU")

    assert [meeting.title for meeting in response.context["meetings"]] == ["Test SOM"]


# The real record


def test_8th_ahg_som_page_lists_its_17_paragraphs_in_order(client, record, secretariat_user):
    client.force_login(secretariat_user)

    response = client.get("/meetings/ahg-som-8-2014/")

    anchors = re.findall(r'<div class="decision" id="ahg-som-8-2014-statement-([\d.-]+)">', response.text)
    assert anchors == [str(number) for number in range(1, 18)]


def test_8th_ahg_som_paragraph_14_links_to_unodc(client, record, member_user):
    client.force_login(member_user)

    response = client.get("/meetings/ahg-som-8-2014/")

    paragraph = _paragraph(response.text, "ahg-som-8-2014-statement-14")
    assert "supported the request by the United Nations Office on Drugs and Crime (UNODC)" in paragraph
    assert re.findall(r'href="(/members/[^"]+)"', paragraph) == ["/members/UNODC/", "/members/?forum=AHG"]


def test_8th_ahg_som_paragraph_11_links_to_the_biometrics_workshop_action(client, record, member_user):
    action = Action.objects.get(initiative__slug="workshop-on-biometrics", number=1)
    client.force_login(member_user)

    response = client.get("/meetings/ahg-som-8-2014/")

    assert f'<a href="/actions/{action.pk}/">Workshop on Biometrics — action 1</a>' in _paragraph(
        response.text, "ahg-som-8-2014-statement-11"
    )


def test_every_paragraph_of_a_meeting_can_be_linked_to(client, record, co_chair_user):
    client.force_login(co_chair_user)

    response = client.get("/meetings/jakarta-special-conference-2013/")

    decisions = Decision.objects.filter(document__meeting__slug="jakarta-special-conference-2013")
    assert decisions.count() == 39
    for decision in decisions:
        assert f'id="{decision.anchor}"' in response.text


def test_both_ends_of_lineage_show_it_and_a_superseded_paragraph_is_flagged(client, member_user):
    earlier = DecisionFactory(number="11")
    later = DecisionFactory(number="3")
    Lineage.objects.create(decision=later, kind=Lineage.Kind.REAFFIRMS, earlier_decision=earlier)
    Lineage.objects.create(decision=later, kind=Lineage.Kind.SUPERSEDES, earlier_document=earlier.document)
    client.force_login(member_user)

    earlier_page = client.get(earlier.document.meeting.get_absolute_url()).text
    later_page = client.get(later.document.meeting.get_absolute_url()).text

    later_link = f'<a href="{later.get_absolute_url()}">{escape(later.document.title)}, ¶3</a>'
    assert f'<span class="meta">Reaffirmed by:</span> {later_link}' in earlier_page
    assert f'<span class="meta">Superseded by:</span> {later_link}' in earlier_page
    earlier_link = f'<a href="{earlier.get_absolute_url()}">{escape(earlier.document.title)}, ¶11</a>'
    assert f'<span class="meta">Reaffirms:</span> {earlier_link}' in later_page
    assert (
        f'<span class="meta">Supersedes:</span> <a href="{earlier.document.get_absolute_url()}">'
        f'{escape(earlier.document.title)}</a> <span class="meta">(the whole document)</span>' in later_page
    )


def test_a_sub_item_reads_under_its_paragraph_and_a_bullet_is_cited_by_its_place(client, member_user):
    paragraph = DecisionFactory(number="11")
    DecisionFactory(
        document=paragraph.document, number="11, bullet 1", numbered=False, level="subitem", parent=paragraph
    )
    DecisionFactory(document=paragraph.document, number="11(b)", level="subitem", parent=paragraph)
    client.force_login(member_user)

    page = client.get(paragraph.document.meeting.get_absolute_url()).text

    assert page.count('<div class="decision decision--subitem"') == 2
    assert 'aria-label="Link to paragraph 11, bullet 1"><span aria-hidden="true">•</span></a>' in page
    assert 'aria-label="Link to paragraph 11(b)"><strong>(b)</strong></a>' in page
