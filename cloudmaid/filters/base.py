"""Filter base and the filter registry.

A filter either is a predicate (decides per resource: ``match``; compiled filters also carry a
``test``, see predicate.py) or works on the whole batch (``process``: related lookups, API
calls). The engine (core.py) runs a filter over a batch with ``run(resources, event, now)``,
``now`` being the run's clock.
"""
import datetime

from ..element import Element
from ..registry import Registry

filters = Registry("filters")
BOOLEAN = ("or", "and", "not")


def now_of(manager):
    """The run's clock: the manager's context's ``now``, else the current time."""
    now = getattr(getattr(manager, "ctx", None), "now", None)
    return now if now is not None else datetime.datetime.now(datetime.timezone.utc)


class Filter(Element):
    #: True when the filter decides per resource, without batch work
    predicate = True
    #: the filter compiled as a Test (value filters and blocks of them): lets the engine
    #: inline it into one loop; None for filters that only implement match()
    test = None

    def match(self, resource, event=None):
        if self.test is None:
            raise NotImplementedError
        return self.test.bind(now_of(self.manager), event)(resource)

    def matcher(self, now, event=None):
        """``fn(resource) -> bool`` for one run (its clock and event). Filters whose decision
        depends on the clock override this rather than read the time in match()."""
        if self.test is not None:
            return self.test.bind(now, event)
        match = self.match
        return lambda r: match(r, event)

    def process(self, resources, event=None):
        fn = self.matcher(now_of(self.manager), event)
        return [r for r in resources if fn(r)]

    def run(self, resources, event, now):
        """This filter over a batch in one run: batch filters process(); blocks and filters
        holding filters override it to pass the run's clock on."""
        if self.predicate:
            fn = self.matcher(now, event)
            return [r for r in resources if fn(r)]
        return self.process(resources, event)

    def keys(self):
        """Top-level resource keys this filter reads (None: unknown/all). Lets managers fetch
        only the per-resource details a policy needs (S3)."""
        return set()


def keys_of(filter_list):
    """Union of keys the filters read; None when any filter cannot tell."""
    out = set()
    for f in filter_list:
        k = f.keys()
        if k is None:
            return None
        out |= k
    return out
