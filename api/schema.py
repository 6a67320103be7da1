"""The OpenAPI document says every answer the API can give, refusals included.

drf-spectacular describes each view's own answers; the refusals every endpoint shares (no
token, too many requests, no such id, a filter it cannot read) are added here, once, so a
client generated from the document handles them and Schemathesis can hold BaliTrack to them.
"""

from typing import Any

REFUSAL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "Why the request was refused, in a sentence.",
}
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "description": "For each parameter or field that could not be read, what was wrong with it.",
}


PARAMETER_REFUSED = {
    "description": "A parameter could not be read: each named one says why (or `detail`, for the whole address).",
    "content": {
        "application/json": {
            "schema": {
                "anyOf": [{"$ref": "#/components/schemas/FieldErrors"}, {"$ref": "#/components/schemas/Refusal"}]
            }
        }
    },
}


def _answer(description: str, component: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def describe_refusals(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular's POSTPROCESSING_HOOKS entry."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(Refusal=REFUSAL, FieldErrors=FIELD_ERRORS)
    for path, operations in result["paths"].items():
        for operation in operations.values():
            responses = operation["responses"]
            responses.setdefault("401", _answer("No token, or one that is unknown or revoked.", "Refusal"))
            responses.setdefault("429", _answer("Too many requests with this token: see `Retry-After`.", "Refusal"))
            if "{id}" in path:
                responses.setdefault("404", _answer("No record has that id.", "Refusal"))
            query = [parameter for parameter in operation.get("parameters", []) if parameter["in"] == "query"]
            if query:
                responses.setdefault("400", PARAMETER_REFUSED)
            for parameter in query:
                # As in the register's own links, a parameter sent empty is one not given.
                parameter["allowEmptyValue"] = True
    return result
