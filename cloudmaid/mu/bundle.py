"""``--bundle``: the policies subscribed to one EventBridge pattern served by one function.

90 policies on RunInstances deployed one function each mean 90 rules matching every launch and
90 cold starts. A bundle is one rule and one function whose zip carries every member policy
(config.json ``{"bundle": [{"policy", "options"}, ...]}``); on an event the handler runs each
member as its own function would (its own delivery check, describe, filters, actions, output
folder and log line), one after the other, sharing the event's describes, and a member that
fails does not stop the others (mu/handler.py ``run_bundle``).

Members must be able to share one function: same pattern, bus, role, function settings
(memory, timeout, runtime, layers, VPC, environment, ...), execution-options and log setting.
Policies that differ in any of these form separate bundles; a group of one deploys as its own
function. The bundle's name derives from what its members share (``<prefix>bundle-<digest>``),
so a later deploy, bundling or not, finds it from the function listing: bundling removes the
members' own functions and rules, not bundling removes the bundle.
"""
import dataclasses
import json

from . import iamrole, package
from .eventbridge import rule_models
from .models import TAG_INFO, TAG_POLICY, Deployment
from .sharing import AbsentFunction, AbsentRule, digest, own_models, pattern_rule, prefix_of

MAX_DESCRIPTION = 256


#: mode keys that shape the function: members of one bundle must agree on all of them
FUNCTION_KEYS = ("role", "handler", "runtime", "memory", "timeout", "tags", "environment",
                 "concurrency", "dead_letter_config", "layers", "subnets", "security_groups",
                 "kms_key_arn", "tracing_config", "execution-options", "log")


def bundle_key(policy, dep=None):
    """What the members of one bundle share (prefix, bus, pattern, function settings), or None
    when the policy cannot be bundled: not delivered by one pattern rule, or (``dep``, its
    Deployment) it needs models of its own beyond function and rule (``role: auto``)."""
    mode = policy.mode
    if not hasattr(mode, "base_pattern") or iamrole.is_auto(policy.data):
        return None
    rule = mode.rule()
    if set(rule) != {"pattern"} or not rule["pattern"]:
        return None       # a pattern rule that also runs on a timer
    if dep is not None and (pattern_rule(dep) is None or own_models(dep) != (dep.function,)):
        return None
    from ..events import pattern
    settings = {k: mode.data[k] for k in FUNCTION_KEYS if k in mode.data}
    return (prefix_of(policy), mode.data.get("event-bus") or "default", pattern.render(rule["pattern"]),
            json.dumps(settings, sort_keys=True, default=str))


def bundle_name(key):
    return f"{key[0]}bundle-{digest(*key)}"


def description(names):
    text = "cloudmaid bundle: " + ", ".join(names)
    return text if len(text) <= MAX_DESCRIPTION else text[:MAX_DESCRIPTION - 3] + "..."


def deployment(key, members):
    """The Deployment of one bundle. ``members``: ``[(raw policy data, policy, Deployment)]``
    sorted by policy name (the order the handler serves them in)."""
    first = members[0][2].function
    rule = pattern_rule(members[0][2])
    name = bundle_name(key)
    code, sha = package.build_bundle([
        (raw, (raw.get("mode") or {}).get("execution-options") or {}) for raw, _, _ in members])
    tags = {k: v for k, v in first.tags.items() if k not in (TAG_POLICY, TAG_INFO)}
    mode_info = first.tags.get(TAG_INFO, "")
    tags.update({TAG_POLICY: name, TAG_INFO: f"{mode_info}:bundle={len(members)}"})
    fn = dataclasses.replace(first, name=name, description=description([p.name for _, p, _ in members]),
                             code=code, code_sha256=sha, tags=tags, arn=None)
    return Deployment(policy=name, function=fn,
                      triggers=rule_models(fn, pattern=json.loads(rule.pattern), bus=rule.bus))


def member_cleanup(dep):
    """What a bundled policy's own deployment left: its rule (targets first), its function."""
    rule = pattern_rule(dep)
    return (AbsentRule(name=dep.function.name, bus=rule.bus), AbsentFunction(name=dep.function.name))


def bundle_cleanup(key):
    """A bundle no longer wanted for ``key``: its rule, then its function."""
    name = bundle_name(key)
    return (AbsentRule(name=name, bus=key[1]), AbsentFunction(name=name))

