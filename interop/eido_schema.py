"""The official EIDO schema (interop/schema/openapi.yaml, unchanged) as a JSON Schema validator.

The OpenAPI document is not a JSON Schema as it stands, and has quirks a validator must read
the way NENA meant them rather than the way they are written; this module is the adapter, so
that the file stays NENA's own:

- numbers written as strings: ``minItems: '1'`` and even ``minItems: 1,`` become integers;
- the EIDO type is ``#/components/schemas/EmergencyIncidentDataObjectType``: the validator's
  root schema refers to it and carries the document's ``components`` so that every ``$ref``
  resolves inside the file;
- formats are checked: ``date-time`` (RFC 3339, with a time zone), ``uri`` (a scheme and a
  rest); jsonschema's own checkers for them need optional packages and are replaced here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft4Validator, FormatChecker

SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "openapi.yaml"
EIDO_TYPE = "EmergencyIncidentDataObjectType"
NUMERIC_KEYWORDS = ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _numbers(node: Any) -> Any:
    """A copy of ``node`` with the numeric keywords written as strings read as numbers."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in NUMERIC_KEYWORDS and isinstance(value, str):
                out[key] = int(value.strip().rstrip(",").strip())
            else:
                out[key] = _numbers(value)
        return out
    if isinstance(node, list):
        return [_numbers(item) for item in node]
    return node


def rfc3339(value: object) -> bool:
    """An RFC 3339 date-time with its time zone (what every EIDO timestamp is)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path)


def format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(rfc3339)
    checker.checks("uri")(uri)
    return checker


@cache
def eido_validator() -> Draft4Validator:
    """The validator of an EIDO, built once per process."""
    document = yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
    components = _numbers(document["components"])
    root = {"$ref": f"#/components/schemas/{EIDO_TYPE}", "components": components}
    Draft4Validator.check_schema(root)
    return Draft4Validator(root, format_checker=format_checker())


def json_path(path: Any) -> str:
    """jsonschema's absolute path as a JSON path: $.callComponent[0].direction."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def eido_problems(document: object) -> Iterator[tuple[str, str]]:
    """Each (JSON path, problem) where ``document`` is not a valid EIDO, in document order."""
    errors = sorted(eido_validator().iter_errors(document), key=lambda e: list(map(str, e.path)))
    for error in errors:
        yield json_path(error.absolute_path), error.message
