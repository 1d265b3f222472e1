"""The ``reduce`` filter (Cloud Custodian's): group, sort and limit the resources.

    - type: reduce
      group-by: "tag:aws:autoscaling:groupName"   # or {key, value_type, value_regex}
      sort-by: LaunchTime                          # or {key, value_type: string|number|date}
      order: asc | desc | reverse | randomize
      null-order: last | first
      limit: 1            # per group; limit-percent, discard, discard-percent likewise

Per group: drop ``discard`` (or ``discard-percent``, whichever is more) from the front, then
keep ``limit`` (or ``limit-percent``, the smaller). Groups come out in group-key order when
``group-by`` or ``order`` is given, else in the order they were first seen. A missing sort
value sorts last (``null-order: first`` to put it first), whatever the order.
"""
import datetime
import random
import re

from .base import Filter, filters
from .keys import getter
from .valuetest import regex_capture
from .valuetypes import UTC, parse_date

ORDERS = ("asc", "desc", "reverse", "randomize")
_SORT_CONFIG = {"oneOf": [
    {"type": "string"},
    {"type": "object", "additionalProperties": False, "required": ["key"], "properties": {
        "key": {"type": "string"}, "value_type": {"enum": ["string", "number", "date"]},
        "value_regex": {"type": "string"}}},
]}
_FIRST = {"number": float("-inf"), "date": datetime.datetime.min.replace(tzinfo=UTC),
          "string": ""}
_LAST = {"number": float("inf"), "date": datetime.datetime.max.replace(tzinfo=UTC),
         "string": "\uffff"}


def sort_config(data):
    """``"Key"`` or ``{key, value_type, value_regex}`` -> the dict form (None when absent)."""
    if data is None:
        return None
    return {"key": data} if isinstance(data, str) else dict(data)


@filters.register("reduce")
class ReduceFilter(Filter):
    predicate = False
    schema = {
        "group-by": _SORT_CONFIG,
        "sort-by": _SORT_CONFIG,
        "order": {"enum": list(ORDERS)},
        "null-order": {"enum": ["first", "last"]},
        "limit": {"type": "number", "minimum": 0},
        "limit-percent": {"type": "number", "minimum": 0, "maximum": 100},
        "discard": {"type": "number", "minimum": 0},
        "discard-percent": {"type": "number", "minimum": 0, "maximum": 100},
    }

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        d = self.data
        self.order = d.get("order", "asc")
        self.group_key = self._sort_fn(sort_config(d.get("group-by")))
        self.sort_key = self._sort_fn(sort_config(d.get("sort-by")))

    def _sort_fn(self, config):
        """``fn(resource) -> sortable value`` of a group-by/sort-by config."""
        config = config or {}
        vtype = config.get("value_type", "string")
        # a missing value goes where null-order says; 'desc' sorts reversed, so flip it
        first = (self.data.get("null-order", "last") == "last") == (self.order == "desc")
        null = (_FIRST if first else _LAST).get(vtype, _FIRST["string"] if first else _LAST["string"])
        key = config.get("key")
        if not key:
            return lambda r: null
        get = getter(key)
        if config.get("value_regex"):
            capture, plain = regex_capture(config["value_regex"]), get
            get = lambda r: capture(plain(r))  # noqa: E731
        convert = {"number": float, "date": parse_date}.get(vtype, str)

        def value(r):
            v = get(r)
            if v is not None:
                try:
                    v = convert(v)
                except (AttributeError, ValueError, TypeError):
                    v = None
            return null if v is None else v
        return value

    def validate(self):
        from .valuecheck import regex_problem   # validation only: off the Lambda's imports
        out = []
        for name in ("group-by", "sort-by"):
            config = sort_config(self.data.get(name))
            regex = config.get("value_regex") if isinstance(config, dict) else None
            if isinstance(regex, str):
                msg = regex_problem(regex)
                if msg is None and re.compile(regex).groups != 1:
                    msg = f"value_regex '{regex}' needs exactly one capture group"
                if msg:
                    out.append(((name, "value_regex"), msg))
        return out

    def keys(self):
        heads = set()
        for name in ("group-by", "sort-by"):
            config = sort_config(self.data.get(name))
            key = config.get("key") if config else None
            if not isinstance(key, str):
                continue
            if key.startswith("tag:"):
                heads.add("Tags")
            else:
                head = key.split(".", 1)[0].split("[", 1)[0]
                if not head.replace("_", "").replace("-", "").isalnum():
                    return None
                heads.add(head)
        return heads

    def reorder(self, items, key):
        if self.order == "randomize":
            return random.sample(items, k=len(items))
        if self.order == "reverse":
            return items[::-1]
        return sorted(items, key=key, reverse=self.order == "desc")

    def process(self, resources, event=None):
        d = self.data
        groups = {}   # str(group value) -> [group value, resources], in first-seen order
        group_key = self.group_key
        for r in resources:
            g = group_key(r)
            entry = groups.get(str(g))
            if entry is None:
                groups[str(g)] = entry = [g, []]
            entry[1].append(r)
        if "sort-by" in d or "order" in d:
            for entry in groups.values():
                entry[1] = self.reorder(entry[1], self.sort_key)
        ordered = list(groups.values())
        if "group-by" in d or "order" in d:
            ordered = self.reorder(ordered, lambda e: e[0])
        limit, pct = d.get("limit", 0), d.get("limit-percent", 0)
        drop, drop_pct = d.get("discard", 0), d.get("discard-percent", 0)
        out = []
        for _, members in ordered:
            n_drop = max(drop, int(drop_pct / 100 * len(members)) if drop_pct > 0 else 0)
            if n_drop > 0:
                members = members[int(n_drop):]
            count = int(pct / 100 * len(members)) if pct > 0 else len(members)
            if 0 < limit < count:
                count = int(limit)
            out.extend(members[:count])
        return [r for r in out if r]
