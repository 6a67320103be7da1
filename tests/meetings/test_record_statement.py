"""Record a statement (issue 12, point 4): the Secretariat's guided flow, steps 1 to 5.

statements/ahg_som_9_record.txt is written for these tests in the style of a senior
officials' meeting's co-chairs' statement; it is not a quotation of a real one.
"""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import STRATEGY_ORDER, Action
from audit.models import AuditEvent
from meetings.models import Decision, Document, Lineage, Meeting, MeetingParticipation
from meetings.record_draft import SESSION_KEY
from members.models import Body, ForumMembership, Member
from tests.browser_forms import form_data

pytestmark = pytest.mark.django_db

# 22 parts: a title in capitals, an unnumbered opening, a heading, 15 numbered paragraphs
# (10 broken across a page, with its page number), the (a)-(c) sub-items of 11, and a closing line.
STATEMENT = (Path(__file__).parent / "statements" / "ahg_som_9_record.txt").read_text(encoding="utf-8")


@pytest.fixture
def siti(client: Client, secretariat_user) -> Client:
    client.force_login(secretariat_user)
    return client


def _start(client: Client, planned: str = "ahg-som-9-2015") -> None:
    """Steps 1 and 2 as the pages offer them: the planned meeting and the proposed document."""
    page = client.get(reverse("meetings:record-meeting"), {"planned": planned})
    assert client.post(reverse("meetings:record-meeting"), form_data(page.text, "meeting-form")).status_code == 302
    page = client.get(reverse("meetings:record-document"))
    assert client.post(reverse("meetings:record-document"), form_data(page.text, "document-form")).status_code == 302


def _paste(client: Client, text: str = STATEMENT):
    return client.post(reverse("meetings:record-text"), {"step": "text", "text": text})


def _preview(client: Client) -> tuple[str, dict[str, list[str]]]:
    page = client.get(reverse("meetings:record-text"))
    assert page.status_code == 200
    return page.text, form_data(page.text, "preview")


# The permission ladder: the Secretariat records; readers are refused; anonymous signs in.

STEP_URLS = [
    lambda: reverse("meetings:record-meeting"),
    lambda: reverse("meetings:record-document"),
    lambda: reverse("meetings:record-text"),
    lambda: reverse("meetings:record-attendance", args=["ahg-som-8-2014-statement"]),
    lambda: reverse("actions:record-links", args=["ahg-som-8-2014-statement"]),
    lambda: reverse("meetings:record-done", args=["ahg-som-8-2014-statement"]),
]


@pytest.mark.parametrize("url", STEP_URLS)
@pytest.mark.parametrize("persona", ["co_chair_user", "member_user", "outsider"])
def test_readers_cannot_record_a_statement(client, request, record, persona, url):
    client.force_login(request.getfixturevalue(persona))

    read_only = url().endswith("/done/")  # the summary only reads: POST is 405 before anything

    assert client.get(url()).status_code == 403
    assert client.post(url(), {"step": "text", "text": STATEMENT}).status_code == (405 if read_only else 403)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PERMISSION_DENIED).count() == (1 if read_only else 2)
    assert not Document.objects.filter(slug="ahg-som-9-2015-statement").exists()


@pytest.mark.parametrize("url", STEP_URLS)
def test_anonymous_visitor_is_sent_to_sign_in(client, record, url):
    response = client.get(url())

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["secretariat_user", "superuser"])
def test_the_secretariat_and_the_administrator_open_the_first_step(client, request, record, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("meetings:record-meeting"))

    assert response.status_code == 200
    assert "Step 1 of 5" in response.text


@pytest.mark.parametrize(
    ("persona", "shown"), [("secretariat_user", True), ("co_chair_user", False), ("member_user", False)]
)
def test_the_meetings_list_offers_record_a_statement_to_the_secretariat_only(client, request, persona, shown):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("meetings:list"))

    assert ('href="/meetings/record/"' in response.text) is shown


# Steps 1 to 3: nothing is saved until the officer confirms.


def test_a_planned_meeting_and_its_statement_are_saved_together_on_confirming(siti, record):
    before = (Meeting.objects.count(), Document.objects.count(), Decision.objects.count())
    _start(siti)
    assert _paste(siti).status_code == 302
    _, data = _preview(siti)
    assert (Meeting.objects.count(), Document.objects.count(), Decision.objects.count()) == before
    assert Meeting.objects.get(slug="ahg-som-9-2015").status == Meeting.Status.PLANNED

    response = siti.post(reverse("meetings:record-text"), {**data, "step": "confirm"})

    assert response.status_code == 302
    assert response.url == reverse("meetings:record-attendance", args=["ahg-som-9-2015-statement"]) + "#main"
    meeting = Meeting.objects.get(slug="ahg-som-9-2015")
    assert meeting.status == Meeting.Status.HELD
    document = Document.objects.get(slug="ahg-som-9-2015-statement")
    assert document.meeting == meeting
    parts = list(document.decisions.order_by("position"))
    assert [(p.number, p.level) for p in parts[:4]] == [
        ("heading 1", "heading"),
        ("unnumbered paragraph 1", "paragraph"),
        ("heading I", "heading"),
        ("1", "paragraph"),
    ]
    assert [p.number for p in parts if p.level == Decision.Level.SUBITEM] == ["11(a)", "11(b)", "11(c)"]
    assert {p.parent.number for p in parts if p.parent} == {"11"}
    assert len([p for p in parts if p.level == Decision.Level.PARAGRAPH and p.numbered]) == 15
    ten = document.decisions.get(number="10")
    assert ten.text.endswith(
        "brought together officials from fourteen members and agreed to hold a follow-up "
        "workshop on lost and stolen travel documents."
    )
    assert document.decisions.get(number="4").verb == Decision.Verb.TASKED
    assert parts[-1].number == "unnumbered paragraph 2"
    assert SESSION_KEY not in siti.session


def test_a_new_meeting_is_created_with_its_hosts_and_co_chairs(siti, record):
    form = {
        "title": "Tenth AHG SOM",
        "slug": "ahg-som-10-2016",
        "kind": Meeting.Kind.SENIOR_OFFICIALS,
        "ordinal": "10",
        "forum": str(Meeting.objects.get(slug="ahg-som-8-2014").forum_id),
        "start_date": "2016-03-22",
        "end_date": "2016-03-23",
        "date_precision": Meeting.DatePrecision.DAY,
        "city": "Bali",
        "country": str(Member.objects.get(code="ID").pk),
        "hosts": [str(Member.objects.get(code="ID").pk)],
        "co_chairs": [str(Member.objects.get(code="ID").pk), str(Member.objects.get(code="AU").pk)],
    }
    assert siti.post(reverse("meetings:record-meeting"), form).status_code == 302
    page = siti.get(reverse("meetings:record-document"))
    data = form_data(page.text, "document-form")
    assert data["slug"] == ["ahg-son-10-2016-statement".replace("son", "som")]
    assert data["date"] == ["2016-03-23"]
    siti.post(reverse("meetings:record-document"), data)
    _paste(siti)
    _, preview = _preview(siti)

    siti.post(reverse("meetings:record-text"), {**preview, "step": "confirm"})

    meeting = Meeting.objects.get(slug="ahg-som-10-2016")
    assert (meeting.status, meeting.ordinal, str(meeting.start_date)) == ("held", 10, "2016-03-22")
    roles = sorted((p.member.code, p.role) for p in meeting.participations.all())
    assert roles == [("AU", "co_chair"), ("ID", "co_chair"), ("ID", "host")]
    assert meeting.documents.get().decisions.count() == 22


def test_an_empty_text_says_so_and_saves_nothing(siti, record):
    _start(siti)

    response = _paste(siti, "   \n\n ")

    assert response.status_code == 400
    assert "The text is empty" in response.text
    assert 'class="error-summary"' in response.text
    assert not Document.objects.filter(slug="ahg-som-9-2015-statement").exists()


def test_a_two_megabyte_paste_is_refused_with_its_length(siti, record):
    _start(siti)

    response = _paste(siti, "The Meeting agreed. " * 100_000)

    assert response.status_code == 400
    assert "2,000,000 characters long" in response.text
    assert "text" not in siti.session[SESSION_KEY]


def test_control_characters_are_refused_and_the_text_comes_back_as_typed(siti, record):
    _start(siti)
    typed = STATEMENT.replace("15. The Meeting", "15. The\x07 Meeting")

    response = _paste(siti, typed)

    assert response.status_code == 400
    assert "control character (U+0007)" in response.text
    assert form_data(response.text, "text-form")["text"] == [typed.replace("\x07", "\x07")]


def test_a_bad_number_is_shown_with_the_corrections_as_typed(siti, record):
    _start(siti)
    _paste(siti)
    _, data = _preview(siti)
    data |= {"number_5": ["4/5"], "verb_6": ["decided"], "step": ["apply"]}

    response = siti.post(reverse("meetings:record-text"), data)

    assert response.status_code == 400
    assert "is not a number as statements print them" in response.text
    again = form_data(response.text, "preview")
    assert (again["number_5"], again["verb_6"]) == (["4/5"], ["decided"])
    assert siti.session[SESSION_KEY]["corrections"] == []


def test_two_parts_with_one_number_are_refused_naming_them(siti, record):
    _start(siti)
    _paste(siti)
    _, data = _preview(siti)
    data |= {"number_5": ["1"], "step": ["confirm"]}  # part 5 is paragraph 2, after paragraph 1

    response = siti.post(reverse("meetings:record-text"), data)

    assert response.status_code == 400
    assert "Two parts cannot have the same number: ¶1 at parts 4, 5" in response.text.replace("\u00b6", "¶")
    assert not Document.objects.filter(slug="ahg-som-9-2015-statement").exists()


def test_corrections_renumber_merge_split_relevel_and_choose_the_verb(siti, record):
    _start(siti)
    _paste(siti)
    _, data = _preview(siti)
    # Part 2 is the opening and part 4 paragraph 1: merge the closing line (22) into
    # paragraph 15 (21), split paragraph 1 before "since", make paragraph 14 (20) a sub-item
    # of 13, and choose paragraph 6's verb (9).
    data |= {
        "merge_21": ["on"],
        "split_part": ["4"],
        "split_before": ["since its eighth meeting"],
        "level_20": ["subitem"],
        "number_20": ["d"],
        "verb_9": ["decided"],
        "step": ["apply"],
    }
    assert siti.post(reverse("meetings:record-text"), data).status_code == 302
    html, data = _preview(siti)
    assert siti.session[SESSION_KEY]["corrections"] == [
        ["verb", 9, "decided"],
        ["number", 20, "d"],
        ["level", 20, "subitem"],
        ["merge", 21],
        ["split", 4, "since its eighth meeting"],
    ]
    assert "¶13(d)" in html
    siti.post(reverse("meetings:record-text"), {**data, "step": "confirm"})

    document = Document.objects.get(slug="ahg-som-9-2015-statement")
    one = document.decisions.filter(position__in=[4, 5]).order_by("position")
    assert [(p.number, p.text) for p in one] == [
        ("1", "The Meeting welcomed the progress of the Ad Hoc Group"),
        ("unnumbered paragraph 2", "since its eighth meeting in Canberra."),
    ]
    assert document.decisions.get(number="13(d)").parent == document.decisions.get(number="13")
    assert document.decisions.get(number="6").verb == Decision.Verb.DECIDED
    assert document.decisions.get(number="15").text.endswith(
        "in 2016. The Co-Chairs thanked Indonesia for hosting the meeting."
    )


def test_a_stale_preview_changes_nothing_and_says_so(siti, record):
    _start(siti)
    _paste(siti)
    _, old = _preview(siti)
    siti.post(reverse("meetings:record-text"), {**old, "merge_4": ["on"], "step": ["apply"]})

    response = siti.post(reverse("meetings:record-text"), {**old, "step": "confirm"})

    assert response.status_code == 409
    assert "This preview was out of date" in response.text
    assert siti.session[SESSION_KEY]["corrections"] == [["merge", 4]]
    assert not Document.objects.filter(slug="ahg-som-9-2015-statement").exists()


def test_a_preview_without_a_draft_starts_again(siti, record):
    response = siti.post(reverse("meetings:record-text"), {"step": "confirm", "revision": "0"})

    assert response.status_code == 302
    assert response.url == reverse("meetings:record-meeting")


def test_a_planned_meeting_recorded_meanwhile_is_not_saved_twice(siti, record):
    _start(siti)
    _paste(siti)
    _, data = _preview(siti)
    Meeting.objects.filter(slug="ahg-som-9-2015").update(status=Meeting.Status.HELD)

    response = siti.post(reverse("meetings:record-text"), {**data, "step": "confirm"})

    assert response.status_code == 302
    assert response.url == reverse("meetings:record-meeting")
    assert not Document.objects.filter(slug="ahg-som-9-2015-statement").exists()
    assert siti.session[SESSION_KEY]["text"] == STATEMENT


def test_a_forged_planned_meeting_is_refused(siti, record):
    page = siti.get(reverse("meetings:record-meeting"), {"planned": "ahg-som-9-2015"})
    data = form_data(page.text, "meeting-form") | {"planned": ["ahg-som-8-2014"]}

    response = siti.post(reverse("meetings:record-meeting"), data)

    assert response.status_code == 400
    assert "no longer planned" in response.text


# Round trips: each form, submitted as rendered, moves nothing the officer did not change.


def test_the_meeting_form_round_trips_a_planned_meeting(siti, record):
    meeting = Meeting.objects.get(slug="ahg-som-9-2015")
    fields = {
        f: getattr(meeting, f) for f in ("title", "kind", "ordinal", "forum_id", "start_date", "date_text", "city")
    }
    _start(siti)
    _paste(siti)
    _, data = _preview(siti)
    siti.post(reverse("meetings:record-text"), {**data, "step": "confirm"})

    meeting.refresh_from_db()
    assert {f: getattr(meeting, f) for f in fields} == fields
    assert meeting.date_precision == Meeting.DatePrecision.QUARTER


def test_going_back_shows_each_step_as_it_was_given(siti, record):
    _start(siti)
    _paste(siti)
    _, data = _preview(siti)
    siti.post(reverse("meetings:record-text"), {**data, "number_5": ["1a"], "step": "apply"})

    for step, form in (("record-meeting", "meeting-form"), ("record-document", "document-form")):
        page = siti.get(reverse(f"meetings:{step}"))
        assert siti.post(reverse(f"meetings:{step}"), form_data(page.text, form)).status_code == 302
    page = siti.get(reverse("meetings:record-text"))
    assert form_data(page.text, "text-form")["text"] == [STATEMENT]
    assert siti.session[SESSION_KEY]["corrections"] == [["number", 5, "1a"]]


def _recorded(siti: Client) -> Document:
    _start(siti)
    _paste(siti)
    _, data = _preview(siti)
    siti.post(reverse("meetings:record-text"), {**data, "step": "confirm"})
    return Document.objects.get(slug="ahg-som-9-2015-statement")


def test_the_attendance_form_round_trips(siti, record):
    document = _recorded(siti)
    meeting = document.meeting
    MeetingParticipation.objects.create(meeting=meeting, member=Member.objects.get(code="ID"), role="host")
    MeetingParticipation.objects.create(meeting=meeting, member=Member.objects.get(code="ID"), role="co_chair")
    MeetingParticipation.objects.create(meeting=meeting, body=Body.objects.get(code="RSO"), role="observer")
    before = set(MeetingParticipation.objects.filter(meeting=meeting).values_list("member", "body", "role"))
    url = reverse("meetings:record-attendance", args=[document.slug])

    response = siti.post(url, form_data(siti.get(url).text, "attendance-form"))

    assert response.status_code == 302
    assert set(MeetingParticipation.objects.filter(meeting=meeting).values_list("member", "body", "role")) == before


# Step 4: attendance.


def test_attendance_of_the_whole_forum_and_a_body(siti, record):
    document = _recorded(siti)
    meeting = document.meeting
    url = reverse("meetings:record-attendance", args=[document.slug])
    data = form_data(siti.get(url, {"all": "forum"}).text, "attendance-form")
    rso = Body.objects.get(code="RSO")
    indonesia = Member.objects.get(code="ID")
    data |= {f"body_{rso.pk}": ["on"], f"member_role_{indonesia.pk}": ["co_chair"], "delegates": ["120"]}

    response = siti.post(url, data)

    assert response.status_code == 302
    assert response.url == reverse("actions:record-links", args=[document.slug])
    seated = set(ForumMembership.objects.filter(forum=meeting.forum).values_list("member", flat=True))
    attended = MeetingParticipation.objects.filter(meeting=meeting)
    assert set(attended.exclude(member=None).values_list("member", flat=True)) == seated
    assert attended.get(member=indonesia).role == "co_chair"
    assert attended.get(body=rso).role == "participant"
    meeting.refresh_from_db()
    assert meeting.delegates == 120


# Step 5: links.


def test_links_mandates_a_new_action_and_reaffirms_an_earlier_paragraph(siti, record):
    document = _recorded(siti)
    url = reverse("actions:record-links", args=[document.slug])
    four, eleven, two = (document.decisions.get(number=n) for n in ("4", "11", "2"))
    action = Action.objects.order_by("pk").first()
    assert action is not None

    assert (
        siti.post(url, {"form": "mandate", "mandate-paragraph": four.pk, "mandate-action": action.pk}).status_code
        == 302
    )
    response = siti.post(
        url,
        {
            "form": "lineage",
            "lineage-paragraph": two.pk,
            "lineage-kind": "reaffirms",
            "lineage-citation": "bp-mc-5-2013 ¶11",
        },
    )
    assert response.status_code == 302
    initiative = action.initiative
    siti.post(
        url,
        {
            "form": "new",
            "new-paragraph": eleven.pk,
            "new-initiative": initiative.pk,
            "new-text": "hold a roundtable on disembarkation",
        },
    )

    assert list(four.actions.all()) == [action]
    created = Action.objects.get(text="hold a roundtable on disembarkation")
    assert list(created.mandates.all()) == [eleven]
    assert created.number == Action.objects.filter(initiative=initiative).count()
    link = Lineage.objects.get(decision=two)
    assert (link.kind, link.earlier_decision.document.slug, link.earlier_decision.number) == (
        "reaffirms",
        "bp-mc-5-2013-statement",
        "11",
    )
    page = siti.get(url)
    assert "Reaffirms" in page.text and "Mandates" in page.text


def test_a_citation_that_names_nothing_is_refused(siti, record):
    document = _recorded(siti)
    url = reverse("actions:record-links", args=[document.slug])
    two = document.decisions.get(number="2")

    response = siti.post(
        url,
        {
            "form": "lineage",
            "lineage-paragraph": two.pk,
            "lineage-kind": "reaffirms",
            "lineage-citation": "bp-mc-5-2013 ¶99",
        },
    )

    assert response.status_code == 400
    assert "No paragraph 99 of bp-mc-5-2013 is recorded." in response.text
    assert not Lineage.objects.filter(decision=two).exists()


def test_a_forged_paragraph_of_another_document_is_refused(siti, record):
    document = _recorded(siti)
    url = reverse("actions:record-links", args=[document.slug])
    elsewhere = Decision.objects.exclude(document=document).first()
    action = Action.objects.first()

    response = siti.post(url, {"form": "mandate", "mandate-paragraph": elsewhere.pk, "mandate-action": action.pk})

    assert response.status_code == 400
    assert not action.mandates.filter(pk=elsewhere.pk).exists() or elsewhere in action.mandates.all()


def test_the_summary_counts_what_was_recorded(siti, record):
    document = _recorded(siti)

    response = siti.get(reverse("meetings:record-done", args=[document.slug]))

    assert response.status_code == 200
    assert re.search(r"22 parts", response.text)
    assert f'href="{document.meeting.get_absolute_url()}"' in response.text


# Query counts: every page's queries are a fixed number, however long the statement and
# however many members, links and earlier texts the record holds. Each counts the session,
# the user and the user's and their groups' permissions first (1-4).


def test_step_1_queries(siti, record, django_assert_num_queries):
    siti.get(reverse("meetings:record-meeting"))  # the first request connects the session clock
    # 5 the planned meetings, the options of 6 forum, 7 country, 8 hosts and 9 co-chairs;
    # from a planned meeting 10 the meeting and 11 its participants, to prefill the form; on
    # each page, one more: the pending proposals counted for the navigation (proposals).
    with django_assert_num_queries(10):
        siti.get(reverse("meetings:record-meeting"))
    with django_assert_num_queries(12):
        siti.get(reverse("meetings:record-meeting"), {"planned": "ahg-som-9-2015"})


def test_step_2_queries(siti, record, django_assert_num_queries):
    _start(siti)
    # The meeting of step 1 is checked again, as it stands now: 5 the planned meeting, 6 the
    # forum, 7 the country, 8-9 that both exist still, 10-21 its constraints (four, each in a
    # savepoint), 22 its slug unique; then the document kept from step 2: 23-28 its two
    # constraints, 29 its slug unique, and 30 the options of "attached to"; 31 the pending
    # proposals counted for the navigation.
    with django_assert_num_queries(31):
        siti.get(reverse("meetings:record-document"))


def test_step_3_preview_reads_nothing_but_the_session(siti, record, django_assert_num_queries):
    _start(siti)
    _paste(siti)
    siti.get(reverse("meetings:record-text"))
    # The text and its corrections are in the session: the preview is built from them alone
    # (and the navigation counts the pending proposals, as on every page the Secretariat reads).
    with django_assert_num_queries(5):
        siti.get(reverse("meetings:record-text"))


def test_step_4_and_5_and_the_summary_do_not_grow_with_the_record(siti, record, django_assert_num_queries):
    document = _recorded(siti)
    attendance = reverse("meetings:record-attendance", args=[document.slug])
    links = reverse("actions:record-links", args=[document.slug])
    done = reverse("meetings:record-done", args=[document.slug])

    def counted() -> None:
        # Attendance: 5 the document with its meeting and forum, 6 the members, 7 those of the
        # forum, 8 the bodies, 9 the participations; 10 the pending proposals (the navigation,
        # on each of these pages).
        with django_assert_num_queries(10):
            siti.get(attendance)
        # Links: 5 the document, 6 the earlier texts' parts, 7 this one's parts, 8 the actions
        # they mandate, 9 their lineage; the options of 10 a paragraph, 11 an action, 12 a
        # paragraph (lineage), 13 a paragraph (new action), 14 an initiative.
        with django_assert_num_queries(15):
            siti.get(links)
        # Summary: 5 the document, 6 its parts, 7 attendance, 8 mandates and 9 lineage, counted.
        with django_assert_num_queries(10):
            siti.get(done)

    counted()
    for member in Member.objects.all()[:10]:
        MeetingParticipation.objects.create(meeting=document.meeting, member=member, role="participant")
    for part, action in zip(document.decisions.all()[:5], Action.objects.all()[:5], strict=True):
        action.mandates.add(part)
        Lineage.objects.create(
            decision=part, kind="recalls", earlier_document=Document.objects.exclude(pk=document.pk).first()
        )
    counted()


def test_the_links_page_lists_a_bounded_number_of_actions_and_takes_any_by_its_number(siti, record, monkeypatch):
    monkeypatch.setattr("actions.mandate_forms.LISTED_ACTIONS", 10)
    monkeypatch.setattr("actions.mandate_forms.LISTED_DOCUMENTS", 2)
    document = _recorded(siti)
    url = reverse("actions:record-links", args=[document.slug])
    last = Action.objects.order_by(*STRATEGY_ORDER).last()
    assert last is not None and Action.objects.count() > 10

    page = siti.get(url)

    form = page.context["forms"]
    assert len(form["mandate"].fields["action"].queryset) == 10
    earlier_documents = [group for group in form["lineage"].fields["earlier"].choices[1:]]
    assert len(earlier_documents) == 2
    four = document.decisions.get(number="4")
    refused = siti.post(url, {"form": "mandate", "mandate-paragraph": four.pk, "mandate-action_number": "99999999"})
    assert refused.status_code == 400
    assert "No action has the number 99999999." in refused.text
    given = siti.post(
        url, {"form": "mandate", "mandate-paragraph": four.pk, "mandate-action_number": f"/actions/{last.pk}/"}
    )
    assert given.status_code == 302
    assert list(four.actions.all()) == [last]
