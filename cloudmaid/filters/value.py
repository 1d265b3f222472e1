"""The ``value`` filter: compare a resource attribute with a configured value.

Compiled once per policy into a closure: key lookup (plain key, ``tag:Name``, dotted path or
full JMESPath), optional ``value_regex`` capture, ``value_type`` conversion, then the operator.
Semantics are Cloud Custodian's (sentinels absent/present/empty/not-null, ``in`` against a
missing value is false, type errors compare false).
"""
import re

import jmespath

from .core import Filter, filters
from .ops import OPERATORS
from .valuetypes import VALUE_TYPES

SENTINELS = ("absent", "present", "empty", "not-null")
_SIMPLE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def shorthand(item):
    """``{key: value}`` and ``{"tag:Name": value}`` -> the full value filter form."""
    [(key, value)] = item.items()
    return {"type": "value", "key": key, "value": value}


def getter(key):
    """Compile a value filter key into ``fn(resource) -> value``."""
    if key.startswith("tag:"):
        tag = key[4:]

        def get_tag(r):
            for t in r.get("Tags") or ():
                if t.get("Key") == tag:
                    return t.get("Value")
            return None
        return get_tag
    if _SIMPLE_PATH.match(key):
        parts = key.split(".")
        if len(parts) == 1:
            return lambda r: r.get(key)

        def get_path(r):
            if key in r:
                return r[key]
            v = r
            for p in parts:
                if not isinstance(v, dict):
                    return None
                v = v.get(p)
            return v
        return get_path
    expr = jmespath.compile(key)
    return lambda r: r[key] if key in r else expr.search(r)


def regex_capture(pattern):
    rx = re.compile(pattern)

    def capture(value):
        if not isinstance(value, str):
            return None
        m = rx.match(value)
        return m.group(1) if m and m.groups() else None
    return capture


def compile_match(key, value, op=None, value_type=None, value_regex=None, default=None):
    """Return ``fn(resource) -> bool`` for one value filter."""
    get = getter(key)
    if value_regex:
        capture = regex_capture(value_regex)
        base_get = get
        get = lambda r: capture(base_get(r))  # noqa: E731
    if default is not None:
        inner = get
        get = lambda r: (lambda v: default if v is None else v)(inner(r))  # noqa: E731
    opfn = OPERATORS[op] if op else None
    convert = VALUE_TYPES.get(value_type) if value_type else None
    none_is_empty = op in ("in", "ni", "not-in")

    if value in SENTINELS and convert is None:
        return _sentinel(get, value, opfn)

    if convert is None and opfn is None:
        return lambda r: get(r) == value

    if convert is None:
        def match(r):
            v = get(r)
            if v is None and none_is_empty:
                v = ()
            try:
                return bool(opfn(v, value))
            except TypeError:
                return False
        return match

    def match_converted(r):
        v = get(r)
        if v is None and none_is_empty:
            v = ()
        resource_side, configured = convert(value, v)
        if configured in SENTINELS if isinstance(configured, str) else False:
            return _sentinel_test(resource_side, configured)
        if opfn is None:
            return resource_side == configured
        try:
            return bool(opfn(resource_side, configured))
        except TypeError:
            return False
    return match_converted


def _sentinel_test(v, sentinel):
    if sentinel == "absent":
        return v is None
    if sentinel == "present":
        return v is not None
    if sentinel == "not-null":
        return bool(v)
    return not v  # empty


def _sentinel(get, sentinel, opfn):
    # Custodian checks the sentinel first and only then falls back to the operator
    if opfn is None:
        return lambda r: _sentinel_test(get(r), sentinel)

    def match(r):
        v = get(r)
        if _sentinel_test(v, sentinel):
            return True
        try:
            return bool(opfn(v, sentinel))
        except TypeError:
            return False
    return match


@filters.register("value")
class ValueFilter(Filter):
    schema = {
        "key": {"type": "string"},
        "value": {"type": ["string", "number", "boolean", "array", "null", "object"]},
        "op": {"enum": sorted(OPERATORS)},
        "value_type": {"enum": sorted(VALUE_TYPES)},
        "value_regex": {"type": "string"},
        "value_from": {"type": "object"},
        "default": {},
    }
    required = ("key",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        d = self.data
        self.key = d.get("key")
        self.value_type = d.get("value_type")
        if self.value_type == "resource_count":
            self.predicate = False
        else:
            fn = compile_match(self.key, d.get("value"), d.get("op"), self.value_type,
                               d.get("value_regex"), d.get("default"))
            self.match = lambda r, event=None: fn(r)

    def process(self, resources, event=None):
        if self.value_type == "resource_count":
            op = OPERATORS[self.data.get("op", "eq")]
            return resources if op(len(resources), self.data.get("value")) else []
        return super().process(resources, event)

    def keys(self):
        k = self.key or ""
        if k.startswith("tag:"):
            return {"Tags"}
        head = re.match(r"[A-Za-z0-9_-]+", k)
        return {head.group(0)} if head else None
