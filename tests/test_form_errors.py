"""Forms that help: a refused form says what is wrong at its top, each error linked to its
field, and every help text and error is announced with its field (the ids a field's
aria-describedby names are on the page)."""

from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action
from tests.browser_forms import form_data
from tests.factories import ActionFactory

if TYPE_CHECKING:  # the test client's response type exists in django-stubs only
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """Every id on a page, and each form control's attributes, form by form (by id)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.controls: dict[str | None, list[dict[str, str]]] = {}
        self.summary_links: list[str] = []
        self._form: str | None = None
        self._in_form = False
        self._in_summary = 0

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attrs_list}
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "form":
            self._in_form, self._form = True, attrs.get("id")
            self.controls.setdefault(self._form, [])
        elif self._in_form and tag in ("input", "select", "textarea", "fieldset") and attrs.get("type") != "hidden":
            self.controls[self._form].append({"tag": tag, **attrs})
        if "data-error-summary" in attrs:
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.summary_links.append(attrs["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "div" and self._in_summary:
            self._in_summary -= 1


def _read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _references(control: dict[str, str]) -> list[str]:
    return [ref for name in ("aria-describedby", "aria-labelledby") for ref in control.get(name, "").split()]


def _missing_ids(html: str, form_id: str | None) -> dict[str, list[str]]:
    """Each control of the form naming an id the page does not have, with those ids."""
    page = _read(html)
    ids = set(page.ids)
    return {
        control.get("name", control["tag"]): missing
        for control in page.controls[form_id]
        if (missing := [ref for ref in _references(control) if ref not in ids])
    }


def _control(html: str, form_id: str | None, name: str) -> dict[str, str]:
    return next(control for control in _read(html).controls[form_id] if control.get("name") == name)


def _refuse_completed_at_60(client: Client, action: Action) -> "Response":
    page = client.get(action.get_absolute_url()).content.decode()
    data = form_data(page, "status-form")
    data.update(status=["completed"], progress=["60"])
    return client.post(reverse("actions:update-status", args=[action.pk]), data)


def test_refused_status_update_lists_the_error_at_the_top_linked_to_its_field(client, secretariat_user):
    action = ActionFactory(status=Action.Status.IN_PROGRESS, progress=40)
    client.force_login(secretariat_user)

    response = _refuse_completed_at_60(client, action)

    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("data-error-summary") == 1
    assert (
        '<div class="error-summary" id="form-error-summary" role="alert" tabindex="-1" '
        'aria-labelledby="form-error-summary-title" data-error-summary>\n'
        '  <h3 class="error-summary__title" id="form-error-summary-title">There is a problem</h3>'
    ) in page
    assert _read(page).summary_links == ["#id_progress"]
    assert '<a href="#id_progress">Progress (%): A completed action is 100% done.</a>' in page
    # The summary is the form's first child, above the fields it links to.
    assert page.index("data-error-summary") > page.index('id="status-form"')
    assert page.index("data-error-summary") < page.index('name="status"')


def test_refused_field_names_its_help_and_its_error_and_both_are_on_the_page(client, secretariat_user):
    action = ActionFactory(status=Action.Status.IN_PROGRESS, progress=40)
    client.force_login(secretariat_user)

    page = _refuse_completed_at_60(client, action).content.decode()

    progress = _control(page, "status-form", "progress")
    assert progress["aria-invalid"] == "true"
    assert progress["aria-describedby"] == "id_progress_helptext id_progress_error"
    assert '<div class="field__help" id="id_progress_helptext">0 to 100; a completed action is 100.</div>' in page
    assert (
        '<div class="field__errors" id="id_progress_error"><p class="field__error">A completed action is 100% done.</p>'
        "</div>"
    ) in page
    assert _missing_ids(page, "status-form") == {}


@pytest.mark.parametrize("refused", [False, True], ids=["as opened", "refused"])
def test_every_status_form_field_names_only_ids_on_the_page(client, secretariat_user, refused):
    action = ActionFactory(status=Action.Status.IN_PROGRESS, progress=40)
    client.force_login(secretariat_user)

    response = _refuse_completed_at_60(client, action) if refused else client.get(action.get_absolute_url())

    page = response.content.decode()
    # The fields with a help text name it; none names anything else while nothing is wrong.
    named = {control["name"]: _references(control) for control in _read(page).controls["status-form"]}
    assert named == {
        "status": [],
        "progress": ["id_progress_helptext", *(["id_progress_error"] if refused else [])],
        "target_date": ["id_target_date_helptext"],
        "note": ["id_note_helptext"],
    }
    assert _missing_ids(page, "status-form") == {}


def test_status_form_opened_without_errors_has_no_summary(client, secretariat_user):
    action = ActionFactory()
    client.force_login(secretariat_user)

    page = client.get(action.get_absolute_url()).content.decode()

    assert "data-error-summary" not in page
    assert "There is a problem" not in page


def test_error_of_the_whole_status_form_is_in_the_summary_without_a_link(client, secretariat_user):
    action = ActionFactory(status=Action.Status.IN_PROGRESS, progress=40)
    client.force_login(secretariat_user)
    data = form_data(client.get(action.get_absolute_url()).content.decode(), "status-form")

    # Saved as opened: nothing changed and no note, which the service refuses as a whole.
    page = client.post(reverse("actions:update-status", args=[action.pk]), data).content.decode()

    assert "There is a problem" in page
    assert "<li>Nothing was recorded: the status, progress and target date are as they were" in page
    assert _read(page).summary_links == []


def test_damaged_hidden_field_is_listed_in_the_summary_without_a_link(client, secretariat_user):
    action = ActionFactory(status=Action.Status.IN_PROGRESS, progress=40)
    client.force_login(secretariat_user)
    data = form_data(client.get(action.get_absolute_url()).content.decode(), "status-form")
    data.update(version=["abc"], note=["Met in Bangkok."])

    page = client.post(reverse("actions:update-status", args=[action.pk]), data).content.decode()

    assert "<li>Enter a whole number. (a value the page keeps for itself: reload the page and try again)</li>" in page
    assert _read(page).summary_links == []


def test_wrong_password_is_summarised_at_the_top_of_the_sign_in_form(client, secretariat_user):
    response = client.post(reverse("login"), {"username": secretariat_user.username, "password": "wrong"})

    page = response.content.decode()
    assert '<h2 class="error-summary__title" id="form-error-summary-title">There is a problem</h2>' in page
    assert "<li>Please enter a correct username and password." in page
    assert _missing_ids(page, None) == {}


def test_empty_sign_in_links_each_missing_field_and_names_only_ids_on_the_page(client):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()

    assert _read(page).summary_links == ["#id_username", "#id_password"]
    assert _control(page, None, "username")["aria-describedby"] == "id_username_error"
    assert _control(page, None, "password")["aria-describedby"] == "id_password_error"
    assert _missing_ids(page, None) == {}


def test_new_password_help_is_announced_with_its_field(client, secretariat_user):
    client.force_login(secretariat_user)

    page = client.post(reverse("password_change"), {"old_password": "wrong"}).content.decode()

    new_password = _control(page, None, "new_password1")
    assert new_password["aria-describedby"] == "id_new_password1_helptext id_new_password1_error"
    # The help is a list of the password rules; it sits in the element the field names.
    assert '<div class="field__help" id="id_new_password1_helptext"><ul>' in page
    assert _missing_ids(page, None) == {}
