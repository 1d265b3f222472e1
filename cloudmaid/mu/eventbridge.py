"""An EventBridge rule as a trigger: the Rule (a pattern, a schedule or both), its Target
pointing at the function and the Permission letting EventBridge invoke the function for that
rule only. The modes delivered by EventBridge (pattern and schedule modes) deploy these.

Rule, target and statement are named after the function, so gc finds a rule's function by
its name.
"""
import json
from dataclasses import dataclass, field
from typing import Mapping, Optional

from ..events import pattern as patterns
from .models import TAG_POLICY, Permission, function_arn, read_or_none, tag_list
from .planner import APICall, Var, arn_names, diff_tags

PRINCIPAL = "events.amazonaws.com"


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    pattern: Optional[str] = None       # canonical JSON (events.pattern.render) or None
    schedule: Optional[str] = None
    state: str = "ENABLED"
    tags: Mapping[str, str] = field(default_factory=dict)
    arn: str = field(default=None, compare=False)

    @property
    def key(self):
        return ("Rule", self.name)

    @property
    def on_pattern(self):
        """A pattern rule (else a schedule-only rule): EventBridge cannot turn one into the other."""
        return bool(self.pattern)

    def observe(self, view, found):
        """From the region's ListRules and tag listing (remote.View)."""
        r = view.rule(self.name)
        if r is None:
            return None
        events = view.client("events")
        tags = view.tags(r["Arn"], lambda: {t["Key"]: t["Value"] for t in events.list_tags_for_resource(
            ResourceARN=r["Arn"]).get("Tags") or ()})
        return rule_from(r, tags)

    def plan(self, have, state):
        name = self.name
        if have is None:
            state[("rule_arn", name)] = Var(f"{name}.RuleArn")
            return [self._put(with_tags=True)]
        calls = []
        if self.on_pattern != have.on_pattern:
            # EventBridge cannot turn a pattern rule into a schedule rule in place: recreate it
            # (its targets first). The name, hence the ARN the permission names, stays the same.
            ids = sorted(k[2] for k in state["observed"] if k[0] == "Target" and k[1] == name)
            if ids:
                calls.append(APICall("events", "remove_targets", {"Rule": name, "Ids": ids}, name))
            calls.append(APICall("events", "delete_rule", {"Name": name}, name))
            calls.append(self._put(with_tags=True))
            state[("rule_arn", name)] = Var(f"{name}.RuleArn")
            state[("recreated", name)] = True
            return calls
        state[("rule_arn", name)] = have.arn
        if (self.pattern, self.schedule, self.state, self.description) != (
                have.pattern, have.schedule, have.state, have.description):
            calls.append(self._put(with_tags=False))
        add, remove = diff_tags(have.tags, self.tags)
        if add:
            calls.append(APICall("events", "tag_resource", {"ResourceARN": have.arn, "Tags": tag_list(add)}, name))
        if remove:
            calls.append(APICall("events", "untag_resource", {"ResourceARN": have.arn, "TagKeys": remove}, name))
        return calls

    def _put(self, with_tags):
        params = {"Name": self.name, "Description": self.description, "State": self.state}
        if self.pattern:
            params["EventPattern"] = self.pattern
        if self.schedule:
            params["ScheduleExpression"] = self.schedule
        if with_tags:
            params["Tags"] = tag_list(self.tags)
        return APICall("events", "put_rule", params, self.name,
                       output=((f"{self.name}.RuleArn", "RuleArn"),))

    @classmethod
    def ours(cls, session_factory):
        """``[(function name, removal steps)]`` for the rules (default bus) tagged TAG_POLICY."""
        events = session_factory.client("events")
        out = []
        for page in events.get_paginator("list_rules").paginate():
            for r in page.get("Rules") or ():
                if r.get("ManagedBy"):
                    continue                      # rules owned by AWS services
                tags = events.list_tags_for_resource(ResourceARN=r["Arn"]).get("Tags") or []
                if not any(t["Key"] == TAG_POLICY for t in tags):
                    continue
                ids = sorted(t["Id"] for t in list_targets(events, r["Name"]))
                steps = [APICall("events", "remove_targets", {"Rule": r["Name"], "Ids": ids}, r["Name"])] if ids else []
                steps.append(APICall("events", "delete_rule", {"Name": r["Name"]}, r["Name"]))
                out.append((r["Name"], steps))
        return sorted(out, key=lambda x: x[0])


def rule_from(r, tags):
    """A Rule from describe_rule/list_rules and its ``{key: value}`` tags; the pattern
    rendered canonically, as EventBridge may hand it back with other key order or spacing."""
    text = r.get("EventPattern")
    return Rule(name=r["Name"], description=r.get("Description", "") or "",
                pattern=patterns.render(json.loads(text)) if text else None,
                schedule=r.get("ScheduleExpression"), state=r.get("State", "ENABLED"),
                tags=dict(tags), arn=r.get("Arn"))


@dataclass(frozen=True)
class Target:
    rule: str
    id: str
    function: str                       # function name (desired); ARN resolved by the planner
    arn: str = field(default=None, compare=False)   # the target's Arn (observed)

    @property
    def key(self):
        return ("Target", self.rule, self.id)

    def observe(self, view, found):
        if ("Rule", self.rule) not in found:
            return None                       # no rule, no targets
        for t in list_targets(view.client("events"), self.rule):
            if t["Id"] == self.id:
                return Target(rule=self.rule, id=self.id, function=t["Arn"].rsplit(":", 1)[-1], arn=t["Arn"])
        return None

    def plan(self, have, state):
        recreated = state.get(("recreated", self.rule))
        if have is not None and not recreated and arn_names(have.arn, "function", self.function):
            return []
        return [APICall("events", "put_targets", {"Rule": self.rule, "Targets": [
            {"Id": self.id, "Arn": function_arn(state, self.function)}]}, self.rule)]


def list_targets(events, rule):
    out, token = [], None
    while True:
        resp = events.list_targets_by_rule(Rule=rule, **({"NextToken": token} if token else {}))
        out.extend(resp.get("Targets") or ())
        token = resp.get("NextToken")
        if not token:
            return out


@dataclass(frozen=True, kw_only=True)
class RulePermission(Permission):
    """EventBridge may invoke the function for events of this one rule (SourceArn)."""
    principal: str = PRINCIPAL
    rule: str

    def condition(self, state):
        return {"SourceArn": state.get(("rule_arn", self.rule)) or Var(f"{self.rule}.RuleArn")}

    def same(self, have, state):
        return have.principal == self.principal and arn_names(have.source_arn, "rule", self.rule)


#: what a rule trigger deploys besides the function (gc: what a policy in such a mode keeps)
MODEL_TYPES = (Rule, Target, RulePermission)


def rule_models(function, pattern=None, schedule=None):
    """The rule, target and permission invoking ``function`` (a models.Function) on events
    matching ``pattern`` (a dict) and/or on ``schedule``."""
    name = function.name
    rule = Rule(name=name, description=function.description, schedule=schedule,
                pattern=patterns.render(pattern) if pattern else None, tags=function.tags)
    return (rule, Target(rule=name, id=name, function=name),
            RulePermission(function=name, statement_id=name, rule=name))
