"""Query strings of list pages, kept short enough to share."""

from django.http import QueryDict


def without_empty(query: QueryDict) -> QueryDict:
    """The parameters of `query` that have a value, in their order: a filter form sends
    every field, and a blank one filters nothing."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if filled := [value for value in values if value.strip()]:
            kept.setlist(name, filled)
    return kept
