"""WAF on application load balancers, with Cloud Custodian's names and semantics: the
``waf-enabled`` (WAF Classic regional) and ``wafv2-enabled`` filters.
A load balancer names no web ACL: WAF Classic's associations are read from each web ACL
(ListResourcesForWebACL) once per run; WAFv2's web ACL of each load balancer comes from
GetWebACLForResource (kept in ``c7n:WebACL``)."""
import re

from botocore.exceptions import ClientError

from ...filters.core import Filter, filters
from ...filters.value import VALUE_SCHEMA
from ...resources.related import value_filter
from .filters import APP_ELB

RESOURCE_TYPE = "APPLICATION_LOAD_BALANCER"
LEGACY = ("web-acl", "state")


def waf_client(manager):
    return manager.client("waf-regional")


def web_acls(manager, full=False):
    """The region's web ACL summaries ({WebACLId, Name}); ``full``: GetWebACL's WebACL each
    (rules, default action), as Custodian's value form reads. Once per run."""
    key = ("waf-regional-acls", manager.ctx.region, full)
    if key not in manager.ctx.cache:
        client, acls, marker = waf_client(manager), [], None
        while True:
            page = client.list_web_acls(**({"NextMarker": marker} if marker else {}), Limit=100)
            acls.extend(page.get("WebACLs") or ())
            marker = page.get("NextMarker")
            if not marker or not page.get("WebACLs"):
                break
        if full:
            acls = [{**a, **client.get_web_acl(WebACLId=a["WebACLId"])["WebACL"]} for a in acls]
        manager.ctx.cache[key] = acls
    return manager.ctx.cache[key]


def associations(manager, acls):
    """``{load balancer ARN: web ACL}`` of the ACLs' associated load balancers; once per run."""
    key = ("waf-regional-alb-associations", manager.ctx.region)
    if key not in manager.ctx.cache:
        client, out = waf_client(manager), {}
        for acl in acls:
            for arn in client.list_resources_for_web_acl(
                    WebACLId=acl["WebACLId"], ResourceType=RESOURCE_TYPE).get("ResourceArns") or ():
                out.setdefault(arn, acl["WebACLId"])
        manager.ctx.cache[key] = out
    by_id = {a["WebACLId"]: a for a in acls}
    return {arn: by_id[i] for arn, i in manager.ctx.cache[key].items() if i in by_id}


@filters.register("waf-enabled", resources=APP_ELB)
class WafEnabled(Filter):
    """With ``state`` (default false) and/or ``web-acl`` (a name), or alone: matches when
    "associated with a web ACL (that one, when named)" equals ``state``. With value filter
    keys instead: a value filter over the associated WebACL ({} when none), e.g. ``key:
    Rules, value: empty``. The two forms do not mix."""
    predicate = False
    schema = dict(VALUE_SCHEMA, **{"web-acl": {"type": "string"}, "state": {"type": "boolean"}})
    permissions = ("waf-regional:ListWebACLs", "waf-regional:GetWebACL",
                   "waf-regional:ListResourcesForWebACL")

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        value_keys = [k for k in self.data if k != "type" and k not in LEGACY]
        self.legacy = not value_keys
        self.mixed = bool(value_keys) and any(k in self.data for k in LEGACY)
        self._vf = None if self.legacy else value_filter(
            {k: v for k, v in self.data.items() if k not in LEGACY}, manager)

    def validate(self):
        if self.mixed:
            return [((), "give web-acl/state or value filter keys (key, value, ...), not both")]
        return self._vf.validate() if self._vf else []

    def process(self, resources, event=None):
        if not resources:
            return []
        acls = web_acls(self.manager, full=not self.legacy)
        by_arn = associations(self.manager, acls)
        out = []
        for r in resources:
            acl = by_arn.get(r["LoadBalancerArn"]) or {}
            if self.legacy:
                target = self.data.get("web-acl")
                found = bool(acl) and (target is None or target == acl.get("Name"))
                keep = found == self.data.get("state", False)
            else:
                keep = self._vf.match(acl, event)
            if keep:
                out.append(r)
        return out


@filters.register("wafv2-enabled", resources=APP_ELB)
class WafV2Enabled(WafEnabled):
    """As waf-enabled, for WAFv2: ``web-acl`` is a regex matched against the web ACL's name
    (Firewall Manager's ACL names vary by account)."""
    annotation = "c7n:WebACL"
    permissions = ("wafv2:GetWebACLForResource",)

    def fetch(self, alb):
        client = self.manager.client("wafv2")
        try:
            acl = client.get_web_acl_for_resource(ResourceArn=alb["LoadBalancerArn"])
        except ClientError as e:
            if e.response["Error"]["Code"] != "WAFNonexistentItemException":
                raise
            acl = {}
        alb[self.annotation] = acl.get("WebACL") or {}

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation, self.fetch)
        out = []
        for r in resources:
            acl = r.get(self.annotation) or {}
            if self.legacy:
                target = self.data.get("web-acl")
                found = bool(acl) and (target is None or bool(re.match(target, acl["Name"])))
                keep = found == self.data.get("state", False)
            else:
                keep = self._vf.match(acl, event)
            if keep:
                out.append(r)
        return out
