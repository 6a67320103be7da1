"""What a browser would submit from a rendered form, for round-trip tests.

A test renders a page, reads one of its forms as a browser would, and submits exactly
that: nothing typed, nothing added. Values a browser cannot show are sanitised as the HTML
standard says (an `<input type="date">` whose value is not ISO 8601 shows an empty box and
sends ""), which is how a date written in the wrong format gets lost in real use.
"""

import re
from html.parser import HTMLParser

# The value sanitisation algorithm of the HTML standard, for the input types BaliTrack uses.
_VALID = {
    "date": re.compile(r"\d{4,}-\d{2}-\d{2}"),
    "number": re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?"),
}
_NOT_SENT = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._options: list[tuple[str, bool]] = []  # value, selected
        self._option_value: str | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attrs_list}
        if tag == "form" and not self.found and (self.form_id is None or attrs.get("id") == self.form_id):
            self.in_form = self.found = True
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in _NOT_SENT:
                return
            value = attrs.get("value", "")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            pattern = _VALID.get(kind)
            if pattern and not pattern.fullmatch(value):
                value = ""
            self.fields.append((name, value))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attrs), []
        elif tag == "option" and self._select:
            self._option_value = attrs.get("value")
            self._option_text = ""
            self._options.append(("", "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._textarea_text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text += data
        elif self._select and self._options:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "option" and self._select and self._options:
            value = self._option_value if self._option_value is not None else self._option_text.strip()
            self._options[-1] = (value, self._options[-1][1])
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not multiple:
                # A single drop-down with nothing marked sends its first option, as it shows it.
                chosen = chosen[-1:] or [value for value, _ in self._options[:1]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser drops the newline right after <textarea>, as browsers do.
            self.fields.append((self._textarea, self._textarea_text.removeprefix("\n")))
            self._textarea = None


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields the form (the first one, or the one with this id) would send, as lists
    so that a multiple choice keeps all its values; pass it to the test client as is."""
    reader = _FormReader(form_id)
    reader.feed(html)
    if not reader.found:
        raise AssertionError(f"No form {form_id or ''} on the page.")
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data
