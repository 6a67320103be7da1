"""The alphabet of the codes and slugs that name records in BaliTrack's addresses
(/members/ID/, /groups/WGTIP/, /meetings/ahg-som-8-2014/, ?forum=SG).

Letters, digits, "-" and "_": Django's slug alphabet, so a member's code and a meeting's
slug obey one rule. It covers every code and slug of the record (capitals and "-", e.g.
"PGDC-VICTIMS"). "/" would split the address (and made the lists answer 500: the link to
such a member cannot be built), "?" and "#" would end it, and "." is left out too, so no
code can be "." or "..", which a browser would read as "this folder" or "the one above".

The rule is kept three times, from the one pattern below: a validator on the field (the
admin's message), a named database constraint (nothing else can store another code: a
fixture, the shell, an update()) and the URL converter (balitrack.lib.converters).
"""

from collections.abc import Callable
from typing import Any

from django.core.validators import RegexValidator
from django.db.models import Q

CODE_PATTERN = "[A-Za-z0-9_-]+"
# \A and \Z rather than ^ and $: in Python (SQLite's REGEXP, the validator) "$" also matches
# before a final line break, so "AB\n" would pass. Both mean the same in PostgreSQL.
_WHOLE_CODE = rf"\A{CODE_PATTERN}\Z"

CODE_MESSAGE = 'Use only letters, digits, "-" and "_" (no spaces, "/" or "."): it is part of a page\'s address.'

validate_code = RegexValidator(_WHOLE_CODE, message=CODE_MESSAGE, code="invalid_code")


def code_is_safe(field: str) -> Q:
    """The condition of the `<app>_<model>_<field>_safe` constraints."""
    return Q(**{f"{field}__regex": _WHOLE_CODE})


class UnsafeCodes(Exception):
    """Rows whose code a new constraint would refuse: a person must choose the new codes."""


def refuse_unsafe_codes(*targets: tuple[str, str]) -> Callable[[Any, Any], None]:
    """A migration step, run before the constraints are added: stops the migration, naming
    each row whose code is outside the alphabet, and changes nothing.

    Without it, PostgreSQL would refuse the constraint with "is violated by some row" and
    SQLite with "CHECK constraint failed", neither saying which row. Codes are not rewritten
    here: they are in shared links and the fixtures, and only a person can choose new ones.
    `targets` are ("app_label.Model", "field") pairs.
    """

    def check(apps: Any, schema_editor: Any) -> None:
        offending = []
        for label, field in targets:
            model = apps.get_model(label)
            for pk, value in model._base_manager.exclude(code_is_safe(field)).values_list("pk", field).order_by("pk"):
                offending.append(f"{label} {pk} {field} {value!r}")
        if offending:
            raise UnsafeCodes(
                "These codes have characters other than letters, digits, '-' and '_', and would break the "
                f"address of their page: {'; '.join(offending)}. Nothing was changed. Give each a new code "
                "(in the admin, which now refuses these), then migrate again."
            )

    return check
