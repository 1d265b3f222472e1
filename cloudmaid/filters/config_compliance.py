"""``config-compliance``: resources by their evaluations in AWS Config rules, Cloud Custodian's
keys and semantics, for every type with an AWS Config resource type.

``rules`` (required): Config rule names, each read with GetComplianceDetailsByConfigRule for
the ``states`` (default ``[NON_COMPLIANT]``; COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA).
Only evaluations of the type's Config resource type count (a rule may cover several types).
``eval_filters``: value filters over each evaluation result (``ResultRecordedTime``,
``ComplianceType``, ``Annotation``, ...), combined by ``op`` (``or``, the default, or
``and``); without them every evaluation counts. A resource matches when an evaluation names
it -- by ARN, id, the id AWS Config records for it, or the last part of an ARN used as its
id -- and keeps them under ``c7n:config-compliance``.
"""
from ..errors import PolicyError
from .base import Filter, filters, now_of
from .core import parse

ANNOTATION = "c7n:config-compliance"
STATES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA")
#: the key holding the id AWS Config records when it is neither the resource's id nor its ARN
#: (Custodian's ``config_id``)
CONFIG_IDS = {"rds": "DbiResourceId", "rds-cluster": "DbClusterResourceId",
              "asg": "AutoScalingGroupARN", "iam-role": "RoleId", "iam-user": "UserId"}


def arn_resource(arn):
    """The resource part of an ARN without its type (``x`` of ``...:role/x``)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    if parts[2] == "s3":
        return parts[5]
    for sep in ("/", ":"):
        if sep in parts[5]:
            return parts[5].split(sep, 1)[1]
    return parts[5]


@filters.register("config-compliance")
class ConfigComplianceFilter(Filter):
    """Resources with evaluations in the given Config rules (see the module doc)."""
    predicate = False
    schema = {"rules": {"type": "array", "items": {"type": "string"}},
              "states": {"type": "array", "items": {"enum": list(STATES)}},
              "eval_filters": {"type": "array"},
              "op": {"enum": ["or", "and"]}}
    required = ("rules",)
    permissions = ("config:GetComplianceDetailsByConfigRule",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        # evaluations are not resources of the policy's type: only value filters apply
        self.children = parse(self.data.get("eval_filters") or [], None, ("eval_filters",))
        for i, f in enumerate(self.children):
            if f.type != "value":
                raise PolicyError(f"eval_filters hold value filters, not '{f.type}'",
                                  ("eval_filters", i))

    def validate(self):
        out = []
        rtype = getattr(self.manager, "rtype", None)
        if rtype is not None and not rtype.config_type:
            out.append(((), f"config-compliance is not available for {rtype.name}: AWS Config "
                             f"records no resource type for it"))
        for i, f in enumerate(self.children):
            for where, msg in f.validate() or ():
                where = (where,) if isinstance(where, (str, int)) else tuple(where or ())
                out.append((("eval_filters", i) + where, msg))
        return out

    def evaluations(self, now, event=None):
        """``{Config resource id: [evaluation results]}`` of the type, as filtered."""
        states = list(self.data.get("states") or ["NON_COMPLIANT"])
        combine = all if self.data.get("op", "or") == "and" else any
        tests = [f.matcher(now, event) for f in self.children]
        config_type = self.manager.rtype.config_type
        client = self.manager.client("config")
        found = {}
        for rule in self.data["rules"]:
            for page in client.get_paginator("get_compliance_details_by_config_rule").paginate(
                    ConfigRuleName=rule, ComplianceTypes=states):
                for e in page.get("EvaluationResults") or ():
                    q = (e.get("EvaluationResultIdentifier") or {}).get(
                        "EvaluationResultQualifier") or {}
                    if q.get("ResourceType") != config_type:
                        continue
                    if tests and not combine(t(e) for t in tests):
                        continue
                    found.setdefault(q.get("ResourceId"), []).append(e)
        return found

    def process(self, resources, event=None):
        if not resources:
            return []
        found = self.evaluations(now_of(self.manager), event)
        config_id = CONFIG_IDS.get(self.manager.type)
        matched = []
        for r in resources:
            arn, rid = self.manager.arn(r), self.manager.resource_id(r)
            names = [arn, rid, r.get(config_id) if config_id else None]
            if arn and arn == rid:
                names.append(arn_resource(arn))
            hit = next((n for n in names if n and n in found), None)
            if hit is not None:
                r[ANNOTATION] = found[hit]
                matched.append(r)
        return matched

    def keys(self):
        config_id = CONFIG_IDS.get(getattr(self.manager, "type", None))
        return {config_id} if config_id else set()
