"""Declared permissions cover every call: on every resource type, each registered filter and
action runs for real under moto (``maid run``, no dry flag) with the request recorder on, and
so do the type's listing, its per-resource details and, in cloudtrail mode, the fetch of the
event's resources by id; every request made, read back as its IAM action
(cloudmaid.iam.names), must be among ``permissions(policy)`` of the policy that made it. A
call no declaration names fails here.

Each request is charged to the policy being built or run when moto served it, and each policy
starts from an empty run cache but for its type's listing and details (which every policy of
the run needs with the same permissions): no related lookup or filter's read is inherited
from the policy before, so a policy's calls are its own, one run per type can hold every
policy and a failure still names the element whose declaration lacks a call. The event-mode
policies of tests/test_event_delivery.py on its fixture events check the modes' calls.

Per type: one pull run holds a policy per filter (on one seed: filters change nothing), one
per boolean block (reading every detail key, so that every detail is fetched) and one per
action (each on its own seed, the no-writes safety test's cases, tests/test_safety_no_writes.py);
one event run holds the event fetch, the filters that need an event and the actions that act
on the event's caller. A filter's options come from the registry and the docs: none when it
needs none, else Custodian's documentation examples (tests/fixtures/custodian_docs), else its
required keys filled from its schema (with OPTIONS where a placeholder would not do). A filter
with no valid options, or whose policy fails, must be listed with the reason (UNAVAILABLE,
FAILS_UNDER_MOTO); both lists are exact.
"""
import contextlib
import copy
import functools
import pathlib
import re

import pytest
import yaml

from cloudmaid.actions.core import actions
from cloudmaid.filters.base import BOOLEAN, filters
from cloudmaid.iam import names, permissions
from cloudmaid.policy import Policy
from cloudmaid.resources.catalog import CATALOG
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker, resource_name

from . import test_safety_no_writes as safety

# the safety test's fixtures: one moto world, no sleeps (conftest.py shares the service models)
world, no_sleep = safety.world, safety.no_sleep

#: calls every caller may make without a permission (AWS: GetCallerIdentity needs none)
UNGATED = {"sts:GetCallerIdentity"}
TYPES = sorted(CATALOG)
SEED = "iam-seed"   # the policy selecting the filters' seed, alone
DOCS = pathlib.Path(__file__).parent / "fixtures" / "custodian_docs"

#: filter -> options neither its schema nor the docs give a valid value for on some types
#: (a function of the type when the value depends on it)
OPTIONS = {
    # types without a CloudWatch dimension of their own: the policy names one
    "metrics": {"dimensions": {"Name": "maid"}, "namespace": "maid"},
    # a list expression: the filter matches over the load balancer's target groups
    "target-group": {"key": "[].Protocol", "value": "HTTP"},
    # the mark's op is an action of the type
    "marked-for-op": lambda rtype: [{"op": n} for n in actions.names(rtype)],
}
#: filter -> why validation refuses it on some types (so it never runs there): each such
#: refusal must say this, and every entry must still be needed
UNAVAILABLE = {
    "config-compliance": "AWS Config records no resource type for it",
}
#: filter (or (type, filter)) -> the IAM action of the call moto has not implemented, which
#: fails its policy: that call must still be recorded (and so checked) for the policy, or,
#: where moto routes no such request at all (``404: Not yet implemented``), be named by the
#: failure and declared. The list is exact: a filter that runs now must leave it.
FAILS_UNDER_MOTO = {
    "config-compliance": "config:GetComplianceDetailsByConfigRule",
    "ops-item": "ssm:DescribeOpsItems",
    "consecutive-aws-backups": "backup:ListRecoveryPointsByResource",
    "usage": "iam:GenerateServiceLastAccessedDetails",
    ("account", "access-analyzer"): "access-analyzer:ListAnalyzers",
    ("account", "service-limit"): "support:DescribeTrustedAdvisorCheckResult",
    ("ami", "image-attribute"): "ec2:DescribeImageAttribute",
    ("app-elb", "waf-enabled"): "waf-regional:ListWebACLs",
    ("ebs", "fault-tolerant"): "support:DescribeTrustedAdvisorCheckResult",
    ("ebs", "health-event"): "health:DescribeEvents",
    ("ec2", "compute-optimizer"): "compute-optimizer:GetEC2InstanceRecommendations",
    ("ec2", "cost-optimization"): "cost-optimization-hub:ListRecommendations",
    ("ec2", "image-metadata"): "ec2:DescribeInstanceImageMetadata",
    ("ec2", "ssm"): "ssm:DescribeInstanceInformation",
    ("ec2", "ssm-compliance"): "ssm:ListResourceComplianceSummaries",
    ("ec2", "ssm-inventory"): "ssm:ListInventoryEntries",
    ("iam-group", "check-permissions"): "iam:SimulatePrincipalPolicy",
    ("iam-policy", "check-permissions"): "iam:SimulateCustomPolicy",
    ("iam-role", "check-permissions"): "iam:SimulatePrincipalPolicy",
    ("iam-user", "check-permissions"): "iam:SimulatePrincipalPolicy",
    ("lambda", "check-permissions"): "iam:SimulatePrincipalPolicy",
    ("iam-user", "service-specific-credentials"): "iam:ListServiceSpecificCredentials",
    ("kms-key", "last-usage"): "kms:GetKeyLastUsage",
    ("rds", "engine"): "rds:DescribeDBEngineVersions",
    ("rds", "upgrade-available"): "rds:DescribeDBEngineVersions",
    ("security-group", "stale"): "ec2:DescribeStaleSecurityGroups",
    ("security-group", "unused"): "ec2:DescribeSecurityGroupReferences",
    ("security-group", "used"): "ec2:DescribeSecurityGroupReferences",
}


def doc_examples():
    """filter name -> [(resource type, filter data)] of Custodian's documentation examples."""
    out = {}

    def walk(items, rtype):
        for f in items or ():
            if isinstance(f, dict) and len(f) == 1 and next(iter(f)) in BOOLEAN:
                walk(f[next(iter(f))], rtype)
            elif isinstance(f, dict) and "type" in f:
                out.setdefault(f["type"], []).append((rtype, f))
    for path in sorted(DOCS.glob("*.yml")):
        for p in yaml.safe_load(path.read_text())["policies"]:
            walk(p.get("filters"), resource_name(p.get("resource")))
    return out


EXAMPLES = doc_examples()


def placeholder(schema):
    """A value of JSON schema ``schema``: its first enum member, else one of its type."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    return {"number": 1, "integer": 1, "boolean": True, "array": [], "object": {}}.get(kind, "x")


def problems(rtype, f, event_mode):
    data = {"name": "sample", "resource": rtype, "filters": [copy.deepcopy(f)]}
    if event_mode:
        data["mode"] = {"type": "cloudtrail", "role": safety.ROLE,
                        "events": [safety.trail_spec(rtype)]}
    return [message for _, message, _ in PolicyChecker(data).run()]


def candidates(rtype, name):
    """Filter data to try, most specific first."""
    cls = filters.get(name, rtype)
    bare = {"type": name}
    missing = {m.group(1) for p in problems(rtype, bare, False)
               for m in [re.search(r"missing required key '([^']+)'", p)] if m}
    filled = {**bare, **{k: placeholder(cls.schema.get(k, {}))
                         for k in sorted(set(cls.required) | missing)}}
    docs = EXAMPLES.get(name, [])
    out = [bare] + [f for r, f in docs if r == rtype] + [f for r, f in docs if r != rtype]
    extra = OPTIONS.get(name, {})
    extra = extra(rtype) if callable(extra) else [extra]
    return out + [{**filled, **e} for e in extra if e] + [filled]


def sample(rtype, name):
    """``(filter data, needs an event mode)`` valid on ``rtype``, or ``(None, why not)``."""
    f, event_mode = _sample(rtype, name)
    return copy.deepcopy(f), event_mode


@functools.lru_cache(maxsize=None)
def _sample(rtype, name):
    tried = candidates(rtype, name)
    for event_mode in (False, True):
        for f in tried:
            if not problems(rtype, f, event_mode):
                return f, event_mode
    return None, problems(rtype, tried[-1], False)[0]


def blocks(rtype):
    """A policy filter per boolean block, each reading every detail key of the type (the id
    when it has none): the details are fetched for the seed."""
    row = CATALOG[rtype]
    keys = list(row.detail_keys) or [row.id]
    return {b: {b: [{"type": "value", "key": k, "value": "present"} for k in keys]}
            for b in BOOLEAN}


def cases(rtype, world):
    """``([(flags, policies, event)], refused, ids)``: the pull run and the event run of
    ``rtype``, the filters validation refuses on it (name -> why) and the filters' seed."""
    label, ids = world.seed(rtype)   # the filters' seed
    elabel, eids = world.seed(rtype)   # the event's
    trail = {"type": "cloudtrail", "role": safety.ROLE, "events": [safety.trail_spec(rtype)]}
    pulled = [{"name": safety.policy_name(rtype, SEED), "resource": rtype,
               "filters": safety.select(label)}]
    # the event path: the function fetches the event's resources by id
    evented = [{"name": f"iam-{rtype}-event", "resource": rtype, "mode": trail,
                "filters": safety.select(elabel)}]
    refused = {}
    for name in filters.names(rtype):
        if not filters.get(name, rtype).__module__.startswith("cloudmaid."):
            continue   # registered by another test module in this worker
        f, event_mode = (blocks(rtype)[name], False) if name in BOOLEAN else sample(rtype, name)
        if f is None:
            refused[name] = event_mode
        elif event_mode:
            evented.append({"name": f"iam-{rtype}-filter-{name}", "resource": rtype,
                            "mode": trail, "filters": safety.select(elabel) + [f]})
        else:
            pulled.append({"name": f"iam-{rtype}-filter-{name}", "resource": rtype,
                           "filters": safety.select(label) + [f]})
    for t, name in safety.PAIRS:
        if t != rtype:
            continue
        if name in safety.EVENT_ONLY:   # acts on the event's caller
            evented.append(safety.policy(rtype, name, elabel, True))
        else:
            pulled.append(safety.policy(rtype, name, world.seed(rtype)[0], False))
    return ([([], pulled, None), (["--event"], evented, safety.trail_event(rtype, eids))],
            refused, ids)


@contextlib.contextmanager
def charged():
    """Yields a list filled, in order, with the name of the policy each recorded request was
    made for (None: outside any policy): the policy being built or run at the time. Each
    policy starts from an empty run cache but for its type's listing and details, so that
    it makes its own calls."""
    from moto.moto_api import recorder
    owners, current = [], [None]
    record, init = recorder._record_request, Policy.__init__

    def charge(request, *args, **kwargs):
        if recorder._user_enabled and not request.raw_path.startswith("/moto-api/recorder/"):
            owners.append(current[0])
        return record(request, *args, **kwargs)

    def build(self, data, ctx):
        own = data.get("resource")
        if data.get("name") != current[0]:   # not a policy it runs itself (missing's)
            # kept: the type's own listing and details, which every policy of the run reads
            # with the same permissions (the type's): fetched once, for speed
            keep = {(own, ctx.region), (own + "-details", ctx.region)}
            for key in [k for k in ctx.cache if k not in keep]:
                del ctx.cache[key]
        current[0] = data.get("name")
        init(self, data, ctx)
    # each action acts on its own seed, which no other policy touches: the listing a write
    # would make the next policy read again is still right for every other seed
    forget, ResourceManager.invalidate = ResourceManager.invalidate, lambda self: None
    recorder._record_request, Policy.__init__ = charge, build
    try:
        yield owners
    finally:
        recorder._record_request, Policy.__init__ = record, init
        ResourceManager.invalidate = forget


def iam_actions(call):
    return names.for_signing_name(call.service, call.operation)


def uncovered(calls, owners, policies):
    """policy name -> the IAM actions of its calls its permissions lack (None: calls made
    outside any policy, which some policy of the run must allow)."""
    allowed = {p["name"]: set(permissions(p)) | UNGATED for p in policies}
    anyone = set().union(*allowed.values())
    out = {}
    for call, owner in zip(calls, owners):
        for action in iam_actions(call):
            if action not in allowed.get(owner, anyone):
                out.setdefault(owner, set()).add(action)
    return {k: sorted(v) for k, v in out.items()}


def failed(output, policies):
    """Names of the policies whose run failed (one ``NAME: ... failed`` line)."""
    return {p["name"] for p in policies
            if any(line.startswith(p["name"] + ": ") and "failed" in line
                   for line in output.splitlines())}


@pytest.mark.parametrize("rtype", TYPES)
def test_declared_permissions_cover_every_call(world, tmp_path, rtype):
    runs, refused, ids = cases(rtype, world)
    for name, why in refused.items():
        assert name in UNAVAILABLE and UNAVAILABLE[name] in why, (
            f"{rtype}: no valid options for filter '{name}' ({why}): give it OPTIONS")
    broken, made, lines = set(), {}, []
    for n, (flags, policies, event) in enumerate(runs):
        with charged() as owners:
            run = safety.maid_run(tmp_path / str(n), policies, flags, event, world.hooks)
        assert run.calls, f"the recorder saw no request at all\n{run.output}"
        assert len(owners) == len(run.calls)
        assert "Traceback" not in run.output, run.output
        if not flags:   # every filter's policy had the seed to work on
            assert set(run.matched(rtype, SEED)) == set(ids), run.output
        missing = uncovered(run.calls, owners, policies)
        assert not missing, (f"{rtype}: calls not in the policy's declared permissions: "
                             f"{missing}")
        down = {p for p in failed(run.output, policies) if "-filter-" in p}
        broken |= {p.rsplit("-filter-", 1)[1] for p in down}
        lines += [line for line in run.output.splitlines() if line.split(":")[0] in down]
        for call, owner in zip(run.calls, owners):
            made.setdefault(owner, set()).update(iam_actions(call))
    known = {f: FAILS_UNDER_MOTO.get((rtype, f), FAILS_UNDER_MOTO.get(f))
             for f in filters.names(rtype) if f not in refused}
    known = {f: a for f, a in known.items() if a}
    assert broken == set(known), (f"{rtype}: filters failing under moto {sorted(broken)}, "
                                  f"listed {sorted(known)}\n" + "\n".join(lines))
    for f, action in known.items():
        name = f"iam-{rtype}-filter-{f}"
        if action in made.get(name, ()):
            continue
        line = next(x for x in lines if x.startswith(name + ": "))
        policy = next(p for _, ps, _ in runs for p in ps if p["name"] == name)
        assert f"{action.split(':')[1]}: 404: Not yet implemented" in line, (
            f"{rtype}/{f}: fails before calling {action}: {line}")
        assert action in permissions(policy), f"{rtype}/{f} does not declare {action}"


#: event-mode policies beyond the delivery table's, and the fixture event reaching each
MORE_MODES = [
    ({"name": "on-launch", "resource": "asg",
      "mode": {"type": "asg-instance-state", "events": ["launch-success"]}},
     "asg-launch-successful.json"),
]


def mode_cases(delivery):
    """``[(event, policies)]``: each fixture event of tests/test_event_delivery.py with the
    policies of its table it reaches (the schedule and Config rule named as theirs), and
    MORE_MODES."""
    by_name = {p["name"]: p for p in delivery.ALL}
    out = [(delivery.fixture(event), [by_name[i] for i in sorted(names)])
           for event, names in sorted(delivery.DELIVERED.items()) if names]
    # (without its snapshot action: it would snapshot every volume of the world)
    out.append((delivery.scheduled([delivery.RULE_ARN]),
                [{k: v for k, v in delivery.SNAPSHOTS.items() if k != "actions"}]))
    out.append((dict(delivery.fixture("config-rule-invocation.json"),
                     configRuleName="maid-owner-config"), [delivery.CONFIG]))
    out += [(delivery.fixture(event), [p]) for p, event in MORE_MODES]
    return [(e, [dict(p, mode=dict(p["mode"], role=safety.ROLE)) for p in ps]) for e, ps in out]


def test_modes_declare_their_calls(world, tmp_path):
    """Every event mode: its policies on the fixture events reaching them, run as their
    function would; the mode's own calls (fetching the event's resources, Config
    evaluations) are within its permissions."""
    from cloudmaid.modes.core import modes
    from . import test_event_delivery as delivery
    seen = {"pull"}   # every type's pull run above
    for n, (event, policies) in enumerate(mode_cases(delivery)):
        with charged() as owners:
            run = safety.maid_run(tmp_path / str(n), policies, ["--event"], event, world.hooks)
        assert "Traceback" not in run.output and len(owners) == len(run.calls), run.output
        assert not uncovered(run.calls, owners, policies), run.output
        names = {p["name"] for p in policies}
        assert set(owners) >= names, f"a policy made no call\n{run.output}"
        seen |= {p["mode"]["type"] for p in policies}
    assert seen == set(modes.all_names())


def test_unavailable_filters_are_still_refused():
    refused = {name for rtype in TYPES for name in filters.names(rtype)
               if name not in BOOLEAN and sample(rtype, name)[0] is None}
    assert refused == set(UNAVAILABLE)
    for key in FAILS_UNDER_MOTO:   # each entry names a filter that runs somewhere
        rtype, name = key if isinstance(key, tuple) else (None, key)
        assert any(name in filters.names(t) for t in ([rtype] if rtype else TYPES)), key


def test_every_type_with_actions_is_covered():
    assert {t for t, _ in safety.PAIRS} <= set(TYPES) == set(CATALOG) and len(TYPES) > 50


def test_a_call_no_declaration_names_is_reported():
    from .recording import Call
    stop = {"name": "p", "resource": "ec2", "actions": ["stop"]}
    value = {"name": "v", "resource": "ec2", "filters": [{"State.Name": "running"}]}
    calls = [Call("ec2", "DescribeInstances", ""), Call("ec2", "StopInstances", ""),
             Call("sts", "GetCallerIdentity", ""), Call("ec2", "TerminateInstances", ""),
             Call("ec2", "StopInstances", ""), Call("ec2", "DescribeVolumes", "")]
    owners = ["p", "p", None, "p", "v", None]
    assert uncovered(calls, owners, [stop, value]) == {
        "p": ["ec2:TerminateInstances"], "v": ["ec2:StopInstances"], None: ["ec2:DescribeVolumes"]}
