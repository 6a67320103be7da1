"""A fixture file with a mistake is refused with a message naming the file, the record
and the field, and nothing of it, or of the files loaded with it, is kept."""

import pytest
from django.core.management import CommandError, call_command

from members.models import Member

pytestmark = pytest.mark.django_db

GOOD_MEMBERS = """\
- model: members.member
  fields: {code: AF, name: Afghanistan, kind: country}
- model: members.member
  fields: {code: AU, name: Australia, kind: country}
"""


def _load(tmp_path, *texts: str) -> None:
    paths = []
    for number, text in enumerate(texts, 1):
        path = tmp_path / f"part{number}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    call_command("load_record", *paths, verbosity=0)


BAD_FILES = {
    "unknown choice": (
        "- model: members.member\n  fields: {code: XX, name: Planet X, kind: planet}\n",
        ["part2.yaml, record 1 (members.member)", "field 'kind'", "'planet' is not a valid choice"],
    ),
    "too long": (
        "- model: members.member\n  fields: {code: TOOLONGCODE1234, name: Long, kind: country}\n",
        ["part2.yaml, record 1 (members.member)", "field 'code'", "at most"],
    ),
    "missing name": (
        "- model: members.member\n  fields: {code: XX, kind: country}\n",
        ["part2.yaml, record 1", "field 'name'", "cannot be blank"],
    ),
    "unknown field": (
        "- model: members.member\n  fields: {code: XX, nmae: Typo, kind: country}\n",
        ["part2.yaml, record 1", "nmae"],
    ),
    "unknown natural key": (
        "- model: members.memberalias\n  fields: {member: [ZZ], name: Nowhere}\n",
        ["part2.yaml, record 1 (members.memberalias): field 'member': no members.member ['ZZ']"],
    ),
    "broken constraint": (
        "- model: members.member\n  fields: {code: XX, name: Not a territory, kind: country, sovereign: [AF]}\n",
        ["part2.yaml, record 1 (members.member)", "members_member_only_territories_have_sovereign"],
    ),
    "not YAML": (
        "- model: members.member\n  fields: {code: XX, name: [unclosed\n",
        ["part2.yaml, record 1"],
    ),
    "unknown model": (
        "- model: members.planet\n  fields: {code: XX}\n",
        ["part2.yaml, record 1", "members.planet"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_a_mistake_is_refused_naming_file_record_and_field_and_nothing_is_loaded(tmp_path, text, expected):
    with pytest.raises(CommandError) as refused:
        _load(tmp_path, GOOD_MEMBERS, text)

    message = str(refused.value)
    for part in expected:
        assert part in message, message
    assert message.endswith("Nothing was loaded.")
    # The good first file is rolled back with the bad second one.
    assert not Member.objects.exists()


def test_the_record_number_counts_from_the_top_of_the_file(tmp_path):
    with pytest.raises(CommandError, match=r"part1.yaml, record 3 \(members.member\): field 'kind'"):
        _load(tmp_path, GOOD_MEMBERS + "- model: members.member\n  fields: {code: XX, name: X, kind: planet}\n")


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_record", str(tmp_path / "absent.yaml"), verbosity=0)


def test_good_files_load(tmp_path):
    _load(tmp_path, GOOD_MEMBERS)

    assert sorted(Member.objects.values_list("code", flat=True)) == ["AF", "AU"]
