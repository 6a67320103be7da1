"""Form widgets for long choice lists."""

from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """A drop-down written as one string, the same HTML as Django's select template.

    The register's filters offer thousands of meetings and initiatives; Django renders
    each option through two templates, which cost most of a register page at scale.
    Plain choices only: no option groups.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        wanted = {str(v) for v in self.format_value(value)}
        parts: list[str] = [format_html('<select name="{}"{}>', name, _attrs(final_attrs))]
        has_selected = False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            # Like Select: only the first matching option is marked.
            selected = not has_selected and option_value in wanted
            has_selected = has_selected or selected
            # conditional_escape, as format_html does, but without its per-call overhead:
            # it runs once for each of thousands of options.
            mark = " selected" if selected else ""
            text = conditional_escape(str(label))
            parts.append(f'\n  <option value="{conditional_escape(option_value)}"{mark}>{text}</option>')
        parts.append("\n</select>")
        return mark_safe("".join(parts))


def _attrs(attrs: dict[str, Any]) -> SafeString:
    # As django/forms/widgets/attrs.html: in the given order, True as a bare name, False left out.
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )
