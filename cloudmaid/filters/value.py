"""The ``value`` filter: compare a resource attribute with a configured value (Cloud
Custodian's semantics, compiled by valuetest.py)."""
import re

from .base import Filter, filters
from .keys import _TAG_TRANSFORMS
from .keys import getter  # noqa: F401 -- resources/related.py imports it from here
from .ops import OPERATORS
from .valuefrom import SCHEMA as VALUE_FROM_SCHEMA
from .valuetest import compile_value
from .valuetypes import VALUE_TYPES

_ANY = {"type": ["string", "number", "boolean", "array", "null", "object"]}
VALUE_SCHEMA = {
    "key": {"type": "string"},
    "value": _ANY,
    "op": {"enum": sorted(OPERATORS)},
    "value_type": {"enum": sorted(VALUE_TYPES)},
    "value_regex": {"type": "string"},
    "value_path": {"type": "string"},
    "value_from": VALUE_FROM_SCHEMA,
    "tag_key_transforms": {"type": "array", "items": {"enum": sorted(_TAG_TRANSFORMS)}},
    # the key's value where the resource lacks it (valuetest.use_default); Custodian's schema
    # takes only a mapping here and its code never reads it
    "default": _ANY,
}


def shorthand(item):
    """``{key: value}`` and ``{"tag:Name": value}`` -> the full value filter form."""
    [(key, value)] = item.items()
    return {"type": "value", "key": key, "value": value}


@filters.register("value")
class ValueFilter(Filter):
    schema = VALUE_SCHEMA
    required = ()

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        d = self.data
        self.key = d.get("key")
        self.value_type = d.get("value_type")
        if self.value_type == "resource_count":
            self.predicate = False
        else:
            self.test = compile_value(d, manager)

    def validate(self):
        from .valuecheck import value_problems   # validation only: off the Lambda's imports
        return value_problems(self.data)

    def process(self, resources, event=None):
        if self.value_type == "resource_count":
            op = OPERATORS[self.data.get("op") or "eq"]
            try:
                return resources if op(len(resources), self.data.get("value")) else []
            except TypeError:
                return []
        return super().process(resources, event)

    def keys(self):
        k = self.key or ""
        if self.value_type == "resource_count":
            return set()
        if k.startswith("tag:"):
            return {"Tags"}
        if self.value_type == "expr" or "value_path" in self.data:
            return None
        head = re.match(r"[A-Za-z0-9_-]+", k)
        return {head.group(0)} if head else None
