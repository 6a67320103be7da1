"""Every list of the API is paged by a cursor: the next page starts after the last id seen."""

from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    """Pages in id order, so a page costs the same at the start of 100,000 actions as at
    the end (no OFFSET, no count of every match), and a record added meanwhile neither
    repeats a row nor skips one. `next` is the address of the page after, null at the end."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
