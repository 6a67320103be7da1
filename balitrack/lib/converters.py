"""The `<code:...>` path converter: exactly the alphabet of balitrack.lib.codes."""

from django.urls import register_converter

from balitrack.lib.codes import CODE_PATTERN


class CodeConverter:
    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered once, when the first urls.py that uses it imports this module.
register_converter(CodeConverter, "code")
