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


DEFAULT_BUS = "default"


def on_bus(bus):
    """The ``EventBusName`` parameter for ``bus`` (none for the default bus)."""
    return {} if bus == DEFAULT_BUS else {"EventBusName": bus}


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    pattern: Optional[str] = None       # canonical JSON (events.pattern.render) or None
    schedule: Optional[str] = None
    state: str = "ENABLED"
    tags: Mapping[str, str] = field(default_factory=dict)
    bus: str = DEFAULT_BUS
    arn: str = field(default=None, compare=False)

    @property
    def key(self):
        return ("Rule", self.name)

    @property
    def on_pattern(self):
        """A pattern rule (else a schedule-only rule): EventBridge cannot turn one into the other."""
        return bool(self.pattern)

    def observe(self, view, found):
        """From the region's ListRules and tag listing (remote.View). A rule of this name that
        a policy of ours left on another bus (the policy's ``event-bus`` changed) is noted in
        ``found`` for the plan to remove."""
        events = view.client("events")

        def tags_of(r):
            return view.tags(r["Arn"], lambda: {t["Key"]: t["Value"] for t in events.list_tags_for_resource(
                ResourceARN=r["Arn"]).get("Tags") or ()})
        moved = [bus for bus in view.buses() if bus != self.bus
                 and (r := view.rule(self.name, bus)) is not None and TAG_POLICY in tags_of(r)]
        if moved:
            found[("Rule moved", self.name)] = tuple(moved)
        r = view.rule(self.name, self.bus)
        return None if r is None else rule_from(r, tags_of(r))

    def plan(self, have, state):
        name = self.name
        calls = []
        for bus in state["observed"].get(("Rule moved", name), ()):
            # the policy listens on another bus now: its rule there goes (its target first)
            calls += [APICall("events", "remove_targets", {"Rule": name, "Ids": [name], **on_bus(bus)}, name),
                      APICall("events", "delete_rule", {"Name": name, **on_bus(bus)}, name)]
        if have is None:
            state[("rule_arn", name)] = Var(f"{name}.RuleArn")
            return calls + [self._put(with_tags=True)]
        if self.on_pattern != have.on_pattern:
            # EventBridge cannot turn a pattern rule into a schedule rule in place: recreate it
            # (its targets first). The name, hence the ARN the permission names, stays the same.
            ids = sorted(k[2] for k in state["observed"] if k[0] == "Target" and k[1] == name)
            if ids:
                calls.append(APICall("events", "remove_targets", {"Rule": name, "Ids": ids, **on_bus(self.bus)}, name))
            calls.append(APICall("events", "delete_rule", {"Name": name, **on_bus(self.bus)}, name))
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
        params = {"Name": self.name, "Description": self.description, "State": self.state,
                  **on_bus(self.bus)}
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
        """``[(function name, removal steps)]`` for the rules tagged TAG_POLICY, on every bus."""
        events = session_factory.client("events")
        out = []
        for bus in list_buses(events):
            for page in events.get_paginator("list_rules").paginate(**on_bus(bus)):
                for r in page.get("Rules") or ():
                    if r.get("ManagedBy"):
                        continue                      # rules owned by AWS services
                    tags = events.list_tags_for_resource(ResourceARN=r["Arn"]).get("Tags") or []
                    if not any(t["Key"] == TAG_POLICY for t in tags):
                        continue
                    ids = sorted(t["Id"] for t in list_targets(events, r["Name"], bus))
                    where = {"Rule": r["Name"], **on_bus(bus)}
                    steps = [APICall("events", "remove_targets", {**where, "Ids": ids}, r["Name"])] if ids else []
                    steps.append(APICall("events", "delete_rule", {"Name": r["Name"], **on_bus(bus)}, r["Name"]))
                    out.append((r["Name"], steps))
        return sorted(out, key=lambda x: (x[0], x[1][-1].params.get("EventBusName", "")))


def rule_from(r, tags):
    """A Rule from describe_rule/list_rules and its ``{key: value}`` tags; the pattern
    rendered canonically, as EventBridge may hand it back with other key order or spacing."""
    text = r.get("EventPattern")
    return Rule(name=r["Name"], description=r.get("Description", "") or "",
                pattern=patterns.render(json.loads(text)) if text else None,
                schedule=r.get("ScheduleExpression"), state=r.get("State", "ENABLED"),
                tags=dict(tags), bus=r.get("EventBusName") or DEFAULT_BUS, arn=r.get("Arn"))


@dataclass(frozen=True)
class Target:
    rule: str
    id: str
    function: str                       # function name (desired); ARN resolved by the planner
    bus: str = DEFAULT_BUS
    arn: str = field(default=None, compare=False)   # the target's Arn (observed)

    @property
    def key(self):
        return ("Target", self.rule, self.id)

    def observe(self, view, found):
        if ("Rule", self.rule) not in found:
            return None                       # no rule, no targets
        for t in list_targets(view.client("events"), self.rule, self.bus):
            if t["Id"] == self.id:
                return Target(rule=self.rule, id=self.id, function=t["Arn"].rsplit(":", 1)[-1],
                              bus=self.bus, arn=t["Arn"])
        return None

    def plan(self, have, state):
        recreated = state.get(("recreated", self.rule))
        if have is not None and not recreated and arn_names(have.arn, "function", self.function):
            return []
        return [APICall("events", "put_targets", {"Rule": self.rule, **on_bus(self.bus), "Targets": [
            {"Id": self.id, "Arn": function_arn(state, self.function)}]}, self.rule)]


def list_buses(events):
    """Names of the region's event buses, the default first."""
    names, token = [], None
    while True:
        resp = events.list_event_buses(**({"NextToken": token} if token else {}))
        names.extend(b["Name"] for b in resp.get("EventBuses") or ())
        token = resp.get("NextToken")
        if not token:
            return [DEFAULT_BUS] + sorted(n for n in names if n != DEFAULT_BUS)


def list_targets(events, rule, bus=DEFAULT_BUS):
    out, token = [], None
    while True:
        resp = events.list_targets_by_rule(Rule=rule, **on_bus(bus), **({"NextToken": token} if token else {}))
        out.extend(resp.get("Targets") or ())
        token = resp.get("NextToken")
        if not token:
            return out


@dataclass(frozen=True, kw_only=True)
class RulePermission(Permission):
    """EventBridge may invoke the function for events of this one rule (SourceArn)."""
    principal: str = PRINCIPAL
    rule: str
    bus: str = DEFAULT_BUS

    def condition(self, state):
        return {"SourceArn": state.get(("rule_arn", self.rule)) or Var(f"{self.rule}.RuleArn")}

    def same(self, have, state):
        # a rule on a custom bus has the ARN ...:rule/BUS/NAME
        name = self.rule if self.bus == DEFAULT_BUS else f"{self.bus}/{self.rule}"
        return have.principal == self.principal and arn_names(have.source_arn, "rule", name)


#: what a rule trigger deploys besides the function (gc: what a policy in such a mode keeps)
MODEL_TYPES = (Rule, Target, RulePermission)


def rule_models(function, pattern=None, schedule=None, bus=DEFAULT_BUS):
    """The rule, target and permission invoking ``function`` (a models.Function) on events
    matching ``pattern`` (a dict) and/or on ``schedule``, on event bus ``bus``."""
    name = function.name
    rule = Rule(name=name, description=function.description, schedule=schedule,
                pattern=patterns.render(pattern) if pattern else None, tags=function.tags, bus=bus)
    return (rule, Target(rule=name, id=name, function=name, bus=bus),
            RulePermission(function=name, statement_id=name, rule=name, bus=bus))
