"""Lambda filters with Cloud Custodian's names, keys and semantics: what a function's
configuration says beyond its listing (reserved-concurrency, url-config), its resource policy
(event-source, cross-account) and its role (check-permissions); its network (security-group,
subnet, vpc, from the rows' ``related``). Layer versions: cross-account."""
import json

from botocore.exceptions import ClientError

from ...filters.core import filters
from ...filters.crossaccount import CrossAccountFilter
from ...resources import details
from ...resources.related import RelatedFilter, RelatedValueFilter, register_related, value_filter
from ..iam.permissions import CheckPermissions
from .types import TYPES

register_related(TYPES, __name__)
FN = ("lambda",)
_VALUE_NO_KEY = {k: v for k, v in RelatedFilter.schema.items()
                 if k not in ("key", "match-resource", "operator")}
_VALUE = {k: v for k, v in RelatedFilter.schema.items() if k not in ("match-resource", "operator")}


class DetailValueFilter(RelatedValueFilter):
    """A value filter over a function detail (read once per function per run)."""
    predicate = False
    detail = None
    fixed_key = None         # the value filter's key, whatever the policy says

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        if self.fixed_key:
            self.data = dict(self.data, key=self.fixed_key)

    def subject(self, resource):
        return resource

    def process(self, resources, event=None):
        self.manager.ensure_details(resources, {self.detail})
        match = value_filter(self.data, self.manager).match
        return [r for r in resources if self.detail in r and match(self.subject(r))]

    def keys(self):
        return {self.detail}


@filters.register("reserved-concurrency", resources=FN)
class ReservedConcurrency(DetailValueFilter):
    """Value filter on the function's reserved concurrency (absent when it has none); the
    GetFunction answer is kept in ``c7n:FunctionInfo``."""
    schema = _VALUE_NO_KEY
    permissions = ("lambda:GetFunction",)
    detail = "c7n:FunctionInfo"
    fixed_key = '"c7n:FunctionInfo".Concurrency.ReservedConcurrentExecutions'


@filters.register("url-config", resources=FN)
class UrlConfig(DetailValueFilter):
    """Value filter on the function URL configuration (``{}`` when it has none), kept in
    ``c7n:UrlConfig``; keys are relative to it (``AuthType``)."""
    schema = _VALUE
    permissions = ("lambda:GetFunctionUrlConfig",)
    detail = "c7n:UrlConfig"

    def subject(self, resource):
        return resource.get(self.detail) or {}


def policy_document(resource):
    text = resource.get("c7n:Policy")
    try:
        return json.loads(text) if isinstance(text, str) else (text or None)
    except ValueError:
        return None


@filters.register("event-source", resources=FN)
class EventSource(DetailValueFilter):
    """Value filter on the services the function's resource policy allows to invoke it
    (``c7n:EventSources``, e.g. ``s3.amazonaws.com``); functions without a policy never
    match. Custodian requires a ``key`` and then ignores it: here it may only name that
    annotation."""
    schema = _VALUE
    permissions = ("lambda:GetPolicy",)
    detail = "c7n:Policy"
    fixed_key = '"c7n:EventSources"'

    def __init__(self, data, manager=None):
        self.given_key = (data.get("key") if isinstance(data, dict) else None)
        super().__init__(data, manager)

    def validate(self):
        key = self.given_key
        if key is not None and key.strip('"') != "c7n:EventSources":
            return [(("key",), f"event-source compares c7n:EventSources, not '{key}': give "
                               f"key: c7n:EventSources or leave it out")]
        return super().validate()

    def process(self, resources, event=None):
        self.manager.ensure_details(resources, {self.detail})
        match = value_filter(self.data, self.manager).match
        out = []
        for r in resources:
            policy = policy_document(r)
            if policy is None:
                continue
            statements = policy.get("Statement") or ()
            sources = []
            for s in statements if isinstance(statements, list) else [statements]:
                principal = s.get("Principal")
                service = principal.get("Service") if isinstance(principal, dict) else None
                if s.get("Effect") == "Allow" and service:
                    for name in service if isinstance(service, list) else [service]:
                        if name not in sources:
                            sources.append(name)
            if sources:
                r["c7n:EventSources"] = sources
            if match(r):
                out.append(r)
        return out


@filters.register("cross-account", resources=FN)
class FunctionCrossAccount(CrossAccountFilter):
    """Statements of the function's resource policy (``c7n:Policy``) allowing other
    accounts."""
    policy_key = "c7n:Policy"
    permissions = ("lambda:GetPolicy",)


@filters.register("check-permissions", resources=FN)
class FunctionPermissions(CheckPermissions):
    """What IAM's policy simulator decides for ``actions`` on the function's role."""

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.permissions = ("iam:SimulatePrincipalPolicy", "iam:GetRole")

    def evaluations(self, client, resource):
        if not resource.get("Role"):
            return []
        return super().evaluations(client, {"Arn": resource["Role"]})

    def keys(self):
        return {"Role"}


# -- lambda-layer ----------------------------------------------------------------------------
def layer_policy(manager, layer):
    """The layer version's resource policy text (``c7n:Policy``), None when it has none."""
    if "c7n:Policy" not in layer:
        try:
            layer["c7n:Policy"] = manager.client().get_layer_version_policy(
                LayerName=layer["LayerName"], VersionNumber=layer["Version"]).get("Policy")
        except ClientError as e:
            if not details.not_found(e.response["Error"]["Code"]):
                raise
            layer["c7n:Policy"] = None
    return layer["c7n:Policy"]


@filters.register("cross-account", resources=("lambda-layer",))
class LayerCrossAccount(CrossAccountFilter):
    """Statements of the layer version's policy allowing other accounts."""
    policy_key = "c7n:Policy"
    permissions = ("lambda:GetLayerVersionPolicy",)

    def fetch_policies(self, resources):
        details.pmap(lambda r: layer_policy(self.manager, r), resources)
