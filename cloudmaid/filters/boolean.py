"""``or``, ``and``, ``not`` blocks. The engine parses their children. A block of predicates is
one Test (inlined with its neighbours); a block holding batch filters runs its children over
the batch and combines the resources they keep."""
import copy

from .base import Filter, filters, keys_of, now_of
from .predicate import Block, as_test


class BooleanFilter(Filter):
    def __init__(self, data, manager=None, children=()):
        super().__init__(data, manager)
        self.children = list(children)
        self.predicate = all(c.predicate for c in self.children)
        if self.predicate:
            self.test = Block(self.type, [as_test(c) for c in self.children])

    def keys(self):
        return keys_of(self.children)

    def process(self, resources, event=None):
        return self.run(resources, event, now_of(self.manager))


def _ids(resources):
    return {id(r) for r in resources}


def _snapshot(resources):
    """The ``c7n:`` annotations of each resource, to restore those a block's filters added to
    resources the block then did not keep (as Custodian's AnnotationSweeper does)."""
    return [(r, {k: copy.deepcopy(v) for k, v in r.items() if k.startswith("c7n:")})
            for r in resources]


def _restore(snapshot, kept_ids):
    for r, before in snapshot:
        if id(r) in kept_ids:
            continue
        for k in [k for k in r if k.startswith("c7n:")]:
            del r[k]
        r.update(before)


def _all(children, resources, event, now):
    for child in children:
        if not resources:
            break
        resources = child.run(resources, event, now)
    return resources


@filters.register("or")
class Or(BooleanFilter):
    def run(self, resources, event, now):
        if self.predicate:
            return super().run(resources, event, now)
        # each child sees only the resources no earlier child kept
        kept, remaining = set(), list(resources)
        for child in self.children:
            if not remaining:
                break
            matched = _ids(child.run(remaining, event, now))
            kept |= matched
            remaining = [r for r in remaining if id(r) not in matched]
        return [r for r in resources if id(r) in kept]


@filters.register("and")
class And(BooleanFilter):
    def run(self, resources, event, now):
        if self.predicate:
            return super().run(resources, event, now)
        snapshot = _snapshot(resources)
        kept = _all(self.children, resources, event, now)
        _restore(snapshot, _ids(kept))
        return kept


@filters.register("not")
class Not(BooleanFilter):
    def run(self, resources, event, now):
        if self.predicate:
            return super().run(resources, event, now)
        snapshot = _snapshot(resources)
        dropped = _ids(_all(self.children, resources, event, now))
        _restore(snapshot, set())
        return [r for r in resources if id(r) not in dropped]
