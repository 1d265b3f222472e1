"""Events from the account's CloudTrail event history (LookupEvents): management events of the
last 90 days, per region.

LookupEvents allows 2 calls per second per account and region, and one lookup attribute per
call. So the cloudtrail client uses botocore's ``adaptive`` retry mode (it backs off on
throttling and then paces its own calls), and the history is read per event name when every
CloudTrail-driven policy names its event names (a few small queries instead of every write
of the window), else once for every write event (``ReadOnly=false``: the rules a deployment
creates receive no read-only events).
"""
import datetime

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..events import records

#: LookupEvents keeps this much history
RETENTION = datetime.timedelta(days=90)
#: adaptive retries: client-side rate limiting after the first throttle
RETRIES = Config(retries={"mode": "adaptive", "max_attempts": 10})
PAGE = 50           # LookupEvents' largest MaxResults


class HistoryError(Exception):
    pass


def client(factory, region):
    """A cloudtrail client for ``region`` with throttle-aware retries, counting its calls."""
    config = factory.config.merge(RETRIES)
    c = factory.session.client("cloudtrail", region_name=region, config=config)
    factory.counter.attach(c)
    return c


def attributes(names):
    """The LookupAttributes of each query: one per event name, or every write event."""
    if names is None:
        return [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]
    return [{"AttributeKey": "EventName", "AttributeValue": n} for n in sorted(names)]


def fetch(cloudtrail, start, end, names=None):
    """The EventBridge events of the history between ``start`` and ``end`` (aware datetimes),
    oldest first. ``names``: the event names to read, or None for every write event."""
    region = cloudtrail.meta.region_name
    seen, out = set(), []
    for attribute in attributes(names):
        pages = cloudtrail.get_paginator("lookup_events").paginate(
            LookupAttributes=[attribute], StartTime=start, EndTime=end,
            PaginationConfig={"PageSize": PAGE})
        found = []
        try:
            for page in pages:
                for item in page.get("Events") or ():
                    key = item.get("EventId")
                    if key in seen:
                        continue
                    seen.add(key)
                    try:
                        found.append(records.from_lookup(item))
                    except records.RecordError as e:
                        raise HistoryError(f"LookupEvents in {region}: event {key}: {e}") from None
        except ClientError as e:
            err = e.response.get("Error", {})
            raise HistoryError(f"LookupEvents in {region} failed: {err.get('Code')}: "
                               f"{err.get('Message')}") from None
        except BotoCoreError as e:
            raise HistoryError(f"LookupEvents in {region} failed: {e}") from None
        out.extend(reversed(found))     # LookupEvents answers newest first
    out.sort(key=lambda e: e.get("time") or "")
    return out


def window_problem(start, end, now):
    """Why LookupEvents cannot answer for this window, or None."""
    if end <= start:
        return "the end of the window must be after its start"
    if start < now - RETENTION:
        return ("CloudTrail event history keeps 90 days: use --from with the trail's log files "
                "for older events")
    return None
