"""Semantic checks of value filter data (beyond the JSON schema): ``[(path, message)]``.

Regexes must compile (``value_regex`` with exactly one capture group), list operators need a
list, ``mod``/``age``/``expiration`` a number, ``date`` a date. Unknown ``op``/``value_type``
names are the schema's job.
"""
import re

from .ops import LIST_OPERATORS, REGEX_OPERATORS
from .valuetypes import parse_date


def value_problems(data):
    """Semantic problems of a value filter's data: ``[(path, message)]``."""
    out = []
    op, value, vtype = data.get("op"), data.get("value"), data.get("value_type")
    if op in REGEX_OPERATORS and isinstance(value, str):
        msg = regex_problem(value)
        if msg:
            out.append((("value",), msg))
    elif op in REGEX_OPERATORS and "value" in data:
        out.append((("value",), f"op '{op}' needs a regex string, got {_describe(value)}"))
    regex = data.get("value_regex")
    if isinstance(regex, str):
        msg = regex_problem(regex)
        if msg:
            out.append((("value_regex",), msg))
        elif re.compile(regex).groups != 1:
            out.append((("value_regex",), f"value_regex '{regex}' needs exactly one capture "
                                          f"group, e.g. '(\\d+)'"))
    uses_value = "value_path" not in data and "value_from" not in data
    # a string is kept for in/ni/not-in: Custodian then tests "is a substring of"
    if (uses_value and op in LIST_OPERATORS and vtype not in ("swap", "expr")
            and not isinstance(value, list)
            and not (isinstance(value, str) and op in ("in", "ni", "not-in"))):
        out.append((("value",), f"op '{op}' needs a list value, got {_describe(value)}"))
    if uses_value and op == "mod" and not _number(value):
        out.append((("value",), f"op 'mod' needs a number (a divisor), got {_describe(value)}"))
    if uses_value and vtype in ("age", "expiration") and not _number(value):
        out.append((("value",), f"value_type '{vtype}' needs a number of days, got "
                                f"{_describe(value)}"))
    if uses_value and vtype == "resource_count" and not (_number(value) or isinstance(value, list)):
        out.append((("value",), f"value_type 'resource_count' needs a number, got "
                                f"{_describe(value)}"))
    if vtype == "resource_count" and (op in REGEX_OPERATORS or regex):
        out.append((("op",), "value_type 'resource_count' cannot use a regex"))
    if vtype == "resource_count" and "default" in data:
        out.append((("default",), "value_type 'resource_count' counts resources: it reads no "
                                  "key, so 'default' has nothing to stand in for"))
    if uses_value and vtype == "date" and parse_date(value) is None:
        out.append((("value",), f"value_type 'date' needs a date, got {_describe(value)}"))
    if vtype != "resource_count" and "key" not in data:
        out.append(((), "missing required key 'key'"))
    if "value" not in data and uses_value:
        out.append(((), "missing required key 'value'"))
    return out


def regex_problem(pattern):
    try:
        re.compile(pattern)
    except re.error as e:
        return f"invalid regex '{pattern}': {e}"
    return None


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _describe(v):
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, str):
        return f"string '{v}'"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return f"number {v}"
    return {list: "a list", dict: "a mapping"}.get(type(v), type(v).__name__)
