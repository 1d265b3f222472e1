"""Declared permissions cover every call: each registered action, on every type it applies to,
runs for real under moto (``maid run``, no dry flag) with the request recorder on, and so does
an event-mode policy fetching the event's resources by id; every request made, read back as
its IAM action (cloudmaid.iam.names), must be among ``permissions(policy)`` of the run's
policies. A call no declaration names fails here.

The cases, the seeds and the per-type world are the no-writes safety test's
(tests/test_safety_no_writes.py): one run per type holds a policy per action, each on its
own seed. When a run makes an uncovered call, each of its policies runs again alone, so that
the failure names the element whose declaration is missing.
"""
import pytest

from cloudmaid.iam import names, permissions
from cloudmaid.resources.catalog import CATALOG

from . import test_safety_no_writes as safety

# the safety test's fixtures: one moto world, shared service models, no sleeps
world, shared_models, no_sleep = safety.world, safety.shared_models, safety.no_sleep

#: calls every caller may make without a permission (AWS: GetCallerIdentity needs none)
UNGATED = {"sts:GetCallerIdentity"}
TYPES = sorted({t for t, _ in safety.PAIRS})


def iam_actions(calls):
    """IAM action -> the calls needing it (one request may need several actions)."""
    out = {}
    for call in calls:
        for action in names.for_signing_name(call.service, call.operation):
            out.setdefault(action, []).append(call)
    return out


def uncovered(calls, policies):
    allowed = set(UNGATED).union(*(permissions(p) for p in policies))
    return {a: c for a, c in iam_actions(calls).items() if a not in allowed}


def cases(rtype, world):
    """(flags, policies, event) runs of every action of ``rtype``, each on a fresh seed."""
    runs, pulled = [], []
    for t, name in safety.PAIRS:
        if t != rtype:
            continue
        label, ids = world.seed(rtype)
        if name in safety.EVENT_ONLY:   # acts on the event's caller: in cloudtrail mode
            runs.append((["--event"], [safety.policy(rtype, name, label, True)],
                         safety.trail_event(rtype, ids)))
        else:
            pulled.append(safety.policy(rtype, name, label, False))
    # the event path: the function fetches the event's resources by id
    label, ids = world.seed(rtype)
    fetch = {"name": f"iam-{rtype}-event", "resource": rtype, "filters": safety.select(label),
             "mode": {"type": "cloudtrail", "role": safety.ROLE,
                      "events": [safety.trail_spec(rtype)]}}
    runs.append((["--event"], [fetch], safety.trail_event(rtype, ids)))
    return [([], pulled, None)] + runs


@pytest.mark.parametrize("rtype", TYPES)
def test_declared_permissions_cover_every_call(world, tmp_path, rtype):
    for n, (flags, policies, event) in enumerate(cases(rtype, world)):
        run = safety.maid_run(tmp_path / str(n), policies, flags, event, world.hooks)
        assert run.calls, f"the recorder saw no request at all\n{run.output}"
        missing = uncovered(run.calls, policies)
        if not missing:
            continue
        # name the policy (its action) whose declarations lack the call
        blame = {}
        for i, p in enumerate(policies):
            alone = safety.maid_run(tmp_path / f"{n}-{i}", [p], flags, event, world.hooks)
            gap = uncovered(alone.calls, [p])
            if gap:
                blame[(p.get("actions") or [{"type": "(event)"}])[0]["type"]] = sorted(gap)
        assert not missing, (f"{rtype}: calls not in the declared permissions: "
                             f"{sorted(missing)}; by action: {blame or '?'}")


def test_every_type_with_actions_is_covered():
    assert set(TYPES) <= set(CATALOG) and len(TYPES) > 50


def test_a_call_no_declaration_names_is_reported():
    from .recording import Call
    stop = {"name": "p", "resource": "ec2", "actions": ["stop"]}
    calls = [Call("ec2", "DescribeInstances", ""), Call("ec2", "StopInstances", ""),
             Call("sts", "GetCallerIdentity", ""), Call("ec2", "TerminateInstances", "")]
    assert sorted(uncovered(calls, [stop])) == ["ec2:TerminateInstances"]
