"""Filter base, the filter registry and the parser from policy data to compiled filters.

A filter either is a predicate (``match(resource) -> bool``, compiled once per policy) or
works on the whole batch (``process(resources, event)``: related lookups, API calls). Runs of
predicate filters are fused into one function so that the engine walks resources once.
"""
from ..element import Element
from ..errors import PolicyError
from ..registry import Registry

filters = Registry("filters")
BOOLEAN = ("or", "and", "not")


class _Run:
    """A counter bumped by each apply(): compiled filters that depend on the clock (``age``
    thresholds) recompute once per run instead of once per resource or once per process."""
    number = 0


RUN = _Run()


class Filter(Element):
    #: True when match() decides alone, without batch work
    predicate = True
    #: optional ``fn(resource) -> bool`` equal to match() when the event is not read; lets
    #: runs of such filters fuse into one flat function (see fast.py)
    test = None
    #: optional inlinable source of ``test`` (see fast.py)
    src = None

    def match(self, resource, event=None):
        raise NotImplementedError

    def process(self, resources, event=None):
        match = self.match
        return [r for r in resources if match(r, event)]

    def keys(self):
        """Top-level resource keys this filter reads (None: unknown/all). Lets managers fetch
        only the per-resource details a policy needs (S3)."""
        return set()


def parse(data, manager, path=("filters",)):
    """Policy filter list -> list of Filter objects. Raises PolicyError with a key path."""
    return [parse_one(item, manager, path + (i,)) for i, item in enumerate(data or ())]


def parse_one(item, manager, path):
    # the other generic filters register through cloudmaid.plugins, only when a policy names them
    from . import boolean, value  # noqa: F401 -- registers them
    rtype = manager.type if manager else "*"
    if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in BOOLEAN:
        name = next(iter(item))
        return filters.get(name)(item, manager, path=path)
    if isinstance(item, dict) and "type" not in item:
        return filters.get("value")(value.shorthand(item), manager)
    name = item.get("type") if isinstance(item, dict) else item
    cls = filters.get(name, rtype)
    if cls is None and isinstance(name, str):
        from .. import plugins   # an optional module not loaded yet (plugins.OPTIONAL)
        plugins.load_names({name})
        cls = filters.get(name, rtype)
    if cls is None:
        raise PolicyError(f"unknown filter '{name}'", path)
    f = cls(item, manager)
    return f


def apply(filter_list, resources, event=None, details=None):
    """Run filters in order; consecutive predicates are fused into one pass. ``details(
    resources, keys)`` (the manager's ensure_details) runs before each stage with the keys
    its filters read, so per-resource details are fetched only for resources still alive."""
    RUN.number += 1
    # a fused run is split before a predicate reading a detail key the manager fetches lazily
    lazy = getattr(getattr(details, "__self__", None), "lazy_keys", frozenset())
    for stage, group in staged(filter_list, lazy):
        if not resources:
            break
        if details is not None:
            keys = keys_of(group)
            if keys is None or keys:
                details(resources, keys)
        resources = stage(resources, event)
    return resources


def fuse(filter_list):
    return [stage for stage, _ in staged(filter_list)]


def staged(filter_list, lazy=frozenset()):
    """``[(stage, filters)]``: each stage function with the filters it runs. A run of
    predicates is cut before one that reads a key in ``lazy`` (or cannot tell its keys)."""
    stages, preds = [], []

    def flush():
        if preds:
            if all(getattr(p, "src", None) is not None for p in preds):
                from .fast import build_pass, combine
                run_pass = build_pass(combine([p.src for p in preds], "and"))
                stage = (lambda resources, event: run_pass(resources))
            elif all(p.test is not None for p in preds):
                stage = _pass1(all_of1([p.test for p in preds]))
            else:
                stage = _pass(all_of([p.match for p in preds]))
            stages.append((stage, list(preds)))
            preds.clear()

    for f in filter_list:
        if f.predicate:
            if lazy and preds:
                k = f.keys()
                if k is None or k & lazy:
                    flush()
            preds.append(f)
        else:
            flush()
            stages.append((f.process, [f]))
    flush()
    return stages


def _pass(fn):
    return lambda resources, event: [r for r in resources if fn(r, event)]


def _pass1(fn):
    return lambda resources, event: list(filter(fn, resources))


def all_of(fns):
    """``fn(r, e)``: all of ``fns(r, e)``."""
    from .fast import join2
    return join2(list(fns), "and")


def any_of(fns):
    from .fast import join2
    return join2(list(fns), "or")


def all_of1(fns):
    """``fn(r)``: all of the one-argument ``fns``."""
    from .fast import join
    return join(list(fns), "and")


def any_of1(fns):
    from .fast import join
    return join(list(fns), "or")


def keys_of(filter_list):
    """Union of keys the filters read; None when any filter cannot tell."""
    out = set()
    for f in filter_list:
        k = f.keys()
        if k is None:
            return None
        out |= k
    return out


#: Custodian's annotation: the keys of the value filters a resource matched
MATCHED_FILTERS = "c7n:MatchedFilters"


def annotate_matched(filter_list, resources, event=None):
    """Record on each matched resource the keys of the value filters it matched, as Custodian
    writes ``c7n:MatchedFilters`` into resources.json: every top-level and ``and`` value
    filter, the ``or`` children that matched, nothing from ``not`` blocks. Runs over the
    matched resources only, after filtering, so the filter pass stays fast."""
    for r in resources:
        keys = []
        for f in filter_list:
            _collect(f, r, keys, event, True)
        if keys:
            existing = r.get(MATCHED_FILTERS)
            if isinstance(existing, list):
                existing.extend(keys)
            elif existing is None:
                r[MATCHED_FILTERS] = keys
    return resources


def _matches(f, r, event):
    if f.predicate:
        return bool(f.match(r, event))
    return bool(f.process([r], event))


def _collect(f, r, keys, event, known):
    """``known``: the enclosing block already established that ``f`` matched ``r``."""
    if f.type == "value" and getattr(f, "value_type", None) != "resource_count":
        if known or _matches(f, r, event):
            keys.append(f.key)
    elif f.type == "and":
        if known or _matches(f, r, event):
            for c in f.children:
                _collect(c, r, keys, event, True)
    elif f.type == "or":
        for c in f.children:
            _collect(c, r, keys, event, False)
