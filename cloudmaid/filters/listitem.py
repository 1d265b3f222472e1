"""The ``list-item`` filter (Cloud Custodian's): filters applied to each item of a list.

    - type: list-item
      key: IpPermissions            # JMESPath to a list of mappings
      attrs:                        # value filters, or/and/not blocks, reduce
        - {type: value, key: FromPort, value: 22}
        - IpRanges[].CidrIp: ...
      count: 0                      # optional: compare the number of matching items
      count_op: eq

Without ``count`` a resource matches when at least one item matches; the matched items are
recorded on the resource as ``"c7n:ListItemMatches": ["IpPermissions[0]", ...]`` (Custodian's
annotation, so reports read the same). With ``count`` the resource matches when
``count_op(matching items, count)`` holds (an empty or missing list counts 0).
"""
from ..errors import PolicyError
from .base import Filter, filters, now_of
from .core import apply, parse
from .keys import compile_path
from .ops import OPERATORS

ANNOTATION = "c7n:ListItemMatches"
#: what may appear in attrs (Custodian: value, or/and/not, reduce; nesting list-item is ours)
ALLOWED = {"value", "or", "and", "not", "reduce", "list-item"}


def _walk(filter_list):
    for f in filter_list:
        yield f
        yield from _walk(getattr(f, "children", ()))


@filters.register("list-item")
class ListItemFilter(Filter):
    predicate = False
    schema = {
        "key": {"type": "string"},
        "attrs": {"type": "array"},
        "count": {"type": "number"},
        "count_op": {"enum": sorted(OPERATORS)},
    }
    required = ("key",)

    def __init__(self, data, manager=None, path=()):
        super().__init__(data, manager)
        d = self.data
        self.key = d.get("key")
        self.search = compile_path(self.key) if isinstance(self.key, str) else (lambda r: None)
        attrs = d.get("attrs") or []
        # items are not resources of the policy's type: only the generic filters apply
        self.children = parse(attrs, None, tuple(path) + ("attrs",))
        for f in _walk(self.children):
            if f.type not in ALLOWED:
                raise PolicyError(f"filter '{f.type}' cannot be used in list-item attrs "
                                  f"(only {', '.join(sorted(ALLOWED))})", ("attrs",))
        self.count_op = OPERATORS[d.get("count_op") or "eq"]

    def validate(self):
        out = []
        for i, f in enumerate(self.children):
            for where, msg in f.validate() or ():
                where = (where,) if isinstance(where, (str, int)) else tuple(where or ())
                out.append((("attrs", i) + where, msg))
        return out

    def keys(self):
        head = (self.key or "").split(".", 1)[0].split("[", 1)[0]
        return {head} if head.replace("_", "").replace("-", "").isalnum() else None

    def _count_ok(self, n):
        if "count" not in self.data:
            return False
        try:
            return bool(self.count_op(n, self.data["count"]))
        except TypeError:
            return False

    def process(self, resources, event=None):
        return self.run(resources, event, now_of(self.manager))

    def run(self, resources, event, now):
        out = []
        has_count = "count" in self.data
        for r in resources:
            items = self.search(r)
            if not items:
                if self._count_ok(0):
                    out.append(r)
                continue
            if not isinstance(items, list):
                raise PolicyError(f"list-item: '{self.key}' is a {type(items).__name__}, "
                                  f"not a list")
            # only mappings can be filtered; anything else never matches
            candidates = [x for x in items if isinstance(x, dict)]
            matched = {id(x) for x in apply(self.children, candidates, event, now=now)} \
                if candidates else set()
            if has_count:
                if self._count_ok(len(matched)):
                    out.append(r)
            elif matched:
                r.setdefault(ANNOTATION, []).extend(
                    f"{self.key}[{i}]" for i, x in enumerate(items) if id(x) in matched)
                out.append(r)
        return out
