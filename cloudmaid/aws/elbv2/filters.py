"""ELBv2 filters with Cloud Custodian's names and semantics: ``listener``, ``is-logging``,
``is-not-logging``, ``attributes``, ``target-group``, ``healthcheck-protocol-mismatch``,
``default-vpc``, and the related ``security-group``, ``subnet``, ``vpc``."""
from botocore.exceptions import ClientError

from ...filters.core import Filter, filters
from ...filters.value import VALUE_SCHEMA
from ...resources.manager import ResourceManager
from ...resources.related import ValueOverFilter, register_related, value_filter
from ..elb.filters import AttributesFilter
from ..elb.network import DefaultVpcFilter
from .types import TYPES

APP_ELB = ("app-elb",)
TARGET_GROUP = ("app-elb-target-group",)
MATCHED_LISTENERS = "c7n:MatchedListeners"
LOG_TYPE = {"type": "string", "enum": ["access", "connection"]}

register_related(TYPES, __name__)


def policy_filters(manager):
    """The filter dicts of the policy being validated (walking or/and/not blocks); empty when
    unknown (the runtime, which validated before)."""
    data = getattr(manager, "policy_data", None) or {}
    out, todo = [], list(data.get("filters") or ())
    while todo:
        f = todo.pop(0)
        if isinstance(f, dict) and len(f) == 1 and next(iter(f)) in ("or", "and", "not"):
            todo[:0] = list(next(iter(f.values())) or ())
        elif isinstance(f, dict):
            out.append(f)
        elif isinstance(f, str):
            out.append({"type": f})
    return out if data else None


def listeners(manager, albs):
    """``{arn: [listener]}`` of ``albs``, DescribeListeners once per load balancer per run."""
    known = manager.ctx.cache.setdefault(("app-elb-listeners", manager.ctx.region), {})
    client = manager.client()
    for alb in albs:
        arn = alb["LoadBalancerArn"]
        if arn in known:
            continue
        try:
            known[arn] = [item for page in client.get_paginator("describe_listeners").paginate(
                LoadBalancerArn=arn) for item in page.get("Listeners") or ()]
        except ClientError as e:
            if e.response["Error"]["Code"] != "LoadBalancerNotFound":
                raise
            known[arn] = []
    return known


@filters.register("listener", resources=APP_ELB)
class Listener(Filter):
    """A value filter over each load balancer's listeners: matching listeners are kept in
    ``c7n:MatchedListeners`` (for modify-listener); ``matched: true`` filters the listeners an
    earlier listener filter kept."""
    predicate = False
    schema = dict(VALUE_SCHEMA, matched={"type": "boolean"})
    permissions = ("elasticloadbalancing:DescribeListeners",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._vf = value_filter({k: v for k, v in self.data.items() if k != "matched"}, manager)

    def validate(self):
        problems = self._vf.validate()
        found = policy_filters(self.manager)
        if self.data.get("matched") and found is not None and not any(
                f.get("type") == "listener" and not f.get("matched") for f in found):
            problems.append((("matched",), "matched: true needs an earlier listener filter "
                                           "(without matched)"))
        return problems

    def process(self, resources, event=None):
        by_arn = listeners(self.manager, resources) if not self.data.get("matched") else {}
        out = []
        for alb in resources:
            if self.data.get("matched"):
                candidates = alb.pop(MATCHED_LISTENERS, [])
            else:
                candidates = by_arn.get(alb["LoadBalancerArn"], [])
            found = [li for li in candidates if self._vf.match(li, event)]
            if found:
                kept = alb.setdefault(MATCHED_LISTENERS, [])
                kept.extend(li for li in found if li not in kept)
                out.append(alb)
        return out


class LoggingFilter(Filter):
    """Reads the ``Attributes`` detail: ``<log-type>_logs.s3.enabled|bucket|prefix``
    (``log-type`` access, the default, or connection)."""
    schema = {"log-type": LOG_TYPE, "bucket": {"type": "string"}, "prefix": {"type": "string"}}
    permissions = ("elasticloadbalancing:DescribeLoadBalancerAttributes",)

    def log(self, alb):
        attrs = alb.get("Attributes") or {}
        kind = "connection_logs" if self.data.get("log-type", "access") == "connection" \
            else "access_logs"
        return (attrs.get(f"{kind}.s3.enabled"), attrs.get(f"{kind}.s3.bucket"),
                attrs.get(f"{kind}.s3.prefix"))

    def keys(self):
        return {"Attributes"}


@filters.register("is-logging", resources=APP_ELB)
class IsLogging(LoggingFilter):
    """Logging to S3 enabled (to ``bucket``/``prefix`` when given)."""

    def match(self, resource, event=None):
        enabled, bucket, prefix = self.log(resource)
        want_bucket, want_prefix = self.data.get("bucket"), self.data.get("prefix")
        return bool(enabled) and (not want_bucket or want_bucket == bucket) \
            and (not want_prefix or want_prefix == prefix)


@filters.register("is-not-logging", resources=APP_ELB)
class IsNotLogging(LoggingFilter):
    """Logging to S3 disabled, or to another ``bucket``/``prefix`` than given."""

    def match(self, resource, event=None):
        enabled, bucket, prefix = self.log(resource)
        want_bucket, want_prefix = self.data.get("bucket"), self.data.get("prefix")
        return not enabled or bool(want_bucket and want_bucket != bucket) \
            or bool(want_prefix and want_prefix != prefix)


@filters.register("attributes", resources=APP_ELB)
class Attributes(AttributesFilter):
    """A value filter over the load balancer attributes (``routing.http2.enabled``), values
    parsed as Custodian does (``true`` -> True, digits -> int)."""


@filters.register("attributes", resources=TARGET_GROUP)
class TargetGroupAttributes(AttributesFilter):
    """A value filter over the target group attributes (``preserve_client_ip.enabled``)."""
    attributes_key = "c7n:TargetGroupAttributes"
    permissions = ("elasticloadbalancing:DescribeTargetGroupAttributes",)


def target_groups(manager):
    """``{load balancer arn: [target group]}`` from the run's target group listing."""
    groups = ResourceManager.for_type(manager.ctx, "app-elb-target-group").resources()
    out = {}
    for tg in groups:
        for arn in tg.get("LoadBalancerArns") or ():
            out.setdefault(arn, []).append(tg)
    return out


@filters.register("target-group", resources=APP_ELB)
class TargetGroup(ValueOverFilter):
    """A value filter over the list of the load balancer's target groups (``key:
    "[].Protocol"``, ``op: intersect``)."""
    predicate = False
    permissions = ("elasticloadbalancing:DescribeTargetGroups",)

    def process(self, resources, event=None):
        by_alb = target_groups(self.manager) if resources else {}
        return [r for r in resources
                if self._vf.match(by_alb.get(r["LoadBalancerArn"], []), event)]


@filters.register("healthcheck-protocol-mismatch", resources=APP_ELB)
class HealthCheckProtocolMismatch(Filter):
    """Load balancers with a target group whose health check protocol is not its protocol."""
    predicate = False
    permissions = ("elasticloadbalancing:DescribeTargetGroups",)

    def process(self, resources, event=None):
        by_alb = target_groups(self.manager) if resources else {}
        return [r for r in resources if any(
            tg.get("Protocol") != tg.get("HealthCheckProtocol")
            for tg in by_alb.get(r["LoadBalancerArn"], []))]


@filters.register("default-vpc", resources=APP_ELB + TARGET_GROUP)
class DefaultVpc(DefaultVpcFilter):
    vpc_key = "VpcId"
