"""``or``, ``and``, ``not`` blocks. All-predicate blocks compile into one function; blocks
holding batch filters fall back to set operations over the resources they keep."""
import copy

from .core import Filter, all_of, all_of1, any_of, any_of1, filters, keys_of, parse


class BooleanFilter(Filter):
    def __init__(self, data, manager, path=()):
        super().__init__(data, manager)
        name = next(iter(data))
        self.children = parse(data[name], manager, tuple(path) + (name,))
        self.predicate = all(c.predicate for c in self.children)
        if self.predicate:
            if all(c.src is not None for c in self.children):
                from .fast import build_src, combine
                self.src = combine([c.src for c in self.children], name)
                test = self.test = build_src(*self.src, name + "_block")
                self.match = lambda r, event=None: test(r)
            elif all(c.test is not None for c in self.children):
                test = self.test = self.compile1([c.test for c in self.children])
                self.match = lambda r, event=None: test(r)
            else:
                self.match = self.compile([c.match for c in self.children])

    def keys(self):
        return keys_of(self.children)

    def _ids(self, resources):
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


@filters.register("or")
class Or(BooleanFilter):
    compile = staticmethod(any_of)
    compile1 = staticmethod(any_of1)

    def process(self, resources, event=None):
        if self.predicate:
            return super().process(resources, event)
        kept, remaining = set(), list(resources)
        for child in self.children:
            if not remaining:
                break
            matched = self._ids(child.process(remaining, event))
            kept |= matched
            remaining = [r for r in remaining if id(r) not in matched]
        return [r for r in resources if id(r) in kept]


@filters.register("and")
class And(BooleanFilter):
    compile = staticmethod(all_of)
    compile1 = staticmethod(all_of1)

    def process(self, resources, event=None):
        if self.predicate:
            return super().process(resources, event)
        from .core import apply
        snapshot = _snapshot(resources)
        kept = apply(self.children, resources, event)
        _restore(snapshot, self._ids(kept))
        return kept


@filters.register("not")
class Not(BooleanFilter):
    @staticmethod
    def compile(fns):
        inner = all_of(fns)
        return lambda r, e=None: not inner(r, e)

    @staticmethod
    def compile1(fns):
        inner = all_of1(fns)
        return lambda r: not inner(r)

    def process(self, resources, event=None):
        if self.predicate:
            return super().process(resources, event)
        from .core import apply
        snapshot = _snapshot(resources)
        dropped = self._ids(apply(self.children, resources, event))
        _restore(snapshot, set())
        return [r for r in resources if id(r) not in dropped]
