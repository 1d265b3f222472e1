"""CloudTrail filters with Cloud Custodian's names and semantics: ``is-shadow``, ``status``
(GetTrailStatus) and ``event-selectors`` (GetEventSelectors), each answer read once per run
in the trail's home region and kept under Custodian's annotation key."""
from ...filters.base import Filter, filters, now_of
from ...filters.value import ValueFilter

TRAILS = ("cloudtrail",)


def is_shadow(trail, account_id, region):
    """A copy of an organization trail of another account, or of a multi-region trail homed
    in another region: it can only be changed through its origin."""
    if trail.get("IsOrganizationTrail") and account_id not in trail.get("TrailARN", ""):
        return True
    return bool(trail.get("IsMultiRegionTrail") and trail.get("HomeRegion") != region)


def origin_trails(manager, resources):
    """The trails that can be changed here (the actions skip shadows, as Custodian does)."""
    return [t for t in resources
            if not is_shadow(t, manager.ctx.account_id, manager.ctx.region)]


@filters.register("is-shadow", resources=TRAILS)
class IsShadow(Filter):
    """Shadow trails (``state: true``, the default) or origin trails (``state: false``)."""
    schema = {"state": {"type": "boolean"}}
    permissions = ("cloudtrail:DescribeTrails",)

    def match(self, resource, event=None):
        ctx = self.manager.ctx
        return is_shadow(resource, ctx.account_id, ctx.region) == self.data.get("state", True)

    def keys(self):
        return {"IsOrganizationTrail", "IsMultiRegionTrail", "HomeRegion", "TrailARN"}


class TrailAnswerFilter(ValueFilter):
    """A value filter over one per-trail answer kept in ``annotation``."""
    predicate = False
    annotation = None
    op = None         # client method
    param = None      # its parameter naming the trail (by ARN)

    def process(self, resources, event=None):
        def fetch(trail):
            answer = getattr(self.manager.trail_client(trail), self.op)(
                **{self.param: trail["TrailARN"]})
            answer.pop("ResponseMetadata", None)
            trail[self.annotation] = answer
        self.manager.cached(resources, self.annotation, fetch)
        match = self.matcher(now_of(self.manager), event)
        return [t for t in resources if match(t[self.annotation])]

    def keys(self):
        return set()


@filters.register("status", resources=TRAILS)
class Status(TrailAnswerFilter):
    """A value filter over GetTrailStatus (``IsLogging``, ``LatestDeliveryError``, ...),
    kept in ``c7n:TrailStatus``."""
    annotation = "c7n:TrailStatus"
    op, param = "get_trail_status", "Name"
    permissions = ("cloudtrail:GetTrailStatus",)


@filters.register("event-selectors", resources=TRAILS)
class EventSelectors(TrailAnswerFilter):
    """A value filter over GetEventSelectors (``EventSelectors``, ``AdvancedEventSelectors``),
    kept in ``c7n:TrailEventSelectors``."""
    annotation = "c7n:TrailEventSelectors"
    op, param = "get_event_selectors", "TrailName"
    permissions = ("cloudtrail:GetEventSelectors",)
