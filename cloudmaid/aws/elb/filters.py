"""Classic ELB filters with Cloud Custodian's names and semantics: ``is-ssl``, ``ssl-policy``,
``healthcheck-protocol-mismatch``, ``is-logging``, ``is-not-logging``, ``attributes``,
``default-vpc``, ``instance``, and the related ``security-group``, ``subnet``, ``vpc``."""
import re

from botocore.exceptions import ClientError

from ...filters.core import Filter, filters
from ...filters.value import VALUE_SCHEMA
from ...resources.related import RelatedValueFilter, ValueOverFilter, lookup, register_related, value_filter
from .network import DefaultVpcFilter
from .types import TYPES

ELB = ("elb",)
SSL_PROTOCOLS = ("HTTPS", "SSL")

register_related(TYPES, __name__)


def is_ssl(elb):
    return any(ld["Listener"]["Protocol"] in SSL_PROTOCOLS
               for ld in elb.get("ListenerDescriptions") or ())


@filters.register("is-ssl", resources=ELB)
class IsSsl(Filter):
    """Load balancers with an HTTPS or SSL listener."""

    def match(self, resource, event=None):
        return is_ssl(resource)

    def keys(self):
        return {"ListenerDescriptions"}


@filters.register("ssl-policy", resources=ELB)
class SslPolicy(Filter):
    """The SSL negotiation policies of SSL load balancers' listeners: ``blacklist`` matches
    those with an enabled attribute in the list, ``whitelist`` those with one outside it
    (one of the two, not both); ``matching`` (a regex, case-insensitive) limits the attributes
    considered. The offending attributes go in ``ProhibitedPolicies``, the SSL policy names in
    ``c7n.ssl-policies`` (set-ssl-listener-policy replaces those)."""
    predicate = False
    schema = {"matching": {"type": "string"},
              "whitelist": {"type": "array", "items": {"type": "string"}},
              "blacklist": {"type": "array", "items": {"type": "string"}}}
    permissions = ("elasticloadbalancing:DescribeLoadBalancerPolicies",)

    def validate(self):
        if ("whitelist" in self.data) == ("blacklist" in self.data):
            return [((), "give either whitelist or blacklist (not both)")]
        if "matching" in self.data:
            try:
                re.compile(self.data["matching"])
            except re.error as e:
                return [(("matching",), f"invalid regex: {e}")]
        return []

    def active_attributes(self, elb):
        """The enabled attributes of the ELB's SSL negotiation policies, or None when the ELB
        or a policy is gone."""
        names = [p for ld in elb.get("ListenerDescriptions") or ()
                 for p in ld.get("PolicyNames") or ()]
        try:
            policies = self.manager.client().describe_load_balancer_policies(
                LoadBalancerName=elb["LoadBalancerName"], PolicyNames=names)["PolicyDescriptions"]
        except ClientError as e:
            if e.response["Error"]["Code"] in ("LoadBalancerNotFound", "PolicyNotFound"):
                return None
            raise
        ssl = [p for p in policies if p.get("PolicyTypeName") == "SSLNegotiationPolicyType"]
        elb["c7n.ssl-policies"] = [p["PolicyName"] for p in ssl]
        return [a["AttributeName"] for p in ssl for a in p.get("PolicyAttributeDescriptions") or ()
                if a.get("AttributeValue") == "true"]

    def process(self, resources, event=None):
        matching = self.data.get("matching")
        white, black = set(self.data.get("whitelist") or ()), set(self.data.get("blacklist") or ())
        out = []
        for elb in [b for b in resources if is_ssl(b)]:
            active = self.active_attributes(elb)
            if active is None:
                continue
            if matching:
                active = [a for a in active if re.match(matching, a, flags=re.IGNORECASE)]
                if not active:
                    continue
            bad = black.intersection(active) if "blacklist" in self.data \
                else set(active).difference(white)
            if bad:
                elb["ProhibitedPolicies"] = sorted(bad)
                out.append(elb)
        return out


@filters.register("healthcheck-protocol-mismatch", resources=ELB)
class HealthCheckProtocolMismatch(Filter):
    """Load balancers whose health check protocol (``HTTP`` of ``HTTP:80/``) is no listener's
    instance protocol. Custodian's matches the opposite (the protocols agree) and every load
    balancer without listeners; this one matches what its name says."""

    def match(self, resource, event=None):
        target = (resource.get("HealthCheck") or {}).get("Target") or ""
        listeners = resource.get("ListenerDescriptions") or ()
        if not target or not listeners:
            return False
        protocol = target.split(":")[0]
        return protocol not in {ld["Listener"].get("InstanceProtocol") for ld in listeners}

    def keys(self):
        return {"HealthCheck", "ListenerDescriptions"}


class AccessLogFilter(Filter):
    """Reads the ``Attributes`` detail's AccessLog; ``bucket`` and ``prefix`` are optional."""
    schema = {"bucket": {"type": "string"}, "prefix": {"type": "string"}}
    permissions = ("elasticloadbalancing:DescribeLoadBalancerAttributes",)

    def log(self, elb):
        log = (elb.get("Attributes") or {}).get("AccessLog") or {}
        return (bool(log.get("Enabled")), log.get("S3BucketName"), log.get("S3BucketPrefix"))

    def keys(self):
        return {"Attributes"}


@filters.register("is-logging", resources=ELB)
class IsLogging(AccessLogFilter):
    """Access logging to S3 enabled (to ``bucket``/``prefix`` when given)."""

    def match(self, resource, event=None):
        enabled, bucket, prefix = self.log(resource)
        want_bucket, want_prefix = self.data.get("bucket"), self.data.get("prefix")
        return enabled and (not want_bucket or want_bucket == bucket) \
            and (not want_prefix or want_prefix == prefix)


@filters.register("is-not-logging", resources=ELB)
class IsNotLogging(AccessLogFilter):
    """Access logging disabled, or to another ``bucket``/``prefix`` than given."""

    def match(self, resource, event=None):
        enabled, bucket, prefix = self.log(resource)
        want_bucket, want_prefix = self.data.get("bucket"), self.data.get("prefix")
        return not enabled or bool(want_bucket and want_bucket != bucket) \
            or bool(want_prefix and want_prefix != prefix)


class AttributesFilter(ValueOverFilter):
    """A value filter over the ``attributes_key`` detail (no annotation, as Custodian)."""
    attributes_key = "Attributes"
    permissions = ("elasticloadbalancing:DescribeLoadBalancerAttributes",)

    def match(self, resource, event=None):
        return self._vf.match(resource.get(self.attributes_key) or {}, event)

    def keys(self):
        return {self.attributes_key}


@filters.register("attributes", resources=ELB)
class Attributes(AttributesFilter):
    """A value filter over DescribeLoadBalancerAttributes' answer
    (``ConnectionDraining.Enabled``)."""


@filters.register("instance", resources=ELB)
class Instance(RelatedValueFilter):
    """A value filter over the load balancer's registered EC2 instances (one batched
    lookup for all load balancers): matches when one of them matches; those are kept in
    ``c7n:MatchedInstances``. Instances gone meanwhile are skipped (Custodian fails on them)."""
    predicate = False
    schema = VALUE_SCHEMA
    permissions = ("ec2:DescribeInstances",)

    def process(self, resources, event=None):
        ids = [i["InstanceId"] for r in resources for i in r.get("Instances") or ()]
        found = lookup(self.manager.ctx, "ec2", ids)
        match = value_filter(self.data, self.manager).match
        out = []
        for r in resources:
            hits = [found[i["InstanceId"]] for i in r.get("Instances") or ()
                    if i["InstanceId"] in found and match(found[i["InstanceId"]], event)]
            if hits:
                r["c7n:MatchedInstances"] = hits
                out.append(r)
        return out

    def keys(self):
        return {"Instances"}


@filters.register("default-vpc", resources=ELB)
class DefaultVpc(DefaultVpcFilter):
    vpc_key = "VPCId"
