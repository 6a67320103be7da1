"""Form widgets BaliTrack uses in more than one form: dates, and long choice lists."""

import itertools
import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django_filters.widgets import DateRangeWidget, RangeWidget

# A backstop for changes that reach the database without replacing the version token
# (bulk loads, raw SQL), as for the dashboard's cache.
OPTIONS_TIMEOUT_SECONDS = 600

# (widget, name) -> (version, built at, the options' HTML): this process's drop-downs, the
# latest version only.
_options_built: dict[tuple[int | str, str], tuple[str, float, str]] = {}
_widgets_made = itertools.count()


class IsoDateInput(forms.DateInput):
    """A browser date picker that shows the value it was given.

    An `<input type="date">` shows a value only in ISO 8601 form; with the site's en-gb
    format ("24/09/2014") the box stays empty and saving the form clears the date. So the
    value is always written as ISO, whatever the locale, and the browser sends ISO back,
    which every locale's input formats accept.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class IsoDateRangeWidget(DateRangeWidget):
    """A filter's "from … to …" pair of date pickers, each showing its value (IsoDateInput)."""

    # Each box is labelled by its end of the range; the fieldset's legend names the range.
    ENDS = ("from", "to")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # RangeWidget's own __init__ would make two text boxes.
        super(RangeWidget, self).__init__((IsoDateInput, IsoDateInput), attrs)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        subwidgets = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        return mark_safe(
            "".join(
                format_html(
                    '<span class="date-range__end"><label for="{}">{}</label> {}</span>',
                    subwidget["attrs"].get("id", ""),
                    end,
                    self._render(subwidget["template_name"], {"widget": subwidget}, renderer),
                )
                for end, subwidget in zip(self.ENDS, subwidgets, strict=True)
            )
        )


class QuickSelect(forms.Select):
    """A drop-down written as one string, the same HTML as Django's select template.

    The register's filters offer thousands of meetings and initiatives; Django renders
    each option through two templates, which cost most of a register page at scale.
    Plain choices only: no option groups.

    With `version` (a function returning a token that changes whenever the choices may
    have), the options are built once per token in each process and only the selection is
    marked per request: reading thousands of rows for every page cost more than the rest of
    it. Only for choices that are the same for every user.
    """

    def __init__(
        self, attrs: dict[str, Any] | None = None, choices: Any = (), *, version: Callable[[], str] | None = None
    ) -> None:
        super().__init__(attrs, choices)
        self.version = version
        # Kept by the copies Django makes of a declared widget, so the options of one form's
        # field are never served to another form's field of the same name.
        self.options_key: int | str = next(_widgets_made)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = self._options(name)
        # Like Select: only the first matching option is marked.
        for wanted in self.format_value(value):
            plain = _option(str(wanted))
            if plain in options:
                options = options.replace(plain, plain[:-1] + " selected>", 1)
                break
        opening = format_html('<select name="{}"{}>', name, _attrs(final_attrs))
        return mark_safe(f"{opening}{options}\n</select>")

    def _options(self, name: str) -> str:
        if self.version is None:
            return self._build_options()
        version = self.version()
        key = (self.options_key, name)
        cached = _options_built.get(key)
        if cached and cached[0] == version and time.monotonic() - cached[1] < OPTIONS_TIMEOUT_SECONDS:
            return cached[2]
        options = self._build_options()
        _options_built[key] = (version, time.monotonic(), options)
        return options

    def _build_options(self) -> str:
        # conditional_escape, as format_html does, but without its per-call overhead: it
        # runs once for each of thousands of options.
        return "".join(
            f"{_option('' if value is None else str(value))}{conditional_escape(str(label))}</option>"
            for value, label in self.choices
        )


def _option(value: str) -> str:
    return f'\n  <option value="{conditional_escape(value)}">'


def _attrs(attrs: dict[str, Any]) -> SafeString:
    # As django/forms/widgets/attrs.html: in the given order, True as a bare name, False left out.
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )
