"""The fixtures are the real record: these tests check they hold all of it, word for word."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Count, Model

from actions.loading.models import LoadedRecord
from actions.models import Action, ActionOwner, ActionUpdate, Initiative, Strategy, Theme
from meetings.models import Decision, Document, Meeting, MeetingParticipation, Pillar
from members.models import Body, BodyMembership, FocalPoint, Forum, ForumMembership, Member, MemberAlias

pytestmark = pytest.mark.django_db

RECORD_APPS = ["members", "meetings", "actions"]


def _dump() -> list[dict]:
    out = io.StringIO()
    call_command(
        "dumpdata",
        *RECORD_APPS,
        # The cache's version token is bookkeeping, not the record; every write replaces it.
        exclude=["actions.RecordVersion"],
        natural_foreign=True,
        natural_primary=True,
        format="json",
        stdout=out,
    )
    return json.loads(out.getvalue())


def _seats(forum: str, role: str = ForumMembership.Role.MEMBER) -> set[str]:
    return set(ForumMembership.objects.filter(forum__code=forum, role=role).values_list("member__code", flat=True))


def test_record_holds_every_member_of_every_list(record):
    # 48 Bali Process members, 18 other participating countries, 11 other organisations,
    # plus France (New Caledonia's sovereign) and JCLEC (the RSO's partner).
    assert Member.objects.count() == 79
    assert len(_seats("BP")) == 48
    assert len(_seats("AHG")) == 19
    assert _seats("SG") == {"AU", "ID", "NZ", "TH", "IOM", "UNHCR"}
    assert len(_seats("OPC", ForumMembership.Role.PARTICIPANT)) == 18
    assert len(_seats("OBO", ForumMembership.Role.PARTICIPANT)) == 11
    assert _seats("BP", ForumMembership.Role.CO_CHAIR) == {"AU", "ID"}
    assert Forum.objects.count() == 5


def test_territories_belong_to_their_sovereigns(record):
    territories = Member.objects.filter(kind=Member.Kind.TERRITORY).values_list("code", "sovereign__code")

    assert set(territories) == {("HK", "CN"), ("MO", "CN"), ("NC", "FR")}


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Lao PDR", "LA"),
        ("Laos PDR", "LA"),
        ("International Organisation for Migration", "IOM"),
        ("International Organization for Migration", "IOM"),
        ("France (New Caledonia)", "NC"),
        ("United States of America", "US"),
    ],
)
def test_every_spelling_of_the_documents_finds_its_member(record, spelling, code):
    assert Member.objects.find(spelling).code == code


def test_unodc_joined_the_ad_hoc_group_as_endorsed_at_the_8th_ahg_som(record):
    seat = ForumMembership.objects.get(forum__code="AHG", member__code="UNODC")

    assert seat.basis == "as endorsed at 8th AHG SOM"
    assert str(seat.since) == "2014-08-06"
    assert list(seat.decisions.values_list("document__slug", "number")) == [("ahg-som-8-2014-statement", "14")]


def test_record_holds_every_body_with_its_co_chairs(record):
    co_chairs = {
        body.code: {m.member.code for m in body.memberships.all() if m.role in ("co_chair", "co_manager")}
        for body in Body.objects.prefetch_related("memberships__member")
    }

    assert set(co_chairs) == {
        "RSO",
        "WGTIP",
        "WGDCN",
        "TEWG",
        "RILON",
        "RSO-JCLEC",
        "PGDC-CRIM",
        "PGDC-VICTIMS",
    }
    assert co_chairs["RSO"] == {"AU", "ID"}
    assert co_chairs["WGTIP"] == {"AU", "ID"}
    assert co_chairs["WGDCN"] == {"LK", "NZ"}
    assert Body.objects.get(code="WGTIP").status == Body.Status.TOR_ENDORSED
    assert set(BodyMembership.objects.filter(body__code="PGDC-CRIM").values_list("member__code", flat=True)) == {
        "ID",
        "AU",
        "TH",
        "LK",
        "NZ",
        "UNODC",
    }


def test_record_holds_every_meeting_the_documents_mention(record):
    assert Meeting.objects.count() == 24
    assert Meeting.objects.filter(status=Meeting.Status.PLANNED).count() == 11
    eighth = Meeting.objects.get(slug="ahg-som-8-2014")
    assert (eighth.ordinal, eighth.city, eighth.country.code, str(eighth.start_date)) == (
        8,
        "Canberra",
        "AU",
        "2014-08-06",
    )


def test_attendance_is_recorded_as_each_list_gives_it(record):
    def attendance(slug: str) -> dict[str, int]:
        rows = MeetingParticipation.objects.filter(meeting__slug=slug).values("role").annotate(n=Count("id"))
        return {row["role"]: row["n"] for row in rows}

    assert attendance("ahg-som-8-2014") == {"host": 1, "co_chair": 2, "participant": 15, "observer": 2}
    assert attendance("bp-mc-5-2013") == {"host": 1, "co_chair": 2, "participant": 37, "observer": 8}
    assert attendance("jakarta-special-conference-2013") == {"host": 1, "participant": 13, "observer": 2}


def test_ambiguities_of_the_document_are_noted_on_their_records(record):
    seventh = Meeting.objects.get(slug="ahg-som-7-2013")
    eighth = Meeting.objects.get(slug="ahg-som-8-2014")

    assert str(seventh.start_date) == "2013-03-05"
    assert "April 2013" in seventh.notes
    assert ", ," in eighth.notes


def test_record_holds_every_numbered_paragraph_and_commitment(record):
    counts = dict(Decision.objects.values_list("document__slug").annotate(n=Count("id")))

    assert counts == {
        # 17 paragraphs and the three bullets of paragraph 11.
        "ahg-som-8-2014-statement": 20,
        "bp-mc-5-2013-statement": 14,
        # 12 paragraphs and the 27 lettered joint actions of paragraph 10.
        "jakarta-declaration-2013": 39,
    }
    commitments = Decision.objects.filter(pillar__isnull=False)
    assert dict(commitments.values_list("pillar__code").annotate(n=Count("id"))) == {
        "prevention": 8,
        "early-detection": 5,
        "protection": 7,
        "prosecution": 7,
    }
    assert Document.objects.count() == 5
    assert Pillar.objects.count() == 4


@pytest.mark.parametrize(
    ("document", "count"),
    [("ahg-som-8-2014-statement", 17), ("bp-mc-5-2013-statement", 14), ("jakarta-declaration-2013", 12)],
)
def test_paragraphs_run_without_gaps(record, document, count):
    numbers = Decision.objects.filter(document__slug=document, level=Decision.Level.PARAGRAPH)

    assert sorted(int(n) for n in numbers.values_list("number", flat=True)) == list(range(1, count + 1))


def test_sub_items_belong_to_their_paragraph_in_order(record):
    def subitems(document: str, number: str) -> list[tuple[str, bool, int]]:
        paragraph = Decision.objects.get(document__slug=document, number=number)
        return list(paragraph.subitems.order_by("position").values_list("number", "numbered", "position"))

    assert subitems("ahg-som-8-2014-statement", "11") == [
        ("11, bullet 1", False, 12),
        ("11, bullet 2", False, 13),
        ("11, bullet 3", False, 14),
    ]
    jakarta = subitems("jakarta-declaration-2013", "10")
    assert [number for number, _, _ in jakarta[:3]] == ["10.A.a", "10.A.b", "10.A.c"]
    assert len(jakarta) == 27 and all(numbered for _, numbered, _ in jakarta)
    assert Decision.objects.get(document__slug="jakarta-declaration-2013", number="10.B.c").citation == "¶10.B.c"
    assert Decision.objects.get(document__slug="ahg-som-8-2014-statement", number="11, bullet 2").citation == (
        "¶11, bullet 2"
    )
    assert not Decision.objects.filter(level=Decision.Level.SUBITEM, parent__isnull=True).exists()


def test_paragraphs_are_word_for_word(record):
    def text(document: str, number: str) -> str:
        return Decision.objects.get(document__slug=document, number=number).text

    assert text("ahg-som-8-2014-statement", "14") == (
        "The Meeting supported the request by the United Nations Office on Drugs and Crime (UNODC) to be "
        "granted full membership of the Bali Process Ad Hoc Group, in recognition of their shared objectives "
        "and increasing areas of cooperation."
    )
    assert text("jakarta-declaration-2013", "10.B.c") == (
        "developing an early warning system and exchange of information and intelligence among diplomatic, "
        "immigration, border and law enforcement officers;"
    )
    assert text("bp-mc-5-2013-statement", "8") == (
        "Ministers welcomed the achievements of the AHG in progressing activities aimed at reducing irregular "
        "movement in the region and agreed that it be retained as an effective mechanism for taking forward the "
        "Bali Process program of work under the direction of the Bali Process Steering Group."
    )
    # Paragraph 9 of the 8th AHG SOM statement runs across a page break in the document.
    assert "a project mapping current disembarkation and post-disembarkation procedures" in text(
        "ahg-som-8-2014-statement", "9"
    )


def test_decisions_link_the_forums_they_name(record):
    strategy_review = Decision.objects.get(document__slug="ahg-som-8-2014-statement", number="4")

    assert set(strategy_review.forums.values_list("code", flat=True)) == {"BP", "AHG", "SG"}
    assert Decision.objects.filter(forums__code="SG").count() == 3


def test_decisions_carry_their_operative_verb(record):
    def verb(document: str, number: str) -> str:
        return Decision.objects.get(document__slug=document, number=number).verb

    assert verb("ahg-som-8-2014-statement", "4") == Decision.Verb.ENDORSED
    assert verb("bp-mc-5-2013-statement", "3") in (Decision.Verb.AGREED, Decision.Verb.DIRECTED)
    assert verb("jakarta-declaration-2013", "10.D.a") == Decision.Verb.COMMITTED


def test_record_holds_the_whole_strategy(record):
    strategy = Strategy.objects.get(slug="strategy-2014")

    assert strategy.endorsed_by.natural_key() == ("ahg-som-8-2014-statement", "4")
    assert set(strategy.reviewing_forums.values_list("code", flat=True)) == {"SG", "AHG"}
    assert Theme.objects.count() == 12
    assert Initiative.objects.count() == 18
    assert set(Initiative.objects.filter(is_new_work=True).values_list("slug", flat=True)) == {
        "roundtable-on-migration-and-transnational-crime",
        "immigration-liaison-officers",
        "biometrics",
        "policy-guides-on-victims-of-trafficking",
    }
    assert Action.objects.count() == 31


def test_action_bullets_are_word_for_word(record):
    action = Action.objects.get(initiative__slug="public-awareness-campaigns", number=1)

    assert action.text == (
        "develop public awareness campaign design guidelines for members to adapt to their own specific needs;"
    )
    assert action.initiative.who == "RSO, co-sponsored by Indonesia and New Zealand."


def test_owners_are_read_from_the_who_lines(record):
    def owners(initiative: str, number: int) -> set[tuple[str, str]]:
        rows = ActionOwner.objects.filter(action__initiative__slug=initiative, action__number=number)
        return {(row.role, row.owner.code) for row in rows.select_related("member", "body", "forum")}

    assert owners("public-awareness-campaigns", 1) == {
        ("lead", "RSO"),
        ("co_sponsor", "ID"),
        ("co_sponsor", "NZ"),
    }
    assert owners("data-collection-and-sharing", 1) == {("lead", "UNODC")}
    assert owners("workshop-on-biometrics", 1) == {("lead", "ID"), ("lead", "AU")}


def test_actions_are_linked_to_the_decisions_that_mandate_them(record):
    rilon = Action.objects.get(initiative__slug="expansion-of-rilon", number=1)

    assert {d.natural_key() for d in rilon.mandates.all()} == {
        ("jakarta-declaration-2013", "10.B.d"),
        ("ahg-som-8-2014-statement", "13"),
        ("bp-mc-5-2013-statement", "11"),
    }
    assert Action.objects.filter(mandates__isnull=False).distinct().count() == 26


def test_every_action_starts_its_history_at_the_8th_ahg_som(record):
    assert ActionUpdate.objects.count() == 31
    for action in Action.objects.prefetch_related("updates"):
        (baseline,) = action.updates.all()
        assert baseline.recorded_at == datetime.datetime(2014, 8, 6, 5, tzinfo=datetime.UTC)
        assert baseline.author is None
        assert (baseline.status, baseline.progress, baseline.target_date) == (
            action.status,
            action.progress,
            action.target_date,
        )
        assert action.updated_at == baseline.recorded_at


def test_policy_guides_endorsed_at_the_8th_ahg_som_are_recorded_as_done(record):
    considered = Action.objects.get(initiative__slug="policy-guides-on-criminalisation", number=1)

    assert (considered.status, considered.progress) == (Action.Status.COMPLETED, 100)


def test_record_names_no_people(record):
    assert FocalPoint.objects.count() == 0


def test_loading_the_record_twice_changes_nothing(record):
    before = _dump()

    call_command("load_record", verbosity=0)

    assert _dump() == before


def _erase_record() -> None:
    """Delete every record row, children before the parents they protect."""
    children_first: list[type[Model]] = [
        LoadedRecord,
        ActionUpdate,
        ActionOwner,
        Action,
        Initiative,
        Theme,
        Strategy,
        Decision,
        Document,
        MeetingParticipation,
        Meeting,
        Pillar,
        BodyMembership,
        ForumMembership,
        MemberAlias,
    ]
    for model in children_first:
        model._default_manager.all().delete()
    Body.objects.filter(parent__isnull=False).delete()
    Body.objects.all().delete()
    Forum.objects.all().delete()
    Member.objects.filter(sovereign__isnull=False).delete()
    Member.objects.all().delete()


def test_natural_keys_round_trip_through_an_empty_database(record, tmp_path):
    dumped = _dump()
    dump_file = tmp_path / "record.json"
    dump_file.write_text(json.dumps(dumped))

    _erase_record()
    assert _dump() == []
    call_command("loaddata", str(dump_file), verbosity=0)

    assert _dump() == dumped
