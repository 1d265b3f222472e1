"""Policies whose EventBridge patterns are identical, served by fewer rules (``--share-rules``)
or by one function (``--bundle``, mu/bundle.py).

One rule per policy exhausts a bus's rule quota (300 by default) and, with 90 policies on
RunInstances, means 90 rules matching every launch. Policies whose rendered pattern and bus
are the same form a *pattern group*; with ``--share-rules`` the group's functions are the
targets of shared rules, at most ``MAX_TARGETS`` each (EventBridge allows 5 targets per rule),
named ``<prefix>shared-<group id>-<n>``. The group id is a digest of prefix, bus and pattern,
so a later deploy (sharing on or off) finds what an earlier one left, from the region's rule
listing alone: switching sharing off removes the group's shared rules, switching it on
removes the policies' own rules.

The models here follow models.py (key, observe, plan). Names are derived, ARNs computed, so a
shared rule can be planned once for its group, after its members' functions exist.
"""
import hashlib
import json
import re
from dataclasses import dataclass, field

from .eventbridge import DEFAULT_BUS, Rule, RulePermission, Target, list_targets, on_bus
from ..modes.core import DEFAULT_PREFIX
from .models import TAG_INFO, TAG_POLICY
from .planner import APICall

#: EventBridge's limit of targets per rule
MAX_TARGETS = 5
SHARED = re.compile(r"shared-[0-9a-f]{10}-\d+$")


def digest(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]


def pattern_rule(dep):
    """The Rule of a deployment whose trigger is one EventBridge pattern rule (with its target
    and permission), else None: only those can share."""
    rules = [m for m in dep.triggers if isinstance(m, Rule)]
    if len(rules) != 1 or not rules[0].pattern or rules[0].schedule:
        return None
    if sum(isinstance(m, (Target, RulePermission)) for m in dep.triggers) != 2:
        return None
    return rules[0]


def own_models(dep):
    """The deployment's models other than its rule, target and permission (its function, an
    execution role, ...), in order."""
    return tuple(m for m in dep.models() if not isinstance(m, (Rule, Target, RulePermission)))


def prefix_of(policy):
    """The policy's ``function-prefix`` (shared rules and bundles carry it too)."""
    return policy.mode.data.get("function-prefix", DEFAULT_PREFIX)


def group_id(policy, rule):
    return digest(prefix_of(policy), rule.bus, rule.pattern)


def shared_name(prefix, gid, n):
    return f"{prefix}shared-{gid}-{n}"


def is_shared(name):
    return bool(SHARED.search(name or ""))


def rule_arn(ctx, name, bus=DEFAULT_BUS):
    path = name if bus == DEFAULT_BUS else f"{bus}/{name}"
    return f"arn:{ctx.partition}:events:{ctx.region}:{ctx.account_id}:rule/{path}"


def function_arn(ctx, name):
    return f"arn:{ctx.partition}:lambda:{ctx.region}:{ctx.account_id}:function:{name}"


# -- models ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleTargets:
    """The exact set of functions a shared rule invokes (target id = function name)."""
    rule: str
    functions: tuple                  # function names, sorted
    arns: tuple = ()                  # their ARNs, same order (desired side)
    bus: str = DEFAULT_BUS

    @property
    def key(self):
        return ("Targets", self.bus, self.rule)

    def observe(self, view, found):
        if ("Rule", self.rule) not in found:
            return None
        got = list_targets(view.client("events"), self.rule, self.bus)
        return RuleTargets(rule=self.rule, bus=self.bus, functions=tuple(sorted(t["Id"] for t in got)),
                           arns=tuple(t["Arn"] for t in sorted(got, key=lambda t: t["Id"])))

    def plan(self, have, state):
        have_ids = dict(zip(have.functions, have.arns)) if have else {}
        want = dict(zip(self.functions, self.arns))
        calls = []
        stale = sorted(i for i in have_ids if i not in want)
        if stale:
            calls.append(APICall("events", "remove_targets", {"Rule": self.rule, "Ids": stale,
                                                              **on_bus(self.bus)}, self.rule))
        put = [{"Id": i, "Arn": a} for i, a in sorted(want.items()) if have_ids.get(i) != a]
        if put:
            calls.append(APICall("events", "put_targets", {"Rule": self.rule, **on_bus(self.bus),
                                                           "Targets": put}, self.rule))
        return calls


@dataclass(frozen=True)
class AbsentRule:
    """A rule of ours that must not exist (a policy's own rule once it shares or is bundled, a
    shared rule no longer needed): removed with its targets. A rule not tagged by us is never
    touched."""
    name: str
    bus: str = DEFAULT_BUS
    targets: tuple = field(default=(), compare=False)     # observed target ids

    @property
    def key(self):
        return ("Absent rule", self.bus, self.name)

    def observe(self, view, found):
        r = view.rule(self.name, self.bus)
        if r is None:
            return None
        events = view.client("events")
        tags = view.tags(r["Arn"], lambda: {t["Key"]: t["Value"] for t in events.list_tags_for_resource(
            ResourceARN=r["Arn"]).get("Tags") or ()})
        if TAG_POLICY not in tags:
            return None
        ids = tuple(sorted(t["Id"] for t in list_targets(events, self.name, self.bus)))
        return AbsentRule(name=self.name, bus=self.bus, targets=ids)

    def plan(self, have, state):
        if have is None:
            return []
        calls = [APICall("events", "remove_targets", {"Rule": self.name, "Ids": list(have.targets),
                                                       **on_bus(self.bus)}, self.name)] if have.targets else []
        return calls + [APICall("events", "delete_rule", {"Name": self.name, **on_bus(self.bus)}, self.name)]


@dataclass(frozen=True)
class AbsentFunction:
    """A function of ours that must not exist (a bundled policy's own function, a bundle no
    longer wanted). Its invoke permissions go with it."""
    name: str

    @property
    def key(self):
        return ("Absent function", self.name)

    def observe(self, view, found):
        c = view.function(self.name)
        if c is None:
            return None
        lam = view.client("lambda")
        tags = view.tags(c["FunctionArn"], lambda: lam.list_tags(Resource=c["FunctionArn"]).get("Tags") or {})
        return self if TAG_POLICY in tags else None

    def plan(self, have, state):
        return [] if have is None else [APICall("lambda", "delete_function", {"FunctionName": self.name}, self.name)]


@dataclass(frozen=True, kw_only=True)
class SharedRulePermission(RulePermission):
    """EventBridge may invoke the function for events of its shared rule (ARN computed: the
    rule is planned with its group, after the functions)."""
    arn: str

    def condition(self, state):
        return {"SourceArn": self.arn}


# -- planning a deploy with shared rules --------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    """What one line of a deploy's output plans and applies: a policy, a bundle, a group's
    shared rules, or the removal of what a group no longer uses."""
    label: str
    models: tuple
    where: str = ""                   # file:line for errors


def existing_shared(view, prefix, gid, bus):
    """Indexes of the group's shared rules that exist now (from the rule listing)."""
    head = f"{prefix}shared-{gid}-"
    names = view.rule_names(bus)
    return sorted(int(n[len(head):]) for n in names if n.startswith(head) and n[len(head):].isdigit())


def shared_units(groups, ctx, view):
    """``groups``: ``{(prefix, gid, bus, pattern, description): [(policy label, where, Deployment)]}``.
    Returns three lists of units, applied one list after the other: per member its function
    and the permission for its shared rule; per group the shared rules and their targets
    (targets name existing functions) with the chunks no longer needed removed; per member
    the removal of its own rule (once the shared one delivers, so no event is missed)."""
    members, rules, own = [], [], []
    for (prefix, gid, bus, pattern, description), deps in sorted(groups.items()):
        deps = sorted(deps, key=lambda d: d[2].function.name)
        chunks = [deps[i:i + MAX_TARGETS] for i in range(0, len(deps), MAX_TARGETS)]
        models = []
        for n, chunk in enumerate(chunks):
            name = shared_name(prefix, gid, n)
            tags = {**{k: v for k, v in chunk[0][2].function.tags.items() if k not in (TAG_POLICY, TAG_INFO)},
                    TAG_POLICY: name, TAG_INFO: chunk[0][2].function.tags.get(TAG_INFO, "") + ":shared"}
            models.append(Rule(name=name, description=description, pattern=pattern, tags=tags, bus=bus))
            fns = tuple(d.function.name for _, _, d in chunk)
            models.append(RuleTargets(rule=name, functions=fns, bus=bus,
                                      arns=tuple(function_arn(ctx, f) for f in fns)))
            for label, where, dep in chunk:
                fn = dep.function
                members.append(Unit(label, own_models(dep) + (SharedRulePermission(
                    function=fn.name, statement_id=fn.name, rule=name, bus=bus,
                    arn=rule_arn(ctx, name, bus)),), where))
                own.append(Unit(f"{label} (own rule, now shared)", (AbsentRule(name=fn.name, bus=bus),), where))
        models += [AbsentRule(name=shared_name(prefix, gid, n), bus=bus)
                   for n in existing_shared(view, prefix, gid, bus) if n >= len(chunks)]
        rules.append(Unit(f"shared rules {prefix}shared-{gid}-* ({len(deps)} policies, "
                          f"{len(chunks)} rule{'s' if len(chunks) != 1 else ''}) in {ctx.region}",
                          tuple(models)))
    # a member's own rule that does not exist plans nothing and prints nothing
    own = [u for u in own if view.rule(u.models[0].name, u.models[0].bus) is not None]
    return members, rules, own


def cleanup_shared(view, prefix, gid, bus):
    """Models removing a group's shared rules (sharing is off): empty when there are none."""
    return tuple(AbsentRule(name=shared_name(prefix, gid, n), bus=bus)
                 for n in existing_shared(view, prefix, gid, bus))
