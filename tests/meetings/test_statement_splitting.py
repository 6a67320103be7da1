"""The statement splitter (meetings/statement_text.py), on whole statements as an officer pastes them.

ahg_som_8.txt, bpmc_5.txt and jakarta_declaration.txt are the seed's three documents as
they stand in the seed (/work/shared/seed). The other statements in tests/meetings/statements/
were written for these tests in the styles of real co-chairs' statements and declarations;
they are not quotations of real ones.
Each table gives every part: number, level, parent and the first four words of its text.
"""

import json
from pathlib import Path

import pytest
import yaml

from meetings.statement_text import (
    MAX_STATEMENT_LENGTH,
    Level,
    Part,
    StatementTextError,
    parts_as_json,
    split_statement,
)

STATEMENTS = Path(__file__).parent / "statements"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
H, P, S = Level.HEADING, Level.PARAGRAPH, Level.SUBITEM


def statement(name: str) -> str:
    # newline="" keeps the file's line endings, as a paste would.
    with (STATEMENTS / name).open(encoding="utf-8", newline="") as file:
        return file.read()


def table(parts: list[Part]) -> list[tuple[str | None, Level, str | None, str]]:
    return [(part.number, part.level, part.parent, " ".join(part.text.split()[:4])) for part in parts]


def test_parts_are_numbered_by_position_in_order():
    parts = split_statement(statement("ministerial_declaration.txt"))

    assert [part.position for part in parts] == list(range(1, 25))


def test_ministerial_declaration_with_preamble_headings_and_lettered_subitems():
    parts = split_statement(statement("ministerial_declaration.txt"))

    assert table(parts) == [
        (None, H, None, "CO-CHAIRS' STATEMENT MINISTERIAL CONFERENCE"),
        (None, P, None, "We, the Ministers and"),
        ("I", H, None, "I. Outcomes of the"),
        ("1", P, None, "Ministers welcomed the progress"),
        ("2", P, None, "Ministers recognised that the"),
        ("3", P, None, "Ministers endorsed the Co-Chairs'"),
        ("4", P, None, "Ministers tasked the Ad"),
        ("5", P, None, "Ministers agreed to strengthen"),
        ("a", S, "5", "the timely sharing of"),
        ("b", S, "5", "the development of national"),
        ("c", S, "5", "the protection of victims"),
        ("6", P, None, "Ministers welcomed the work"),
        ("7", P, None, "Ministers noted with concern"),
        ("8", P, None, "Ministers acknowledged the role"),
        ("II", H, None, "II. Future Direction"),
        ("9", P, None, "Ministers agreed that the"),
        ("10", P, None, "Ministers welcomed the offer"),
        ("11", P, None, "Ministers reaffirmed the importance"),
        ("12", P, None, "Ministers encouraged members that"),
        ("13", P, None, "Ministers agreed that the"),
        ("14", P, None, "Ministers agreed to meet"),
        ("15", P, None, "Ministers thanked the Government"),
        ("16", P, None, "Ministers thanked the International"),
        (None, P, None, "Adopted in Bali by"),
    ]


def test_a_title_set_on_several_lines_in_capitals_is_one_heading():
    title = split_statement(statement("ministerial_declaration.txt"))[0]

    assert title.text == (
        "CO-CHAIRS' STATEMENT MINISTERIAL CONFERENCE OF THE BALI PROCESS ON PEOPLE SMUGGLING, "
        "TRAFFICKING IN PERSONS AND RELATED TRANSNATIONAL CRIME BALI, INDONESIA"
    )


def test_a_heading_keeps_its_numeral_in_its_text():
    parts = split_statement(statement("ministerial_declaration.txt"))

    assert [(part.number, part.text) for part in parts if part.level is Level.HEADING][1:] == [
        ("I", "I. Outcomes of the Conference"),
        ("II", "II. Future Direction"),
    ]


def test_a_heading_continues_on_the_next_line_only_where_its_title_breaks_off():
    parts = split_statement(
        "I. Decisions and Recommendations on\nFuture Activities\n1. The Meeting agreed.\n\n"
        "II. Proceedings\nThe Meeting reviewed the work of the Ad Hoc Group since its last meeting\nin Bali."
    )

    assert [(part.number, part.level, part.text) for part in parts] == [
        ("I", H, "I. Decisions and Recommendations on Future Activities"),
        ("1", P, "The Meeting agreed."),
        ("II", H, "II. Proceedings"),
        (None, P, "The Meeting reviewed the work of the Ad Hoc Group since its last meeting in Bali."),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Regional cooperation\n\n1. The Meeting agreed.", [(None, H), ("1", P)]),
        # Not followed by a numbered paragraph: a closing line, not a heading.
        ("1. The Meeting agreed.\n\nDone in Bali\n", [("1", P), (None, P)]),
        # The part before it is unfinished: the line is the rest of it, carried over a page break.
        ("1. The Meeting thanked\n\nThailand\n\n2. It agreed.", [("1", P), ("2", P)]),
    ],
    ids=["heading", "closing-line", "carried-over"],
)
def test_a_short_line_alone_is_a_heading_only_before_a_numbered_paragraph(text, expected):
    assert [(part.number, part.level) for part in split_statement(text)] == expected


def test_a_paragraph_broken_by_a_page_number_and_a_form_feed_is_one_part():
    parts = split_statement(statement("ministerial_declaration.txt"))

    # The page ends mid-sentence ("destination in"), then "- 2 -" and a form feed: one paragraph,
    # the page number gone, "traff-\nicking" mended on the way.
    assert parts[12].text == (
        "Ministers noted with concern the links between people smuggling, trafficking in persons and other "
        "forms of transnational organised crime, including money laundering and corruption, and encouraged "
        "members to make greater use of financial intelligence in disrupting the business model of smuggling "
        "and trafficking networks. Ministers also encouraged closer cooperation between the law enforcement "
        "agencies of countries of origin, transit and destination in investigating and prosecuting those who "
        "profit from irregular migration."
    )


def test_senior_officials_statement_with_parenthesis_numbers_lettered_subitems_and_crlf():
    text = statement("som_parenthesis.txt")
    assert "\r\n" in text  # the file is kept byte for byte (tests/meetings/statements/.gitattributes)

    parts = split_statement(text)

    assert table(parts) == [
        (None, H, None, "BALI PROCESS SENIOR OFFICIALS'"),
        (None, P, None, "The Co-Chairs of the"),
        (None, H, None, "Review of progress"),
        ("1", P, None, "Senior officials reviewed the"),
        ("2", P, None, "Senior officials welcomed the"),
        (None, H, None, "Regional cooperation"),
        ("3", P, None, "Senior officials agreed to"),
        ("a", S, "3", "information sharing on people"),
        ("b", S, "3", "joint training of immigration"),
        ("c", S, "3", "the return and reintegration"),
        ("4", P, None, "Senior officials noted the"),
        ("5", P, None, "Senior officials encouraged members"),
        ("6", P, None, "Senior officials welcomed the"),
        ("7", P, None, "Senior officials agreed that"),
        (None, H, None, "Next steps"),
        ("8", P, None, "Senior officials agreed to"),
        ("9", P, None, "The Co-Chairs thanked all"),
    ]


def test_wrapped_lines_are_joined_with_one_space():
    parts = split_statement(statement("som_parenthesis.txt"))

    assert parts[7].text == "information sharing on people smuggling routes and methods through the secure portal;"


def test_a_wrapped_line_starting_with_a_number_stays_in_its_paragraph():
    parts = split_statement(statement("som_parenthesis.txt"))

    # "140." begins a line but neither follows paragraph 2 in sequence nor a finished sentence.
    assert parts[4].text == (
        "Senior officials welcomed the Regional Support Office's report on its training courses, in which the "
        "number of participants rose from 85 to 140. They encouraged members to nominate officers for the "
        "courses planned in the coming year."
    )


def test_a_page_number_inside_an_unfinished_sentence_is_dropped_and_the_sentence_joined():
    parts = split_statement(statement("som_parenthesis.txt"))

    assert parts[10].text == (
        "Senior officials noted the increase in irregular movements by sea in the region and welcomed the offer "
        "of technical assistance on search and rescue coordination made by Thailand and Malaysia."
    )


def test_ad_hoc_group_statement_with_letter_headings_and_roman_subitems():
    parts = split_statement(statement("ahg_roman.txt"))

    assert table(parts) == [
        (None, H, None, "AD HOC GROUP SENIOR"),
        ("1", P, None, "The Co-Chairs of the"),
        ("2", P, None, "Senior officials welcomed the"),
        ("A", H, None, "A. Regional cooperation"),
        ("3", P, None, "Senior officials agreed that"),
        ("a", S, "3", "identity management and document"),
        ("b", S, "3", "biometrics and data sharing"),
        ("c", S, "3", "immigration intelligence and analysis"),
        ("d", S, "3", "disembarkation and reception arrangements"),
        ("e", S, "3", "return and reintegration"),
        ("f", S, "3", "victim identification and referral"),
        ("g", S, "3", "policy guides and legislative"),
        ("h", S, "3", "public information and awareness"),
        ("i", S, "3", "labour migration and ethical"),
        ("j", S, "3", "financial investigations into smuggling"),
        ("4", P, None, "Senior officials noted that"),
        ("B", H, None, "B. Law enforcement"),
        ("5", P, None, "Senior officials recognised the"),
        ("i", S, "5", "designate national focal points"),
        ("ii", S, "5", "make greater use of"),
        ("iii", S, "5", "share information on the"),
        ("iv", S, "5", "support joint training with"),
        ("v", S, "5", "consider the use of"),
        ("6", P, None, "Senior officials welcomed the"),
    ]


def test_i_after_h_is_the_next_letter_even_where_no_punctuation_ends_the_line():
    parts = split_statement(
        "3. Members agreed on these areas:\n(g) policy guides\n(h) awareness\n(i) returns\n(j) labour"
    )

    # Read as a roman numeral, (i) would begin a list inside the list, which a wrapped line may not
    # do without ending a clause: it and (j) would have been folded into (h).
    assert table(parts) == [
        ("3", P, None, "Members agreed on these"),
        ("g", S, "3", "policy guides"),
        ("h", S, "3", "awareness"),
        ("i", S, "3", "returns"),
        ("j", S, "3", "labour"),
    ]


def test_a_list_inside_a_list_is_flattened_under_the_paragraph():
    parts = split_statement(
        "4. Members agreed:\n(a) to share data, as follows:\n(i) routes;\n(ii) methods;\n(b) to train."
    )

    assert table(parts) == [
        ("4", P, None, "Members agreed:"),
        ("a", S, "4", "to share data, as"),
        ("i", S, "4", "routes;"),
        ("ii", S, "4", "methods;"),
        ("b", S, "4", "to train."),
    ]


def test_bullets_under_a_paragraph_are_its_subitems():
    text = statement("bullets_crlf.txt")
    assert "\r\n" in text

    parts = split_statement(text)

    assert table(parts) == [
        (None, H, None, "BALI PROCESS STEERING GROUP"),
        ("1", P, None, "The Steering Group met"),
        ("2", P, None, "The Steering Group welcomed"),
        (None, S, "2", "a workshop on victim"),
        (None, S, "2", "a regional roundtable on"),
        (None, S, "2", "the second edition of"),
        ("3", P, None, "The Steering Group agreed"),
        (None, S, "3", "strengthening law enforcement cooperation"),
        (None, S, "3", "improving the protection of"),
        (None, S, "3", "engaging the private sector"),
        ("4", P, None, "The Steering Group noted"),
        (None, P, None, "The Steering Group also"),
        (None, S, None, "Sri Lanka, on its"),
        (None, S, None, "Thailand, on its screening"),
        (None, S, None, "New Zealand, on its"),
        ("5", P, None, "The Co-Chairs thanked the"),
    ]
    assert (
        parts[5].text == "the second edition of the policy guide on identifying and protecting victims of trafficking."
    )


def test_declaration_headings_inside_a_paragraph_keep_its_subitems():
    parts = split_statement(statement("jakarta_style.txt"))

    # As in the Jakarta Declaration (10.A.a-10.D.g): the lettered headings divide paragraph 7's list.
    assert table(parts) == [
        (None, H, None, "DECLARATION ON IRREGULAR MOVEMENT"),
        ("1", P, None, "We, the Ministers and"),
        ("2", P, None, "We recognised that irregular"),
        ("3", P, None, "We reaffirmed that the"),
        ("4", P, None, "We recognised that the"),
        ("5", P, None, "We underlined the importance"),
        ("6", P, None, "We recognised the need"),
        ("7", P, None, "We are committed to"),
        ("A", H, None, "A. Prevention"),
        ("a", S, "7", "fostering conditions that mitigate"),
        ("b", S, "7", "encouraging opportunities for legal"),
        ("c", S, "7", "conducting public awareness campaigns"),
        ("B", H, None, "B. Early Detection"),
        ("a", S, "7", "nominating national focal points"),
        ("b", S, "7", "establishing mechanisms among relevant"),
        ("c", S, "7", "enhancing cooperation between immigration"),
        ("C", H, None, "C. Prosecution"),
        ("a", S, "7", "adopting or strengthening national"),
        ("b", S, "7", "providing mutual legal assistance"),
        ("8", P, None, "We affirmed our readiness"),
        ("9", P, None, "We appreciated the initiative"),
    ]
    assert parts[14].text == (
        "establishing mechanisms among relevant authorities for the early identification of victims of "
        "trafficking, protection and referral to appropriate services;"
    )


def test_8th_ahg_som_has_17_paragraphs_and_the_bullets_of_paragraph_11():
    parts = split_statement(statement("ahg_som_8.txt"))

    assert table(parts) == [
        (None, H, None, "**BALI PROCESS AD HOC"),
        ("1", P, None, "The Co-Chairs of the"),
        ("2", P, None, "The purpose of the"),
        ("3", P, None, "The meeting acknowledged the"),
        ("I", H, None, "I. Decisions and Recommendations"),
        ("4", P, None, "The Meeting agreed that"),
        ("5", P, None, "The Meeting endorsed the"),
        ("6", P, None, "The Meeting welcomed advice"),
        ("7", P, None, "The Meeting endorsed draft"),
        ("8", P, None, "The Meeting noted that"),
        ("9", P, None, "Members reaffirmed the need"),
        ("10", P, None, "The Meeting also welcomed"),
        ("11", P, None, "The Meeting welcomed participants'"),
        (None, S, "11", "A workshop on immigration"),
        (None, S, "11", "The 6th Technical Experts"),
        (None, S, "11", "A workshop on biometric"),
        ("II", H, None, "II. Proceedings"),
        ("12", P, None, "The Meeting reviewed the"),
        ("13", P, None, "The Meeting reaffirmed the"),
        ("14", P, None, "The Meeting supported the"),
        ("15", P, None, "The Meeting noted that"),
        ("16", P, None, "The Co-Chairs acknowledged the"),
        ("17", P, None, "The Meeting expressed its"),
        ("III", H, None, "III. Participants"),
        (None, P, None, "The Meeting was attended"),
    ]


def as_recorded(parts: list[Part]) -> dict[str, str]:
    """The parts keyed and worded as the fixture record holds them today: a numbered paragraph by its
    number; a lettered sub-item under a lettered heading as paragraph, heading and letter ("10.B.c");
    a bullet by its paragraph's number and its place among the bullets ("11, bullet 2", the 8th AHG SOM's)."""
    recorded: dict[str, str] = {}
    heading = None
    bullets: dict[str, int] = {}
    for part in parts:
        if part.level is Level.HEADING:
            heading = part.number
        elif part.level is Level.PARAGRAPH and part.number:
            recorded[part.number] = part.text
        elif part.level is Level.SUBITEM and part.number:
            recorded[f"{part.parent}.{heading}.{part.number}"] = part.text
        elif part.level is Level.SUBITEM and part.parent:
            bullets[part.parent] = bullets.get(part.parent, 0) + 1
            recorded[f"{part.parent}, bullet {bullets[part.parent]}"] = part.text
    return recorded


@pytest.mark.parametrize(
    ("name", "fixture", "document"),
    [
        ("ahg_som_8.txt", "decisions_8th_ahg_som.yaml", "ahg-som-8-2014-statement"),
        ("bpmc_5.txt", "decisions_5th_ministerial_conference.yaml", "bp-mc-5-2013-statement"),
        ("jakarta_declaration.txt", "decisions_jakarta_declaration.yaml", "jakarta-declaration-2013"),
    ],
)
def test_the_seed_documents_split_word_for_word_as_the_fixture_record(name, fixture, document):
    records = yaml.safe_load((FIXTURES / fixture).read_text(encoding="utf-8"))
    recorded = {
        record["fields"]["number"]: record["fields"]["text"]
        for record in records
        if record["model"] == "meetings.decision" and record["fields"]["document"] == [document]
    }

    # Every paragraph the seed breaks across a page (8th AHG SOM 5 and 9, 5th Ministerial Conference
    # 4, 9 ("Co-" "Chairs'") and 14, Jakarta Declaration 10.C.a) is joined as the record has it.
    assert as_recorded(split_statement(statement(name))) == recorded


def test_the_seed_documents_parts_outside_the_record_are_their_titles_headings_and_closing_lines():
    outside = [
        (part.level, part.text[:40])
        for name in ("bpmc_5.txt", "jakarta_declaration.txt")
        for part in split_statement(statement(name))
        if part.number is None and part.level is not Level.SUBITEM
    ]

    assert outside == [
        (H, "**FIFTH MINISTERIAL CONFERENCE OF THE BA"),
        (H, "CO-CHAIRS' STATEMENT"),
        (P, "We, the Foreign Ministers of Indonesia a"),
        (P, "The Fifth Ministerial Conference was att"),
        (H, "**JAKARTA DECLARATION ON ADDRESSING IRRE"),
        # A place and date in mixed case under a title in capitals is read as a paragraph of its own
        # (a wrapped line continues a heading in capitals only in capitals): the officer re-levels it.
        (P, "Jakarta, 20 August 2013**"),
    ]


def test_carriage_returns_alone_end_lines():
    parts = split_statement("1. Members agreed\rto meet again.\r\r2. The Co-Chairs thanked Thailand.")

    assert [part.text for part in parts] == ["Members agreed to meet again.", "The Co-Chairs thanked Thailand."]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        ("traff-\nicking networks.", "trafficking networks."),
        ("the Co-\nChairs' Statements.", "the Co-Chairs' Statements."),
        ("post-\n2015 agenda.", "post-2015 agenda."),
        ("prevention -\nthe first pillar.", "prevention - the first pillar."),
    ],
)
def test_a_line_ending_in_a_hyphen_loses_it_only_before_a_lower_case_letter(lines, joined):
    (part,) = split_statement(f"1. Members discussed {lines}")

    assert part.text == f"Members discussed {joined}"


@pytest.mark.parametrize("page_number", ["3", "- 3 -", "– 3 –", "Page 3", "Page 3 of 5", "3 of 5", "3 | Page"])
def test_a_line_that_is_only_a_page_number_is_dropped(page_number):
    parts = split_statement(f"1. Members agreed to meet\n\n{page_number}\n\nagain next year.\n2. They thanked Fiji.")

    assert [part.text for part in parts] == ["Members agreed to meet again next year.", "They thanked Fiji."]


def test_a_number_alone_on_its_line_numbers_the_text_after_it():
    parts = split_statement("1.\n\nThe Meeting agreed to meet again.\n\n2.\tThe Co-Chairs thanked Fiji.")

    assert table(parts) == [("1", P, None, "The Meeting agreed to"), ("2", P, None, "The Co-Chairs thanked Fiji.")]


def test_surrounding_whitespace_and_a_byte_order_mark_are_trimmed():
    parts = split_statement("\ufeff\n\n   1.  The Meeting agreed.   \n\n\n")

    assert parts == [Part(position=1, number="1", level=Level.PARAGRAPH, parent=None, text="The Meeting agreed.")]


def test_a_statement_at_the_limit_is_split_even_as_one_paragraph_of_one_word_lines():
    # The worst case for joining lines: 150,000 of them in one paragraph. Joined one by one, the text
    # would be copied once per line and this would take minutes; it takes a fraction of a second.
    lines = (MAX_STATEMENT_LENGTH - len("1. agreed")) // len("\nto")
    text = "1. agreed" + "\nto" * lines
    assert len(text) == MAX_STATEMENT_LENGTH

    (part,) = split_statement(text)

    assert part.text == "agreed" + " to" * lines


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The text is empty: paste the whole text of the statement."),
        (" \n\t\r\n\f  \n", "The text is empty: paste the whole text of the statement."),
        (
            "CO-CHAIRS' STATEMENT\n\nI. Decisions and Recommendations\n\nII. Proceedings\n",
            "The text has headings but no paragraph: paste the whole statement, not only its title and headings.",
        ),
        ("- 1 -\n\f\n- 2 -\n", "The text has only page numbers and no paragraph: paste the whole statement."),
        (
            "1. The Meeting agreed. " * 87_000,
            "The text is 2,001,000 characters long; a statement can have at most 300,000 (a long Ministerial "
            "declaration has about 30,000): paste one statement at a time.",
        ),
        (
            "1. The Meeting agreed.\r\n2. The Meeting\x00 noted.",
            "Line 2 of the text has a control character (U+0000), which cannot be part of a statement: "
            "delete it and paste the text again.",
        ),
        (
            "CO-CHAIRS' STATEMENT\n\n1. The Meeting agreed.\n\x1b[1m2. The Meeting noted.",
            "Line 4 of the text has a control character (U+001B), which cannot be part of a statement: "
            "delete it and paste the text again.",
        ),
        (
            "1. The Meeting agreed.\n2. The Meeting\x0bnoted.",
            "Line 2 of the text has a control character (U+000B), which cannot be part of a statement: "
            "delete it and paste the text again.",
        ),
    ],
    ids=["empty", "whitespace", "only-headings", "only-page-numbers", "2-mb", "nul", "escape", "vertical-tab"],
)
def test_text_that_cannot_be_a_statement_is_refused_with_a_reason(text, message):
    with pytest.raises(StatementTextError) as error:
        split_statement(text)

    assert str(error.value) == message


def test_parts_as_json_gives_the_objects_import_statement_prints():
    parts = split_statement(statement("ahg_som_8.txt"))

    objects = parts_as_json(parts)

    assert objects[12:14] == [
        {
            "position": 13,
            "number": "11",
            "level": "paragraph",
            "parent": None,
            "text": "The Meeting welcomed participants' commitment to further progress AHG objectives in undertaking "
            "to deliver the following activities agreed by Ministers at the 5th Ministerial Conference:",
        },
        {
            "position": 14,
            "number": None,
            "level": "subitem",
            "parent": "11",
            "text": "A workshop on immigration aspects of airport security exploring developments in airline "
            "security and identifying opportunities to improve the detection of lost and stolen travel "
            "documents across the region;",
        },
    ]
    assert json.loads(json.dumps(objects)) == objects
    assert {tuple(item) for item in objects} == {("position", "number", "level", "parent", "text")}
