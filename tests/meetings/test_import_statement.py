"""Importing a statement's text: `import_statement` and the save it shares with the
"Record a statement" flow (meetings.services.document_text_save)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from meetings.models import Decision, Document, Lineage
from meetings.services import TextRefused, citation_keys, document_text_save, guess_verb
from meetings.statement_text import split_statement
from tests.factories import ActionFactory, MeetingFactory

STATEMENTS = Path(__file__).parent / "statements"

SHORT = """CO-CHAIRS' STATEMENT

We, the senior officials of the Bali Process, met in Bangkok.

I. Decisions

1. The Meeting agreed to hold a workshop on biometrics.

2. The Meeting tasked the RSO to report back:
(a) on returns;
(b) on reintegration.

3. The Meeting noted the report of the Working Group.
"""


def _import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_statement", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def meeting(db):
    return MeetingFactory(slug="som-2016", title="Senior Officials' Meeting 2016")


@pytest.fixture
def short_file(tmp_path):
    path = tmp_path / "statement.txt"
    path.write_text(SHORT, encoding="utf-8")
    return path


def test_dry_run_json_of_the_8th_ahg_som_statement_gives_its_17_paragraphs_and_the_bullets_of_11(db):
    parts = json.loads(
        _import(STATEMENTS / "ahg_som_8.txt", "--meeting", "x", "--document", "y", "--dry-run", "--json")
    )

    assert set(parts[0]) == {"position", "number", "level", "parent", "text"}
    paragraphs = [part["number"] for part in parts if part["level"] == "paragraph" and part["number"]]
    assert paragraphs == [str(n) for n in range(1, 18)]
    bullets = [part for part in parts if part["level"] == "subitem"]
    assert [(part["number"], part["parent"], part["text"][:20]) for part in bullets] == [
        (None, "11", "A workshop on immigr"),
        (None, "11", "The 6th Technical Ex"),
        (None, "11", "A workshop on biomet"),
    ]
    assert [part["position"] for part in parts] == list(range(1, len(parts) + 1))
    assert not Document.objects.exists()


def test_import_creates_the_document_under_the_meeting_with_every_part_cited_like_the_text(meeting, short_file):
    events = AuditEvent.objects.count()

    out = _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement")

    document = Document.objects.get(slug="som-2016-statement")
    # The document and each of its parts, one event each in the audit trail.
    assert AuditEvent.objects.count() == events + 1 + 8
    assert document.meeting == meeting
    assert document.title == "Co-chairs' statement: Senior Officials' Meeting 2016"
    assert out == f"{document.title} (new): 8 parts created, 0 changed, 0 unchanged, 0 removed.\n"
    parts = list(document.decisions.order_by("position"))
    assert [(p.citation, p.level, p.verb, p.section) for p in parts] == [
        ("heading 1", "heading", "recorded", ""),
        ("unnumbered paragraph 1", "paragraph", "recorded", "CO-CHAIRS' STATEMENT"),
        ("heading I", "heading", "recorded", ""),
        ("¶1", "paragraph", "agreed", "I. Decisions"),
        ("¶2", "paragraph", "tasked", "I. Decisions"),
        ("¶2(a)", "subitem", "recorded", "I. Decisions"),
        ("¶2(b)", "subitem", "recorded", "I. Decisions"),
        ("¶3", "paragraph", "noted", "I. Decisions"),
    ]
    assert parts[5].parent == parts[4] and parts[5].printed_number == "a"
    assert parts[1].printed_number is None


def test_importing_the_same_text_again_changes_nothing(meeting, short_file):
    _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement")
    Decision.objects.filter(number="1").update(verb=Decision.Verb.DECIDED, notes="Read as decided.")
    events = AuditEvent.objects.count()

    out = _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement")

    assert out.endswith(": 0 parts created, 0 changed, 8 unchanged, 0 removed.\n")
    assert AuditEvent.objects.count() == events
    # The officer's verb and note stay.
    assert Decision.objects.filter(number="1", verb=Decision.Verb.DECIDED, notes="Read as decided.").exists()


def test_a_different_text_is_refused_unless_replacing_and_nothing_changes(meeting, short_file):
    _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement")
    short_file.write_text(SHORT.replace("on returns;", "on voluntary returns;"), encoding="utf-8")
    before = list(Decision.objects.order_by("pk").values())

    with pytest.raises(CommandError) as refusal:
        _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement")

    assert str(refusal.value) == (
        "Co-chairs' statement: Senior Officials' Meeting 2016 has 8 parts already, and this text differs from them"
        " (¶2(a) reads differently). Ask to replace them, or record the text as a new document."
    )
    assert list(Decision.objects.order_by("pk").values()) == before


def test_replacing_updates_the_parts_it_keeps_in_place_and_keeps_their_links(meeting, short_file):
    _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement")
    kept = Decision.objects.get(number="2(a)")
    action = ActionFactory()
    action.mandates.add(kept)
    short_file.write_text(
        SHORT.replace("on returns;", "on voluntary returns;").replace("3. The Meeting noted", "4. The Meeting noted"),
        encoding="utf-8",
    )

    out = _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement", "--replace")

    assert out.endswith(": 1 parts created, 1 changed, 6 unchanged, 1 removed.\n")
    kept.refresh_from_db()
    assert kept.text == "on voluntary returns;"
    assert list(kept.actions.all()) == [action]
    assert list(Decision.objects.filter(document__slug="som-2016-statement").values_list("number", flat=True)) == [
        "heading 1",
        "unnumbered paragraph 1",
        "heading I",
        "1",
        "2",
        "2(a)",
        "2(b)",
        "4",
    ]


def test_replacing_never_removes_a_part_an_action_or_a_later_paragraph_points_at(meeting, short_file):
    _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement")
    mandate = Decision.objects.get(number="3")
    ActionFactory().mandates.add(mandate)
    later = Document.objects.create(
        slug="later", title="Later statement", kind="co_chairs_statement", meeting=MeetingFactory()
    )
    citing = Decision.objects.create(document=later, number="1", position=1, text="Recalling ...", verb="recalled")
    Lineage.objects.create(
        decision=citing, kind=Lineage.Kind.RECALLS, earlier_decision=Decision.objects.get(number="2(b)")
    )
    short_file.write_text(SHORT.split("\n(b)")[0] + "\n", encoding="utf-8")
    before = list(Decision.objects.order_by("pk").values())

    with pytest.raises(CommandError) as refusal:
        _import(short_file, "--meeting", "som-2016", "--document", "som-2016-statement", "--replace")

    assert str(refusal.value) == (
        "The new text leaves out parts that the record points at, so nothing was replaced: ¶2(b) (cited by 1 later"
        " paragraph); ¶3 (the mandate of 1 action). Keep them in the text, or unlink them first."
    )
    assert list(Decision.objects.order_by("pk").values()) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The text is empty: paste the whole text of the statement."),
        (b"\xff\xfe not text", "is not UTF-8 text (byte 1 cannot be read)."),
    ],
)
def test_a_file_that_is_not_a_statement_is_refused_saying_why_and_saves_nothing(meeting, tmp_path, content, message):
    path = tmp_path / "statement.txt"
    path.write_bytes(content)

    with pytest.raises(CommandError) as refusal:
        _import(path, "--meeting", "som-2016", "--document", "som-2016-statement")

    assert str(refusal.value).endswith(message)
    assert not Document.objects.filter(slug="som-2016-statement").exists()


def test_an_unknown_meeting_or_another_meetings_document_is_refused(meeting, short_file):
    with pytest.raises(CommandError, match=r"^No meeting has the slug 'nope'\.$"):
        _import(short_file, "--meeting", "nope", "--document", "som-2016-statement")
    Document.objects.create(
        slug="elsewhere", title="Elsewhere", kind="declaration", meeting=MeetingFactory(title="Other")
    )
    with pytest.raises(CommandError, match=r"^The document 'elsewhere' belongs to another meeting, Other\.$"):
        _import(short_file, "--meeting", "som-2016", "--document", "elsewhere")


def test_jakarta_style_sub_items_under_a_lettered_heading_are_cited_paragraph_heading_letter():
    parts = split_statement((STATEMENTS / "jakarta_declaration.txt").read_text(encoding="utf-8"))

    keys = citation_keys(parts)

    assert [key for key in keys if key.startswith("10.")] == [
        *(f"10.A.{letter}" for letter in "abcdefgh"),
        *(f"10.B.{letter}" for letter in "abcde"),
        *(f"10.C.{letter}" for letter in "abcdefg"),
        *(f"10.D.{letter}" for letter in "abcdefg"),
    ]


def test_two_parts_with_one_number_are_refused_naming_both(db):
    parts = split_statement("1. The Meeting agreed.\n\n2. The Meeting noted.\n\n2. The Meeting welcomed.\n")

    with pytest.raises(TextRefused) as refusal:
        document_text_save(by=None, document=None, parts=parts)  # type: ignore[arg-type]

    assert refusal.value.message == "Two parts cannot have the same number: ¶2 at parts 2, 3. Renumber one of them."


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("The Meeting welcomed the report and agreed to meet again.", "welcomed"),
        ("Ministers tasked the Co-Chairs to report back.", "tasked"),
        ("Members reaffirmed the need for action.", "reaffirmed"),
        ("The Meeting expressed its appreciation to Australia.", "appreciated"),
        ("Recalling the Bali Declaration of 2016,", "recalled"),
        ("A workshop on biometric data-sharing.", "recorded"),
    ],
)
def test_the_preview_guesses_the_first_operative_verb(text, verb):
    assert guess_verb(text) == verb
