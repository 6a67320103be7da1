from django import forms

from balitrack.lib.widgets import QuickSelect

CHOICES = [("", "Any"), ("AU", "Australia"), ("ID", "Indonesia & <Timor>")]


def _options(html: str) -> list[str]:
    # Django's template leaves blank lines between options; the browser ignores them.
    return [line.strip() for line in html.splitlines() if line.strip()]


def test_quick_select_writes_the_same_options_as_django_select() -> None:
    attrs = {"id": "id_lead", "aria-invalid": "true"}
    for value in (None, "", "ID", "missing"):
        quick = QuickSelect(choices=CHOICES).render("lead", value, attrs)
        django = forms.Select(choices=CHOICES).render("lead", value, attrs)
        assert _options(quick) == _options(django)


def test_quick_select_escapes_labels_and_marks_the_chosen_option() -> None:
    html = QuickSelect(choices=CHOICES).render("lead", "ID", {"id": "id_lead"})
    assert '<option value="ID" selected>Indonesia &amp; &lt;Timor&gt;</option>' in html
    assert html.count(" selected") == 1


def test_quick_select_with_a_version_builds_its_options_once_per_version() -> None:
    version = "one"
    widget = QuickSelect(choices=CHOICES, version=lambda: version)
    first = widget.render("test_lead", "AU", {"id": "id_lead"})
    widget.choices = [*CHOICES, ("NZ", "New Zealand")]

    same_version = widget.render("test_lead", "ID", {"id": "id_lead"})
    version = "two"
    new_version = widget.render("test_lead", "NZ", {"id": "id_lead"})

    assert '<option value="AU" selected>Australia</option>' in first
    # The list is the one built for "one"; only the selection follows the request.
    assert "New Zealand" not in same_version
    assert '<option value="ID" selected>' in same_version and same_version.count(" selected") == 1
    assert '<option value="NZ" selected>New Zealand</option>' in new_version


def test_two_drop_downs_of_the_same_name_keep_their_own_options() -> None:
    register = QuickSelect(choices=CHOICES, version=lambda: "same")
    other_form = QuickSelect(choices=[("", "Any"), ("NZ", "New Zealand")], version=lambda: "same")

    first = register.render("test_shared_name", "", {"id": "id_lead"})
    second = other_form.render("test_shared_name", "", {"id": "id_lead"})

    assert "Australia" in first and "New Zealand" not in first
    assert "New Zealand" in second and "Australia" not in second
