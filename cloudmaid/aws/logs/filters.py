"""Log group filters with Cloud Custodian's names and semantics: ``last-write``,
``cross-account`` (subscription filters delivering to other accounts),
``subscription-filter``, and the related filters its row declares (``kms-key``)."""
import datetime

from ...filters.core import Filter, filters, now_of
from ...filters.crossaccount import CrossAccountFilter
from ...filters.value import ValueFilter
from ...filters.valuetypes import parse_date
from ...resources.related import register_related
from .types import TYPES

LOG_GROUP = ("log-group",)
SUBSCRIPTIONS = "c7n:SubscriptionFilters"

register_related(TYPES, __name__)


def subscription_filters(manager, groups):
    """Each group's subscription filters, fetched once per run (``c7n:SubscriptionFilters``)."""
    client = manager.client()

    def fetch(group):
        found = []
        for page in client.get_paginator("describe_subscription_filters").paginate(
                logGroupName=group["logGroupName"]):
            found.extend(page.get("subscriptionFilters") or ())
        group[SUBSCRIPTIONS] = found
    return manager.cached(groups, SUBSCRIPTIONS, fetch)


@filters.register("last-write", resources=LOG_GROUP)
class LastWrite(Filter):
    """Groups last written more than ``days`` ago: the latest event time of the most recently
    written stream (its creation without ingestion yet; the group's creation without
    streams). Kept in ``lastWrite``, the streams read in ``streams``, as Custodian does."""
    predicate = False
    schema = {"days": {"type": "number"}}
    required = ("days",)
    permissions = ("logs:DescribeLogStreams",)

    def fetch(self, group):
        streams = self.manager.client().describe_log_streams(
            logGroupName=group["logGroupName"], orderBy="LastEventTime", descending=True,
            limit=3).get("logStreams") or []
        group["streams"] = streams
        if not streams:
            stamp = group.get("creationTime")
        else:
            stamp = streams[0].get("lastIngestionTime") or streams[0].get("creationTime")
        group["lastWrite"] = parse_date(stamp)

    def process(self, resources, event=None):
        threshold = now_of(self.manager) - datetime.timedelta(days=self.data["days"])
        self.manager.cached(resources, "lastWrite", self.fetch)
        return [r for r in resources if r.get("lastWrite") and r["lastWrite"] < threshold]


@filters.register("cross-account", resources=LOG_GROUP)
class LogCrossAccount(CrossAccountFilter):
    """Groups with a subscription filter delivering to an account other than this one and
    the ``whitelist``; those accounts are kept in ``c7n:CrossAccountViolations``."""
    schema = {"whitelist": CrossAccountFilter.schema["whitelist"],
              "whitelist_from": CrossAccountFilter.schema["whitelist_from"]}
    permissions = ("logs:DescribeSubscriptionFilters",)
    annotation = "c7n:CrossAccountViolations"

    def process(self, resources, event=None):
        allowed = self.allowed("whitelist") | {self.own_account()}
        subscription_filters(self.manager, resources)
        out = []
        for r in resources:
            outside = [f["destinationArn"].split(":", 5)[4] for f in r.get(SUBSCRIPTIONS) or ()
                       if f.get("destinationArn", "").count(":") >= 5]
            outside = [a for a in outside if a not in allowed]
            if outside:
                r[self.annotation] = outside
                out.append(r)
        return out

    def keys(self):
        return set()


@filters.register("subscription-filter", resources=LOG_GROUP)
class SubscriptionFilter(ValueFilter):
    """Groups having a subscription filter that matches the value filter (any subscription
    filter when only ``type`` is given); they are kept in ``c7n:SubscriptionFilters``."""
    predicate = False
    permissions = ("logs:DescribeSubscriptionFilters",)

    def process(self, resources, event=None):
        subscription_filters(self.manager, resources)
        bare = set(self.data) <= {"type"}
        match = self.matcher(now_of(self.manager), event)
        return [r for r in resources if r.get(SUBSCRIPTIONS)
                and (bare or any(match(f) for f in r[SUBSCRIPTIONS]))]

    def keys(self):
        return set()
