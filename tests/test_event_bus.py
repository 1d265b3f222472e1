"""``event-bus``: a pattern mode's rule on a custom EventBridge bus (a central bus receiving
member accounts' events), moving between buses, gc on every bus, and what validation refuses."""
import boto3
import pytest

from cloudmaid.mu import gc

from .test_deploy import CLOUDTRAIL, run_deploy, specs_of, writes
from .test_modes_common import problems

NAME = "maid-ec2-require-owner"


@pytest.fixture
def events(aws):
    boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")
    client = boto3.client("events", region_name="us-east-1")
    client.create_event_bus(Name="central")
    return client


def on_central():
    return dict(CLOUDTRAIL, mode=dict(CLOUDTRAIL["mode"], **{"event-bus": "central"}))


def rules(events, bus):
    return [r["Name"] for r in events.list_rules(EventBusName=bus)["Rules"]]


def source_arn(name=NAME):
    import json
    policy = json.loads(boto3.client("lambda").get_policy(FunctionName=name)["Policy"])
    return policy["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"]


def test_rule_target_and_permission_on_the_custom_bus(ctx, events, tmp_path):
    specs = specs_of(tmp_path, on_central())
    code, calls, _ = run_deploy(specs, ctx)
    assert code == 0
    assert rules(events, "central") == [NAME] and rules(events, "default") == []
    targets = events.list_targets_by_rule(Rule=NAME, EventBusName="central")["Targets"]
    assert [t["Id"] for t in targets] == [NAME]
    assert source_arn().endswith(f":rule/central/{NAME}")
    code, again, lines = run_deploy(specs, ctx)
    assert code == 0 and writes(again) == {} and lines[-1].endswith("up to date")


def test_moving_to_another_bus_removes_the_rule_left_behind(ctx, events, tmp_path):
    assert run_deploy(specs_of(tmp_path, on_central()), ctx)[0] == 0
    code, calls, _ = run_deploy(specs_of(tmp_path, CLOUDTRAIL), ctx)
    assert code == 0
    assert writes(calls) == {"events.RemoveTargets": 1, "events.DeleteRule": 1, "events.PutRule": 1,
                             "events.PutTargets": 1, "lambda.RemovePermission": 1,
                             "lambda.AddPermission": 1}
    assert rules(events, "central") == [] and rules(events, "default") == [NAME]
    assert source_arn().endswith(f":rule/{NAME}")
    assert writes(run_deploy(specs_of(tmp_path, CLOUDTRAIL), ctx)[1]) == {}


def test_gc_removes_stale_rules_on_every_bus(ctx, events, tmp_path):
    other = dict(CLOUDTRAIL, name="kept")
    assert run_deploy(specs_of(tmp_path, on_central(), other), ctx)[0] == 0
    lines = []
    assert gc.gc(specs_of(tmp_path, other), ctx, echo=lambda m, err=False: lines.append(m)) == 0
    assert rules(events, "central") == [] and rules(events, "default") == ["maid-kept"]
    names = {f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]}
    assert names == {"maid-kept"}


def test_event_bus_is_refused_where_no_pattern_rule_delivers(tmp_path):
    periodic = {"name": "p", "resource": "ec2", "mode": {
        "type": "periodic", "schedule": "rate(1 day)", "event-bus": "central"}}
    assert problems(tmp_path, periodic) == [
        "policy 'p': mode.event-bus: mode periodic is not delivered by an event pattern rule; "
        "only pattern rules can listen on another bus"]
    bad = dict(CLOUDTRAIL, mode=dict(CLOUDTRAIL["mode"], **{"event-bus": "no spaces"}))
    found = problems(tmp_path, bad)
    assert len(found) == 1 and found[0].startswith("policy 'ec2-require-owner': mode.event-bus")
