"""Every list of the API is paged by a cursor: the next page starts after the last id seen."""

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request


class CursorPage(CursorPagination):
    """Pages in id order, so a page costs the same at the start of 100,000 actions as at
    the end (no OFFSET, no count of every match), and a record added meanwhile neither
    repeats a row nor skips one. `next` is the address of the page after, null at the end.

    A `page_size` or `cursor` the API cannot read answers 400 naming it, rather than a page
    of another size than asked, or a 404 as if the list were missing."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        given = request.query_params.get(self.page_size_query_param, "")
        if given == "":
            return self.page_size
        if not given.isdigit() or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return int(given)

    def decode_cursor(self, request: Request) -> Cursor | None:
        if request.query_params.get(self.cursor_query_param) == "":
            return None
        try:
            cursor = super().decode_cursor(request)
        except Exception as error:  # DRF's NotFound, for any cursor it cannot decode
            raise self._unreadable_cursor() from error
        # The position is the ordering field's value on the last row of the page before;
        # anything else would reach the database as a comparison it cannot make.
        if cursor is not None and cursor.position is not None and not self.is_position(cursor.position):
            raise self._unreadable_cursor()
        return cursor

    def is_position(self, position: str) -> bool:
        return position.isdigit()

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
        return parameters

    def _unreadable_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: ["Not a cursor this API gave: follow `next` as it is."]})
