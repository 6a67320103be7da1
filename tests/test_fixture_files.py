"""A fixture file with a mistake, or one that would lose data, is refused with a message
naming the file, the record, its key and the rule in plain words, and nothing of it, or of
the files loaded with it, is kept."""

import pytest
from django.core.management import CommandError, call_command

from actions.loading.models import LoadedRecord
from actions.models import Action, ActionOwner, ActionUpdate
from meetings.models import Decision
from members.models import Member

pytestmark = pytest.mark.django_db

GOOD_MEMBERS = """\
- model: members.member
  fields: {code: AF, name: Afghanistan, kind: country, notes: "As the 2014 list names it."}
- model: members.member
  fields: {code: AU, name: Australia, kind: country}
- model: members.body
  fields: {code: RSO, name: Regional Support Office, kind: office}
"""

# A meeting and its statement, with two paragraphs: {first} and {second} are their numbers.
STATEMENT = """\
- model: meetings.meeting
  fields: {{slug: som-1, title: First SOM, kind: senior_officials, status: held}}
- model: meetings.document
  fields: {{slug: som-1-statement, title: First SOM statement, kind: co_chairs_statement, meeting: [som-1]}}
- model: meetings.decision
  fields: {{document: [som-1-statement], number: "{first}", position: 1, text: The Meeting agreed., verb: agreed}}
- model: meetings.decision
  fields: {{document: [som-1-statement], number: "{second}", position: 2, text: The Meeting noted., verb: noted}}
"""

# A strategy down to one action, after STATEMENT; the records under test follow it.
STRATEGY = """\
- model: actions.strategy
  fields: {slug: s, title: Strategy, document: [som-1-statement], endorsed_on: 2014-08-06}
- model: actions.theme
  fields: {strategy: [s], slug: t, title: Theme, position: 1}
- model: actions.initiative
  fields: {theme: [t], slug: i, name: Initiative, description: What it is., who: RSO, position: 1}
- model: actions.action
  fields: {initiative: [i], number: 1, text: do it;}
"""


def _write(directory, *texts: str) -> list[str]:
    directory.mkdir(exist_ok=True)
    paths = []
    for number, text in enumerate(texts, 1):
        path = directory / f"part{number}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def _load(tmp_path, *texts: str) -> None:
    call_command("load_record", *_write(tmp_path, *texts), verbosity=0)


def _refusal(tmp_path, *texts: str) -> str:
    with pytest.raises(CommandError) as refused:
        _load(tmp_path, *texts)
    return str(refused.value)


BAD_FILES = {
    "unknown choice": (
        "- model: members.member\n  fields: {code: XX, name: Planet X, kind: planet}\n",
        "part2.yaml, record 1 (members.member 'XX'): field 'kind': Value 'planet' is not a valid choice.",
    ),
    "too long": (
        "- model: members.member\n  fields: {code: TOOLONGCODE1234, name: Long, kind: country}\n",
        "part2.yaml, record 1 (members.member 'TOOLONGCODE1234'): "
        "field 'code': Ensure this value has at most 12 characters (it has 15).",
    ),
    "missing name": (
        "- model: members.member\n  fields: {code: XX, kind: country}\n",
        "part2.yaml, record 1 (members.member 'XX'): field 'name': This field cannot be blank.",
    ),
    "unknown field": (
        "- model: members.member\n  fields: {code: XX, nmae: Typo, kind: country}\n",
        "part2.yaml, record 1 (members.member): field 'nmae': members.member has no such field.",
    ),
    "field kept by BaliTrack": (
        STATEMENT.format(first=1, second=2) + STRATEGY.replace("text: do it;", "text: do it;, version: 7"),
        "part2.yaml, record 8 (actions.action): field 'version' is not given in a record file "
        "(BaliTrack keeps it itself).",
    ),
    "unknown natural key": (
        "- model: members.memberalias\n  fields: {member: [ZZ], name: Nowhere}\n",
        "part2.yaml, record 1 (members.memberalias 'Nowhere'): "
        "field 'member': no members.member ['ZZ'] was loaded before this record.",
    ),
    "a sovereign for a country": (
        "- model: members.member\n  fields: {code: XX, name: Not a territory, kind: country, sovereign: [AF]}\n",
        "part2.yaml, record 1 (members.member 'XX'): Only a territory has a sovereign (the country it belongs to).",
    ),
    "a primary key": (
        "- model: members.member\n  pk: 1\n  fields: {code: XX, name: X, kind: country}\n",
        "part2.yaml, record 1 (members.member): gives a primary key (pk): records are found by their natural key "
        "only, as a pk names a row of one database.",
    ),
    "a model without natural key": (
        "- model: members.focalpoint\n  fields: {member: [AF], name: Someone, email: someone@example.org}\n",
        "part2.yaml, record 1: members.focalpoint has no natural key, and a record file holds only records found "
        "by one.",
    ),
    "unknown model": (
        "- model: members.planet\n  fields: {code: XX}\n",
        "part2.yaml, record 1: no model 'members.planet'.",
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_a_mistake_is_refused_naming_file_record_key_and_rule_and_nothing_is_loaded(tmp_path, text, expected):
    message = _refusal(tmp_path, GOOD_MEMBERS, text)

    assert message == f"{tmp_path}/{expected} Nothing was loaded."
    # The good first file is rolled back with the bad second one.
    assert not Member.objects.exists()
    assert not LoadedRecord.objects.exists()


def test_a_file_that_is_not_yaml_is_refused_at_its_record_and_line(tmp_path):
    message = _refusal(tmp_path, GOOD_MEMBERS + "- model: members.member\n  fields: {code: XX, name: [unclosed\n")

    assert message.startswith(f"{tmp_path}/part1.yaml, record 4 (line 9): not YAML (")
    assert message.endswith(". Nothing was loaded.")
    assert not Member.objects.exists()


def test_the_record_number_counts_from_the_top_of_the_file(tmp_path):
    message = _refusal(
        tmp_path, GOOD_MEMBERS + "- model: members.member\n  fields: {code: XX, name: X, kind: planet}\n"
    )

    assert message.startswith(f"{tmp_path}/part1.yaml, record 4 (members.member 'XX'): field 'kind'")


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_record", str(tmp_path / "absent.yaml"), verbosity=0)


def test_good_files_load(tmp_path):
    _load(tmp_path, GOOD_MEMBERS)

    assert sorted(Member.objects.values_list("code", flat=True)) == ["AF", "AU"]


# --- What would lose data


def test_two_paragraphs_with_one_number_in_a_file_are_refused(tmp_path):
    message = _refusal(tmp_path, GOOD_MEMBERS, STATEMENT.format(first=4, second=4))

    assert message == (
        f"{tmp_path}/part2.yaml, record 4 (meetings.decision 'som-1-statement' '4'): the key 'som-1-statement' '4' "
        "is already given by record 3 of this file: one record per key, or the second would silently replace the "
        "first. Nothing was loaded."
    )
    assert not Decision.objects.exists()
    assert not Member.objects.exists()


def test_a_key_given_again_in_another_file_of_the_same_load_is_refused(tmp_path):
    again = "- model: members.member\n  fields: {code: AU, name: Australia, kind: country}\n"

    message = _refusal(tmp_path, GOOD_MEMBERS, again)

    assert message == (
        f"{tmp_path}/part2.yaml, record 1 (members.member 'AU'): the key 'AU' is already given by "
        f"{tmp_path}/part1.yaml, record 2: one record per key, or the second would silently replace the first. "
        "Nothing was loaded."
    )


def test_a_record_restated_with_a_field_left_out_that_had_a_value_is_refused(tmp_path):
    _load(tmp_path, GOOD_MEMBERS)
    restated = (
        "- model: members.member\n  fields: {code: NZ, name: New Zealand, kind: country}\n"
        "- model: members.member\n  fields: {code: AF, name: Afghanistan, kind: country}\n"
    )

    with pytest.raises(CommandError) as refused:
        call_command("load_record", *_write(tmp_path / "later", restated), verbosity=0)

    assert str(refused.value) == (
        f"{tmp_path}/later/part1.yaml, record 2 (members.member 'AF'): restates a record loaded before but leaves "
        "out notes, which had a value when it was loaded and would be blanked: give every field that has a value "
        '(to empty one, write it empty, e.g. notes: ""). Nothing was loaded.'
    )
    assert Member.objects.get(code="AF").notes == "As the 2014 list names it."
    assert not Member.objects.filter(code="NZ").exists()


def test_a_restated_record_that_leaves_out_only_empty_fields_loads(tmp_path):
    _load(tmp_path, GOOD_MEMBERS)
    restated = "- model: members.member\n  fields: {code: AU, name: Australia, kind: country}\n"

    call_command("load_record", *_write(tmp_path / "later", restated), verbosity=0)

    assert Member.objects.get(code="AU").notes == ""


def test_on_hold_with_no_note_is_refused(tmp_path):
    on_hold = (
        "- model: actions.actionupdate\n"
        '  fields: {action: [i, 1], recorded_at: "2014-08-06T12:00:00+07:00", status: on_hold, progress: 0}\n'
    )

    message = _refusal(tmp_path, GOOD_MEMBERS, STATEMENT.format(first=1, second=2) + STRATEGY + on_hold)

    assert message == (
        f"{tmp_path}/part2.yaml, record 9 (actions.actionupdate 'i' 1 '2014-08-06T05:00:00+00:00'): "
        "field 'note': Say why the action is on hold or discontinued. Nothing was loaded."
    )
    assert not ActionUpdate.objects.exists()
    assert not Action.objects.exists()


def test_an_owner_row_naming_two_owners_is_refused(tmp_path):
    two_owners = "- model: actions.actionowner\n  fields: {action: [i, 1], role: lead, member: [AU], body: [RSO]}\n"

    message = _refusal(tmp_path, GOOD_MEMBERS, STATEMENT.format(first=1, second=2) + STRATEGY + two_owners)

    # The rule in the model's words, once, though both clean() and the constraint say it.
    assert message == (
        f"{tmp_path}/part2.yaml, record 9 (actions.actionowner 'i' 1 'member' 'AU'): "
        "Choose exactly one owner: a member, a body or a forum. Nothing was loaded."
    )
    assert not ActionOwner.objects.exists()


def test_a_completed_action_short_of_100_percent_is_refused(tmp_path):
    half_done = STRATEGY.replace("text: do it;", "text: do it;, status: completed, progress: 50")

    message = _refusal(tmp_path, GOOD_MEMBERS, STATEMENT.format(first=1, second=2) + half_done)

    assert message == (
        f"{tmp_path}/part2.yaml, record 8 (actions.action 'i' 1): field 'progress': A completed action is 100% done. "
        "Nothing was loaded."
    )


def test_two_themes_in_one_place_are_refused_in_the_constraints_words(tmp_path):
    second_theme = "- model: actions.theme\n  fields: {strategy: [s], slug: t2, title: Another theme, position: 1}\n"

    message = _refusal(tmp_path, GOOD_MEMBERS, STATEMENT.format(first=1, second=2) + STRATEGY + second_theme)

    assert message == (
        f"{tmp_path}/part2.yaml, record 9 (actions.theme 't2'): This strategy already has a theme at this position. "
        "Nothing was loaded."
    )


def test_a_link_to_a_record_that_is_nowhere_in_the_files_is_refused(tmp_path):
    unknown_mandate = STRATEGY.replace("text: do it;", "text: do it;, mandates: [[som-1-statement, '9']]")

    message = _refusal(tmp_path, GOOD_MEMBERS, STATEMENT.format(first=1, second=2) + unknown_mandate)

    assert message == (
        f"{tmp_path}/part2.yaml, record 8 (actions.action 'i' 1): "
        "field 'mandates': no meetings.decision ['som-1-statement', '9'] in the record. Nothing was loaded."
    )
