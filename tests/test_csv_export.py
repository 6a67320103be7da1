"""The CSV exports open as text in a spreadsheet, however it splits the line into cells.

A spreadsheet in a locale whose list separator is ";" (or one told to split on "," or tab)
reads `x;=1+1` as two cells, the second a formula. safe_cell puts an apostrophe before
every formula that any such split would start, and leaves ordinary text alone.
"""

from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from balitrack.lib.csv_export import SEPARATORS, safe_cell
from tests.factories import ActionFactory, ActionOwnerFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# From the record: decisions, the strategy's objectives, meetings' and members' names.
RECORD_TEXTS = [
    "co-lead",
    "1-2 May",
    "2014-08-06",
    "Asia-Pacific",
    "A workshop on biometric data-sharing",
    "Implementing Bali Process activities related to stolen travel documents across the region;\n"
    "- The 6th Technical Experts Working Group",
    "Strengthen the work of the Bali Process to reduce irregular migration, including by:\n"
    "- Implementing the actions and directives on deterrence, prevention",
    "Regional Support Office; Indonesia; Australia",
    "Hong Kong SAR, China",
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("x;=1+1", "x;'=1+1"),
        ("x,=1+1", "x,'=1+1"),
        ("x\t=1+1", "x\t'=1+1"),
        ("x; =1+1", "x; '=1+1"),
        ("x;;=1+1", "x;;'=1+1"),
        (" =1+1", " '=1+1"),
        ("Lead; @SUM(A1:A9)", "Lead; '@SUM(A1:A9)"),
        ("Contact the RSO, +66 2 343 9477", "Contact the RSO, '+66 2 343 9477"),
        ("Progress;-2+3+cmd|' /C calc'!A0", "Progress;'-2+3+cmd|' /C calc'!A0"),
        (",\t=1", ",'\t'=1"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
    ],
)
def test_a_formula_at_the_start_or_after_a_separator_gets_an_apostrophe(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("text", RECORD_TEXTS)
def test_ordinary_text_of_the_record_is_left_as_it_is(text):
    assert safe_cell(text) == text


def test_no_text_of_the_record_is_changed_by_the_export():
    texts = [
        value
        for path in sorted(FIXTURES.glob("*.yaml"))
        for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for value in (row.get("fields") or {}).values()
        if isinstance(value, str)
    ]

    assert len(texts) > 1000
    assert [text for text in texts if safe_cell(text) != text] == []


@pytest.mark.django_db
def test_the_register_export_starts_no_cell_with_a_formula_however_a_spreadsheet_splits_it(client, co_chair_user):
    ActionOwnerFactory(action=ActionFactory(text='Training;=HYPERLINK("http://evil.example","x")'))
    ActionOwnerFactory(action=ActionFactory(text="Roundtable,+1+1"), member__name="@Evil")
    ActionOwnerFactory(action=ActionFactory(text="Workshop\t-2+3 co-hosted on 1-2 May"))
    client.force_login(co_chair_user)

    body = b"".join(client.get(reverse("actions:export")).streaming_content).decode("utf-8")

    lines = body.removeprefix("\ufeff").splitlines()
    assert len(lines) == 4
    # A naive split, as a spreadsheet that ignores the file's quotes would make.
    for separator in SEPARATORS:
        pieces = [piece.lstrip(" ") for line in lines for piece in line.split(separator)]
        assert [piece for piece in pieces if piece.startswith(FORMULA_STARTS)] == [], repr(separator)
    assert "co-hosted on 1-2 May" in body
