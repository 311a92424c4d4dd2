"""The filter contract in the OpenAPI schema.

drf-spectacular reads the choices (enums) of DepartureFilterSet itself; what it
cannot read from the filters (repeatable slugs, partial dates, limits) is said
here, from the filters' own labels, so the two cannot name different things.
"""

import re

from django.conf import settings
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from departures.filters import (
    DepartureFilterSet,
    PageFilter,
    PartialDateFilter,
    SlugListFilter,
)

DATE_PATTERN = r"^\s*[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\s*$"

HELP = {
    "q": "Text searched in the person, organization, title, stated reason and context.",
    "organization": "Slug of the organization left; repeat for several (OR). An "
    "unknown slug matches nothing.",
    "destination": "Slug of the organization gone to; repeat for several (OR).",
    "tag": "Slug of a theme; repeat for several (OR).",
    "from": "Announced on or after: YYYY, YYYY-MM or YYYY-MM-DD. A partial date "
    "counts when its period overlaps.",
    "to": "Announced on or before: YYYY, YYYY-MM or YYYY-MM-DD.",
    "page": "Page of 50, from 1. A page past the last is a 400.",
}


def filter_parameters() -> list[OpenApiParameter]:
    """Parameters whose schema the django-filter extension cannot infer."""
    parameters = []
    for name, filter_ in DepartureFilterSet.base_filters.items():
        help_text = f"{filter_.label}. {HELP.get(name, '')}".strip()
        if isinstance(filter_, SlugListFilter):
            schema = {"type": "array", "items": {"type": "string", "maxLength": 200}}
            parameters.append(
                OpenApiParameter(
                    name, schema, description=help_text, explode=True, style="form"
                )
            )
        elif name in ("from", "to"):
            schema = {"type": "string", "pattern": DATE_PATTERN}
            parameters.append(OpenApiParameter(name, schema, description=help_text))
        elif isinstance(filter_, PageFilter):
            schema = {"type": "integer", "minimum": 1, "maximum": 10**9}
            parameters.append(OpenApiParameter(name, schema, description=help_text))
        elif name == "q":
            schema = {"type": "string", "maxLength": 200}
            parameters.append(OpenApiParameter(name, schema, description=help_text))
    return parameters


# Tell the django-filter extension these filters' types (it cannot guess them
# from methods); filter_parameters() then describes them in full.
for _filter, _type in (
    (SlugListFilter, OpenApiTypes.STR),
    (PartialDateFilter, OpenApiTypes.STR),
    (PageFilter, OpenApiTypes.INT),
):
    set_override(_filter, "field", _type)


# No C0/C1 control character anywhere in a value (config/security.py).
NO_CONTROL_CHARACTERS = r"^[^\u0000-\u001f\u007f-\u009f]*$"


def document_request_limits(result, generator, request, public):
    """Postprocessing hook: every query parameter of every path carries the
    limits the request middleware enforces on all URLs, so a client that keeps
    to the schema is never refused by them."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _limit(parameter.get("schema", {}))
                    _allow_empty(parameter)
                elif parameter.get("in") == "path":
                    _limit(parameter.get("schema", {}))
            operation.setdefault("responses", {}).setdefault("400", BAD_REQUEST)
    return result


BAD_REQUEST = {
    "description": "A malformed request: a control character, an over-long "
    "value or too many values, in the path or any parameter. The body names "
    "each parameter at fault (`__all__` for the address itself).",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["errors"],
                "properties": {
                    "errors": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "array",
                            "items": {"type": "string"},
                        },
                    }
                },
            }
        }
    },
}


def _allow_empty(parameter: dict) -> None:
    """A single-valued parameter left empty means "not given", as a form
    submits it (`?sort=&to=`); the schema says so. Repeatable ones do not."""
    schema = parameter.get("schema", {})
    if schema.get("type") == "string" and "enum" in schema:
        if "" not in schema["enum"]:
            schema["enum"] = [*schema["enum"], ""]
    elif schema.get("type") == "string" and "pattern" in schema:
        if not re.fullmatch(schema["pattern"], ""):
            schema["pattern"] = f"^$|{schema['pattern']}"
    elif schema.get("type") == "integer":
        parameter["schema"] = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def _limit(schema: dict) -> None:
    if schema.get("type") == "array":
        schema.setdefault("maxItems", settings.QUERY_MAX_VALUES)
        _limit(schema.setdefault("items", {}))
    elif schema.get("type") == "string" and "enum" not in schema:
        schema.setdefault("maxLength", settings.QUERY_MAX_VALUE_LENGTH)
        schema.setdefault("pattern", NO_CONTROL_CHARACTERS)
