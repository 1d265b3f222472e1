"""``cost-optimization`` and ``compute-optimizer`` (Cloud Custodian's) for ec2.

``cost-optimization``: instances with a Cost Optimization Hub
recommendation (ListRecommendations, the hub's us-east-1 endpoint) of ``action`` (default
Rightsize) for this region, of ``efforts`` when given, that ``attrs`` (value filters and
blocks over the recommendation, e.g. ``estimatedMonthlySavings``) match. The recommendation is
kept in ``c7n:cost_optimize``, where ``resize`` reads a Rightsize's recommended type.

Custodian reads ``action`` from the policy instead of the filter and never sends ``efforts``;
here both are the filter's and are sent."""
from ...filters.core import apply, filters, parse
from ...filters.listitem import ALLOWED
from ...filters.value import VALUE_SCHEMA, ValueFilter
from ..iam.common import BatchFilter

EC2 = ("ec2",)
ANNOTATION = "c7n:cost_optimize"
ACTIONS = ["Rightsize", "Stop", "Upgrade", "PurchaseSavingsPlans", "PurchaseReservedInstances",
           "MigrateToGraviton"]
EFFORTS = ["VeryLow", "Low", "Medium", "High", "VeryHigh"]


def recommended_type(instance):
    """The instance type a Rightsize recommendation kept on the instance names, or None."""
    found = instance.get(ANNOTATION) or {}
    return found.get("recommendedResourceSummary") if found.get("actionType") == "Rightsize" \
        else None


@filters.register("cost-optimization", resources=EC2)
class CostOptimization(BatchFilter):
    schema = {"efforts": {"type": "array", "items": {"enum": EFFORTS}},
              "action": {"enum": ACTIONS},
              "attrs": {"type": "array"}}
    permissions = ("cost-optimization-hub:ListRecommendations",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        # the recommendations are not resources of the policy's type: generic filters only
        self.children = parse(self.data.get("attrs") or [], None, ("attrs",))

    def validate(self):
        out = []
        for i, f in enumerate(self.children):
            if f.type not in ALLOWED:
                out.append((("attrs", i), f"filter '{f.type}' cannot be used in attrs (only "
                                          f"{', '.join(sorted(ALLOWED))})"))
            for where, msg in f.validate() or ():
                where = (where,) if isinstance(where, (str, int)) else tuple(where or ())
                out.append((("attrs", i) + where, msg))
        return out

    def query(self):
        out = {"actionTypes": [self.data.get("action", "Rightsize")],
               "regions": [self.manager.ctx.region], "resourceTypes": ["Ec2Instance"]}
        if self.data.get("efforts"):
            out["implementationEfforts"] = list(self.data["efforts"])
        return out

    def process(self, resources, event=None):
        by_arn = {self.manager.arn(r): r for r in resources}
        client = self.manager.client("cost-optimization-hub", "us-east-1")
        found = {}
        for page in client.get_paginator("list_recommendations").paginate(filter=self.query()):
            for rec in page.get("items") or ():
                arn = rec.get("resourceArn") or ""
                if arn.count(":") == 7:   # a qualified ARN (a version): the resource's own
                    arn = arn.rsplit(":", 1)[0]
                if arn in by_arn and arn not in found and \
                        apply(self.children, [rec], event, now=self.clock()):
                    found[arn] = rec
        out = []
        for arn, r in by_arn.items():
            if arn in found:
                r[ANNOTATION] = found[arn]
                out.append(r)
        return out

    def keys(self):
        return {"InstanceId"}


@filters.register("compute-optimizer", resources=EC2)
class ComputeOptimizer(BatchFilter):
    """Instances with Compute Optimizer recommendations (GetEC2InstanceRecommendations), kept in
    ``c7n:ComputeOptimizerRecommendations``. ``filters`` (name -> values, e.g. ``Finding:
    [Overprovisioned]``) and ``recommendation-preferences`` are sent with the request, and an
    instance without recommendations then does not match; with ``key`` (a value filter over
    each recommendation) one recommendation must match. Without any of them every instance
    matches, as in Custodian."""
    schema = dict(VALUE_SCHEMA, **{"filters": {"type": "object"},
                                   "recommendation-preferences": {"type": "object"}})
    annotation = "c7n:ComputeOptimizerRecommendations"
    permissions = ("compute-optimizer:GetEC2InstanceRecommendations",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        own = ("type", "filters", "recommendation-preferences")
        self.vf = ValueFilter(dict({k: v for k, v in self.data.items() if k not in own},
                                   type="value"), manager)

    def request(self):
        out = {}
        if "filters" in self.data:
            out["filters"] = [{"name": k, "values": v}
                              for k, v in (self.data["filters"] or {}).items()]
        if "recommendation-preferences" in self.data:
            out["recommendationPreferences"] = self.data["recommendation-preferences"]
        return out

    def validate(self):
        from botocore.validate import ParamValidator   # validation only
        import botocore.session
        shape = botocore.session.get_session().get_service_model("compute-optimizer") \
            .operation_model("GetEC2InstanceRecommendations").input_shape
        report = ParamValidator().validate(dict(self.request(), instanceArns=[]), shape)
        if report.has_errors():
            lines = [line.strip() for line in report.generate_report().splitlines()]
            return [((), "; ".join(line for line in lines if line))]
        if "key" in self.data:
            from ...filters.valuecheck import value_problems
            return value_problems(self.vf.data)
        return []

    def process(self, resources, event=None):
        by_arn = {self.manager.arn(r): r for r in resources}
        if not by_arn:
            return []
        client = self.manager.client("compute-optimizer")
        params = dict(self.request(), instanceArns=list(by_arn))
        found = {}
        while True:
            page = client.get_ec2_instance_recommendations(**params)
            for rec in page.get("instanceRecommendations") or ():
                found.setdefault(rec.get("instanceArn"), []).append(rec)
            if not page.get("nextToken"):
                break
            params["nextToken"] = page["nextToken"]
        server_side = "filters" in self.data or "recommendation-preferences" in self.data
        match = self.vf.matcher(self.clock(), event) if "key" in self.data else None
        out = []
        for arn, r in by_arn.items():
            recs = found.get(arn, [])
            if server_side and not recs:
                continue
            if match is not None and not any(match(rec) for rec in recs):
                continue
            r[self.annotation] = recs
            out.append(r)
        return out

    def keys(self):
        return {"InstanceId"}
