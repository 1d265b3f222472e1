"""``check-permissions`` (Cloud Custodian's) for iam-user, iam-role, iam-group and iam-policy:
what IAM's policy simulator decides for ``actions``. Principals are simulated with
SimulatePrincipalPolicy (their permissions boundary counts unless ``boundaries: false``), a
policy's default version with SimulateCustomPolicy. The evaluations that matched are kept in
``c7n:perm-matches``."""
import json

from ...filters.core import filters
from ...filters.value import ValueFilter, shorthand
from .common import BatchFilter, ignore_gone, listed

DECISIONS = {"allowed": ["allowed"], "denied": ["explicitDeny", "implicitDeny"]}
#: a boundary allowing everything: the simulation then ignores the principal's own boundary
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@filters.register("check-permissions",
                  resources=("iam-user", "iam-role", "iam-group", "iam-policy"))
class CheckPermissions(BatchFilter):
    """``match: allowed|denied`` (or a value filter over each evaluation result, e.g.
    ``{EvalDecision: allowed}``); ``match-operator: and`` (default) needs every action to
    match, ``or`` one."""
    schema = {"match": {"oneOf": [{"enum": ["allowed", "denied"]}, {"type": "object"}]},
              "boundaries": {"type": "boolean"},
              "match-operator": {"enum": ["and", "or"]},
              "actions": {"type": "array", "items": {"type": "string"}}}
    required = ("actions", "match")
    annotation = "c7n:perm-matches"

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        match = self.data.get("match")
        if isinstance(match, dict):
            vf = shorthand(match) if "type" not in match and len(match) == 1 else match
        else:
            vf = {"type": "value", "key": "EvalDecision", "op": "in",
                  "value": DECISIONS.get(match, ["allowed"])}
        self.vf = ValueFilter(vf, manager)
        kind = getattr(manager, "type", None)
        self.permissions = ("iam:SimulateCustomPolicy", "iam:GetPolicyVersion") \
            if kind == "iam-policy" else ("iam:SimulatePrincipalPolicy",)

    def validate(self):
        out = []
        for i, action in enumerate(self.data.get("actions") or ()):
            if ":" not in action[1:-1]:
                out.append((("actions", i), f"invalid action '{action}': must be in the form "
                                            f"<service>:<action>"))
        if isinstance(self.data.get("match"), dict):
            from ...filters.valuecheck import value_problems   # validation only
            out.extend((("match",) + tuple(w), m) for w, m in value_problems(self.vf.data))
        return out

    def evaluations(self, client, resource):
        actions = list(self.data["actions"])
        if self.manager.type == "iam-policy":
            if "c7n:policy" not in resource:
                found = ignore_gone(client.get_policy_version, PolicyArn=resource["Arn"],
                                    VersionId=resource["DefaultVersionId"])
                resource["c7n:policy"] = (found or {}).get("PolicyVersion") or {}
            document = resource["c7n:policy"].get("Document")
            if document is None:
                return []
            if not isinstance(document, str):
                document = json.dumps(document)
            return listed(client, "simulate_custom_policy", "EvaluationResults",
                          PolicyInputList=[document], ActionNames=actions)
        params = {"PolicySourceArn": resource["Arn"], "ActionNames": actions}
        if not self.data.get("boundaries", True):
            params["PermissionsBoundaryPolicyInputList"] = [ALLOW_ALL]
        return ignore_gone(listed, client, "simulate_principal_policy", "EvaluationResults",
                           **params) or []

    def process(self, resources, event=None):
        client = self.client()
        match = self.vf.matcher(self.clock(), event)
        every = self.data.get("match-operator", "and") == "and"
        out = []
        for r in resources:
            found = self.evaluations(client, r)
            if not found:
                continue
            hits = [e for e in found if match(e)]
            if (len(hits) == len(found)) if every else hits:
                r[self.annotation] = hits
                out.append(r)
        return out
