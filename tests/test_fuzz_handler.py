"""The Lambda handler on random and mutated events: never an exception, always a record with a
known status, and never an action on a resource the event does not name.

Four event-mode policies (cloudtrail, ec2-instance-state, guard-duty, periodic) each tag with
their own key; moto holds a few seeded instances. Events start from the real-shaped fixtures,
name some seeded instances, unknown ids, ids of other types or junk, and are then mutated
(values replaced, keys dropped or added, shapes wrapped), or are garbage outright.
"""
import copy
import json
from types import SimpleNamespace

import boto3
import hypothesis
import jmespath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudmaid.context import Context
from cloudmaid.modes.core import EventMode
from cloudmaid.mu import handler
from cloudmaid.policy import Policy
from cloudmaid.session import SessionFactory

from .seeders import fixture

ACCOUNT = "123456789012"   # moto's default account
REGION = "us-east-1"
FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=120,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
STATUSES = {"skipped", "invalid", "ok", "error"}
FILTER = [{"tag:fuzz": "seeded"}]


def tagging(name, mode):
    return {"name": f"fuzz-{name}", "resource": "ec2", "filters": FILTER,
            "mode": dict(mode, role="maid-role", delay=0),
            "actions": [{"type": "tag", "key": f"hit-{name}", "value": "yes"}]}


#: policy name -> (policy, fixture, the path of the ids in the event, the envelope that the
#: trigger delivers: dotted path -> allowed values)
CASES = {
    "cloudtrail": (
        tagging("cloudtrail", {"type": "cloudtrail", "events": ["RunInstances"]}),
        "cloudtrail-run-instances.json",
        "detail.responseElements.instancesSet.items[].instanceId",
        {"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"],
         "detail.eventSource": ["ec2.amazonaws.com"], "detail.eventName": ["RunInstances"],
         "detail.errorCode": [None]}),
    "state": (
        tagging("state", {"type": "ec2-instance-state", "events": ["pending", "running"]}),
        "ec2-instance-state-pending.json", "detail.\"instance-id\"",
        {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"],
         "detail.state": ["pending", "running"]}),
    "guardduty": (
        tagging("guardduty", {"type": "guard-duty"}),
        "guardduty-finding-ec2.json", "detail.resource.instanceDetails.instanceId",
        {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
         "detail.resource.resourceType": ["Instance"]}),
}
PERIODIC = tagging("periodic", {"type": "periodic", "schedule": "rate(1 day)"})
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/maid-fuzz-periodic"
FIXTURES = sorted({c[1] for c in CASES.values()} | {
    "scheduled-event.json", "cloudtrail-run-instances-error.json", "cloudtrail-create-volume.json",
    "asg-launch-successful.json", "config-rule-invocation.json"})


@pytest.fixture(scope="module")
def world():
    from moto import mock_aws
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        mp.setattr(EventMode, "sleep", staticmethod(lambda s: None))
        ec2 = boto3.client("ec2", region_name=REGION)
        image = ec2.register_image(Name="base", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
            {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
        seeded = [i["InstanceId"] for i in ec2.run_instances(
            ImageId=image, MinCount=4, MaxCount=4, InstanceType="t3.micro",
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "fuzz", "Value": "seeded"}]}])["Instances"]]
        ctx = Context(SessionFactory(region=REGION), region=REGION, account_id=ACCOUNT)
        policies = {name: Policy(case[0], ctx) for name, case in CASES.items()}
        policies["periodic"] = Policy(PERIODIC, ctx)
        yield SimpleNamespace(ec2=ec2, seeded=seeded, policies=policies)


def hits(world):
    """Seeded instance -> the policies whose tag it carries; clears those tags."""
    out = {}
    for r in world.ec2.describe_instances(InstanceIds=world.seeded)["Reservations"]:
        for i in r["Instances"]:
            keys = {t["Key"][4:] for t in i.get("Tags") or () if t["Key"].startswith("hit-")}
            if keys:
                out[i["InstanceId"]] = keys
    if out:
        world.ec2.delete_tags(Resources=list(out), Tags=[{"Key": f"hit-{k}"}
                                                         for k in set().union(*out.values())])
    return out


def lambda_context(name):
    return SimpleNamespace(aws_request_id="req-fuzz", function_name=f"maid-fuzz-{name}",
                           invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:maid-fuzz-{name}")


def run_all(world, event):
    """Every policy on the event; -> (records by policy, tagged: instance -> policies)."""
    records = {}
    for name, policy in world.policies.items():
        record = handler.process(policy, copy.deepcopy(event), lambda_context(name))
        assert record["status"] in STATUSES, record
        records[name] = record
    return records, hits(world)


def named(event, path):
    """The string ids at the policy's ids path (what the event names for that policy)."""
    found = jmespath.search(path, event) if isinstance(event, dict) else None
    flat, todo = set(), [found]
    while todo:
        v = todo.pop()
        if isinstance(v, list):
            todo.extend(v)
        elif isinstance(v, str):
            flat.add(v)
    return flat


def delivered(event, envelope):
    """Whether the event's envelope is exactly the one the trigger delivers (no arrays, no
    lookalikes: mutated envelopes get the weaker, subset check only)."""
    if not isinstance(event, dict):
        return False
    for path, allowed in envelope.items():
        node = event
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node not in allowed:
            return False
    return True


def scheduled_for_rule(event):
    return (isinstance(event, dict) and event.get("source") == "aws.events"
            and event.get("detail-type") == "Scheduled Event"
            and isinstance(event.get("resources"), list) and RULE_ARN in event["resources"])


def check_safety(world, event, records, tagged):
    """No resource gets a policy's tag unless the event names it for that policy."""
    for iid, policies in tagged.items():
        for name in policies:
            if name == "periodic":   # a schedule names no resource: it runs on all of them
                assert scheduled_for_rule(event), (event, records[name])
                continue
            assert iid in named(event, CASES[name][2]), (
                f"{name} tagged {iid}, which the event does not name: {records[name]}")
            assert records[name]["status"] in ("ok", "error")


# -- events -----------------------------------------------------------------------------------
junk_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                         st.text(max_size=12), st.sampled_from(["", "i-", "i-0", "vol-0123", "*",
                                                                "\x00", "i-" + "f" * 5000]))
junk = st.recursive(junk_scalars, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=10)


UNRESOLVABLE = ["i-0123456789abcdef0", "i-", "i-0", "i-" + "f" * 5000]   # no such instance


@st.composite
def ids(draw, seeded, unresolvable=True):
    """Some seeded ids, ids of other types, junk; and (``unresolvable``) instance ids that
    name no instance, or a seeded id with a trailing space."""
    pool = [st.sampled_from(seeded), st.sampled_from(seeded), st.just("vol-0123456789abcdef0"),
            st.just("I-" + seeded[0][2:]), junk_scalars.filter(lambda v: not (
                isinstance(v, str) and v.startswith("i-")))]
    if unresolvable:
        pool += [st.sampled_from(UNRESOLVABLE), st.just(seeded[0] + " "), junk_scalars]
    return draw(st.lists(st.one_of(pool), max_size=6))


def place_ids(event, name, values):
    detail = event.setdefault("detail", {})
    if name == "cloudtrail":
        items = detail["responseElements"]["instancesSet"]["items"]
        detail["responseElements"]["instancesSet"]["items"] = [
            dict(copy.deepcopy(items[0]), instanceId=v) for v in values]
    elif name == "state":
        detail["instance-id"] = values[0] if values else None
    else:
        detail["resource"]["instanceDetails"]["instanceId"] = values[0] if values else None


def slots(node, out):
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in list(items):
        out.append((node, k))
        slots(v, out)
    return out


@st.composite
def mutate(draw, event):
    holder = {"event": event}
    for _ in range(draw(st.integers(0, 4))):
        container, key = draw(st.sampled_from(slots(holder, [])))
        how = draw(st.sampled_from(["replace", "delete", "add", "wrap", "null"]))
        if how == "replace":
            container[key] = draw(junk)
        elif how == "delete" and container is not holder:
            del container[key]
        elif how == "add" and isinstance(container[key], dict):
            container[key][draw(st.text(max_size=8))] = draw(junk)
        elif how == "wrap":
            container[key] = [container[key]]
        elif how == "null":
            container[key] = None
    return holder["event"]


@st.composite
def events(draw, seeded, mutated=True):
    name = draw(st.sampled_from(sorted(CASES)))
    event = fixture(CASES[name][1])
    place_ids(event, name, draw(ids(seeded, unresolvable=mutated)))
    return draw(mutate(event)) if mutated else event


GARBAGE = st.one_of(
    junk, st.lists(junk, max_size=3),
    st.builds(lambda n: [None] * n, st.integers(0, 10000)),
    st.builds(lambda d: nested(d), st.integers(1, 200)),
    st.builds(lambda s: {"detail": s, "source": s, "detail-type": s}, junk),
    st.just({"detail": {"responseElements": {"instancesSet": {"items": [{"instanceId": "i-1"}] * 5000}}},
             "source": "aws.ec2", "detail-type": "AWS API Call via CloudTrail"}),
    st.sampled_from(FIXTURES).map(fixture).flatmap(mutate))


def nested(depth):
    event = None
    for _ in range(depth):
        event = {"detail": event, "source": [event]}
    return event


# -- properties -------------------------------------------------------------------------------
@FUZZ
@given(data=st.data())
def test_mutated_events_never_act_beyond_what_they_name(world, data):
    event = data.draw(events(world.seeded))
    records, tagged = run_all(world, event)
    check_safety(world, event, records, tagged)


@settings(FUZZ, max_examples=100)
@given(event=GARBAGE)
def test_garbage_events_return_a_record_and_act_on_nothing(world, event):
    records, tagged = run_all(world, event)
    check_safety(world, event, records, tagged)


@settings(FUZZ, max_examples=50)
@given(data=st.data())
def test_delivered_events_act_on_every_seeded_instance_they_name(world, data):
    """Not vacuous: an event as its trigger delivers it gets the action on exactly the
    seeded instances it names, ids of other types and junk beside them notwithstanding."""
    event = data.draw(events(world.seeded, mutated=False))
    records, tagged = run_all(world, event)
    check_safety(world, event, records, tagged)
    for name, (_, _, path, envelope) in CASES.items():
        if not delivered(event, envelope):
            continue
        expected = named(event, path) & set(world.seeded)
        hypothesis.event(f"{name}: acts on {len(expected)}")
        got = {i for i, policies in tagged.items() if name in policies}
        assert got == expected, (name, records[name])


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_trigger_acts_on_what_its_event_names(world, name):
    event = fixture(CASES[name][1])
    place_ids(event, name, world.seeded[1:3])
    records, tagged = run_all(world, event)
    expected = named(event, CASES[name][2])
    assert expected and expected <= set(world.seeded[1:3])
    assert records[name]["status"] == "ok", records[name]
    assert {i for i, p in tagged.items() if name in p} == expected
    assert all(set(p) == {name} for p in tagged.values())   # the other triggers skip it


@pytest.mark.parametrize("other", UNRESOLVABLE)
def test_an_id_naming_no_instance_does_not_hide_the_others(world, other):
    """A RunInstances event naming a live instance and one that is gone (or malformed) acts
    on the live one: one bad id must not fail the whole describe (Cloud Custodian resolves
    none of them then: ``event ids not resolved``)."""
    event = fixture("cloudtrail-run-instances.json")
    place_ids(event, "cloudtrail", [world.seeded[0], other])
    records, tagged = run_all(world, event)
    assert records["cloudtrail"]["status"] == "ok", records["cloudtrail"]
    assert {i for i, p in tagged.items() if "cloudtrail" in p} == {world.seeded[0]}


def test_a_schedule_for_the_rule_tags_every_seeded_instance(world):
    event = fixture("scheduled-event.json")
    event["resources"] = [RULE_ARN]
    records, tagged = run_all(world, event)
    assert records["periodic"]["status"] == "ok", records["periodic"]
    assert {i for i, p in tagged.items() if "periodic" in p} == set(world.seeded)
    assert all(records[n]["status"] == "skipped" for n in CASES)


# -- through the deployed entry point: config.json, member accounts ---------------------------
@pytest.fixture(scope="module")
def deployed(world, tmp_path_factory):
    root = tmp_path_factory.mktemp("function")
    policy = copy.deepcopy(CASES["cloudtrail"][0])
    policy["mode"]["member-role"] = "arn:aws:iam::{account_id}:role/maid-member"
    (root / "config.json").write_text(json.dumps({"policy": policy, "options": {}}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(handler.ROOT_ENV, str(root))
        handler.reset()
        yield
        handler.reset()


@settings(FUZZ, max_examples=50)
@given(data=st.data(), account=st.one_of(st.just(ACCOUNT), st.just("210987654321"), junk))
def test_handler_entry_point_with_member_role(world, deployed, data, account):
    event = data.draw(events(world.seeded))
    if isinstance(event, dict):
        event["account"] = account
    record = handler.handler(event, lambda_context("cloudtrail"))
    assert record["status"] in STATUSES, record
    tagged = hits(world)
    for iid in tagged:   # acted on at home only for home events (or ones naming no account)
        assert account == ACCOUNT or not account, record
        assert iid in named(event, CASES["cloudtrail"][2]), record
