"""EventBridge's rules-per-bus quota, checked before a deploy writes anything.

One rule per policy on a bus that allows 300 (the default quota) fails half way through a large
deploy when AWS starts refusing PutRule. The plan knows better: it counts the rules each bus
holds now plus the rules this deploy would add, and stops with the count before any write.
"""
from collections import Counter

from botocore.exceptions import BotoCoreError, ClientError

from .eventbridge import Rule
from .sharing import AbsentRule

#: EventBridge's default "Rules per event bus" quota (used when Service Quotas cannot be read)
DEFAULT_RULES_PER_BUS = 300
QUOTA_NAME = "Rules per event bus"


def rules_per_bus(view):
    """The account's applied quota from Service Quotas (found by name), else the default."""
    def read():
        try:
            sq = view.client("service-quotas")
            for page in sq.get_paginator("list_service_quotas").paginate(ServiceCode="events"):
                for q in page.get("Quotas") or ():
                    if q.get("QuotaName") == QUOTA_NAME and q.get("Value"):
                        return int(q["Value"])
        except (ClientError, BotoCoreError, NotImplementedError):
            pass   # no permission, Service Quotas unavailable here (or in moto): AWS's default
        return DEFAULT_RULES_PER_BUS
    return view._listed("rules-per-bus", read)


def rule_problem(units, view, limit=None):
    """A one-line problem when the deploy would put more rules on a bus than it allows, else
    None. ``units``: the model lists of the deploy (a Deployment's ``models()``, ...). Only
    buses that gain rules are counted (and read)."""
    new, gone = Counter(), Counter()
    for models in units:
        for model in models:
            if isinstance(model, Rule) and view.rule(model.name, model.bus) is None:
                new[model.bus] += 1
            elif isinstance(model, AbsentRule) and view.rule(model.name, model.bus) is not None:
                gone[model.bus] += 1
    for bus, adding in sorted(new.items()):
        existing = view.rule_count(bus)
        allowed = limit if limit is not None else rules_per_bus(view)
        if existing + adding - gone[bus] > allowed:
            removed = f", {gone[bus]} removed" if gone[bus] else ""
            return (f"{existing + adding - gone[bus]} rules on event bus '{bus}' after this deploy "
                    f"({existing} there, {adding} new{removed}), over its quota of {allowed}: raise "
                    f"the quota '{QUOTA_NAME}', deploy with --share-rules or --bundle, or deploy "
                    f"fewer pattern/schedule policies to this region")
    return None
