"""Admin base classes for BaliTrack's models.

Django's autocomplete widgets look up the submitted value again to show it when a form
comes back with errors, and a value that is not an id at all (a typo, a forged
request) then raises instead of showing the form's message; its many-to-many choice
field sends an id too big for the column to the database, which fails the same way.
These widgets show only values that could be ids, and the field refuses the others as
not valid choices, so the form says what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet


class _ReadableValuesOnly:
    field: Any

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        readable = []
        for item in value:
            try:
                # In range for the column too: a number too big for it fails the lookup.
                target.run_validators(target.to_python(item))
            except ValidationError:
                continue
            readable.append(item)
        return super().optgroups(name, readable, attr)  # type: ignore[misc]


class SafeAutocompleteSelect(_ReadableValuesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ReadableValuesOnly, AutocompleteSelectMultiple):
    pass


class RangeCheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id out of the column's range as not valid, instead of sending it to the
    database, which cannot compare it and fails the request."""

    def _check_values(self, value: Any) -> Any:
        assert self.queryset is not None
        options = self.queryset.model._meta
        target = options.get_field(self.to_field_name) if self.to_field_name else options.pk
        for item in value:
            try:
                target.run_validators(target.to_python(item))
            except (ValidationError, TypeError):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                ) from None
        return super()._check_values(value)  # type: ignore[misc]


class _SafeAutocomplete:
    admin_site: admin.AdminSite

    def get_autocomplete_fields(self, request: Any) -> Any:
        return super().get_autocomplete_fields(request)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: models.ForeignKey[Any, Any], request: Any, **kwargs: Any) -> Any:
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: models.ManyToManyField[Any, Any], request: Any, **kwargs: Any) -> Any:
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", RangeCheckedMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class RecordAdmin(_SafeAutocomplete, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


class LabelledRowsFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """A tabular inline's boxes, each named for a screen reader: the table shows a field's
    label once, in the column's header, which names no box; the row number tells rows apart."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for field in form.fields.values():
            # A relation's widget is wrapped (the add and change links): the inner one renders.
            widget = getattr(field.widget, "widget", None) or field.widget
            widget.attrs.setdefault("aria-label", f"{field.label} ({row})")


class RecordTabularInline(_SafeAutocomplete, admin.TabularInline):  # type: ignore[type-arg]
    formset = LabelledRowsFormSet


class RecordStackedInline(_SafeAutocomplete, admin.StackedInline):  # type: ignore[type-arg]
    pass
