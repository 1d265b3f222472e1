"""The filter engine: policy data -> filters (``parse``), filters over resources (``apply``),
and Custodian's ``c7n:MatchedFilters`` annotation (``annotate_matched``).

A run of consecutive predicate filters is one stage: one Test (see predicate.py), so that the
engine walks the resources once for the whole run. Each batch filter is a stage of its own.
"""
from .. import plugins
from ..errors import PolicyError
from . import boolean  # noqa: F401 -- registers or/and/not
from .base import BOOLEAN, Filter, filters, keys_of, now_of  # noqa: F401 -- the public names
from .predicate import Block, Pass, as_test
from .value import shorthand


class FilterList(list):
    """The parsed filters of a policy; keeps their stages, so that each compiles once."""

    def __init__(self, items=()):
        super().__init__(items)
        self._stages = {}

    def stages(self, lazy=frozenset()):
        key = (tuple(self), lazy)
        if key not in self._stages:
            self._stages[key] = stages(self, lazy)
        return self._stages[key]


def parse(data, manager, path=("filters",)):
    """Policy filter list -> FilterList of Filter objects. Raises PolicyError with a key path."""
    return FilterList(parse_one(item, manager, path + (i,)) for i, item in enumerate(data or ()))


def parse_one(item, manager, path):
    rtype = manager.type if manager else "*"
    if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in BOOLEAN:
        name = next(iter(item))
        return filters.get(name)(item, manager, children=parse(item[name], manager, path + (name,)))
    if isinstance(item, dict) and "type" not in item:
        return filters.get("value")(shorthand(item), manager)
    name = item.get("type") if isinstance(item, dict) else item
    cls = filters.get(name, rtype)
    if cls is None and isinstance(name, str):
        plugins.load_names({name})   # an optional module not loaded yet (plugins.OPTIONAL)
        cls = filters.get(name, rtype)
    if cls is None:
        raise PolicyError(f"unknown filter '{name}'", path)
    return cls(item, manager)


class Stage:
    """A run of predicates (one Pass) or one batch filter, with the keys its filters read."""

    def __init__(self, filter_list, predicate):
        self.filters = list(filter_list)
        self.keys = keys_of(self.filters)
        if predicate:
            tests = [as_test(f) for f in self.filters]
            self.run = Pass(tests[0] if len(tests) == 1 else Block("and", tests))
        else:
            self.run = self.filters[0].run


def stages(filter_list, lazy=frozenset()):
    """``[Stage]``. A run of predicates is cut before one that reads a key in ``lazy`` (a
    detail the manager fetches per resource) or cannot tell its keys, so that the details are
    fetched only for the resources still alive."""
    out, preds = [], []
    for f in filter_list:
        if f.predicate:
            if lazy and preds:
                k = f.keys()
                if k is None or k & lazy:
                    out.append(Stage(preds, True))
                    preds = []
            preds.append(f)
        else:
            if preds:
                out.append(Stage(preds, True))
                preds = []
            out.append(Stage([f], False))
    if preds:
        out.append(Stage(preds, True))
    return out


def apply(filter_list, resources, event=None, manager=None, now=None):
    """Run the filters in order over ``resources``; returns those kept.

    ``manager``: the policy's resource manager; before each stage its ``ensure_details(
    resources, keys)`` fetches the per-resource details the stage reads (``lazy_keys``), for
    the resources still alive. ``now``: the run's clock (``age`` thresholds, marks); by
    default the manager's ``ctx.now``, else the current time."""
    now = now if now is not None else now_of(manager)
    details = getattr(manager, "ensure_details", None)
    lazy = getattr(manager, "lazy_keys", frozenset())
    plan = (filter_list.stages(lazy) if isinstance(filter_list, FilterList)
            else stages(filter_list, lazy))
    for stage in plan:
        if not resources:
            break
        if details is not None and (stage.keys is None or stage.keys):
            details(resources, stage.keys)
        resources = stage.run(resources, event, now)
    return resources


#: Custodian's annotation: the keys of the value filters a resource matched
MATCHED_FILTERS = "c7n:MatchedFilters"


def annotate_matched(filter_list, resources, event=None, now=None):
    """Record on each matched resource the keys of the value filters it matched, as Custodian
    writes ``c7n:MatchedFilters`` into resources.json: every top-level and ``and`` value
    filter, the ``or`` children that matched, nothing from ``not`` blocks. Runs over the
    matched resources only, after filtering, so the filter pass stays fast."""
    now = now if now is not None else now_of(filter_list[0].manager if filter_list else None)
    for r in resources:
        keys = []
        for f in filter_list:
            _collect(f, r, keys, event, now, True)
        if keys:
            existing = r.get(MATCHED_FILTERS)
            if isinstance(existing, list):
                existing.extend(keys)
            elif existing is None:
                r[MATCHED_FILTERS] = keys
    return resources


def _collect(f, r, keys, event, now, known):
    """``known``: the enclosing block already established that ``f`` matched ``r``."""
    if f.type == "value" and getattr(f, "value_type", None) != "resource_count":
        if known or f.run([r], event, now):
            keys.append(f.key)
    elif f.type == "and":
        if known or f.run([r], event, now):
            for c in f.children:
                _collect(c, r, keys, event, now, True)
    elif f.type == "or":
        for c in f.children:
            _collect(c, r, keys, event, now, False)
