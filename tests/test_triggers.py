"""Modes as registered triggers: each declares the models it deploys, mu/ plans, observes and
collects them without knowing any mode, and a new event source plugs in from one module."""
import ast
import json
import pathlib
from dataclasses import dataclass
from types import SimpleNamespace

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.events import pattern
from cloudmaid.modes import load, modes
from cloudmaid.modes.core import PatternMode, function_name, is_event_mode, mode_type
from cloudmaid.mu import eventbridge, gc, package, planner, remote
from cloudmaid.mu.awsconfig import ConfigRule
from cloudmaid.mu.scheduler import Schedule
from cloudmaid.mu.securityhub import ActionTarget
from cloudmaid.mu.executor import Executor
from cloudmaid.mu.models import TAG_POLICY, Deployment, Function
from tests.test_deploy import ACCOUNT, run_deploy, specs_of, writes

load()
MU = pathlib.Path(__file__).parent.parent / "cloudmaid" / "mu"
EVENT_MODES = [n for n in modes.all_names() if modes.get(n).event_mode]
#: one valid mode block per registered event mode, with a resource type it serves
EXAMPLES = {
    "cloudtrail": ({"events": ["RunInstances"]}, "ec2"),
    "ec2-instance-state": ({"events": ["pending"]}, "ec2"),
    "asg-instance-state": ({"events": ["launch-success"]}, "asg"),
    "guard-duty": ({}, "ec2"),
    "periodic": ({"schedule": "rate(1 day)"}, "ec2"),
    "config-rule": ({}, "ec2"),
    "config-poll-rule": ({"schedule": "One_Hour", "ignore-support-check": True}, "ec2"),
    "phd": ({"events": ["AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"]}, "ec2"),
    "hub-finding": ({}, "ec2"),
    "hub-action": ({}, "ec2"),
    "schedule": ({"schedule": "rate(1 day)", "scheduler-role": "maid-scheduler"}, "ec2"),
}


def stand_in(mode_type_, extra, resource, name="p"):
    mode = {"type": mode_type_, "role": "maid-lambda", **extra}
    data = {"name": name, "resource": resource, "mode": mode}
    ctx = SimpleNamespace(region="us-east-1", account_id=ACCOUNT, partition="aws")
    policy = SimpleNamespace(name=name, data=data, resource_type=resource, manager=None, ctx=ctx)
    return modes.get(mode_type_)(mode, policy), data


class SecurityHubStub:
    """moto has no Security Hub custom actions: botocore's Stubber answers them, with the
    responses Security Hub gives, in the order deploy, plan and gc ask."""

    def __init__(self, ctx, target):
        self.target = target
        self.stub = Stubber(ctx.session_factory.client("securityhub"))
        self.stub.activate()

    def observe(self, exists):
        self.stub.add_response("describe_action_targets", {"ActionTargets": [{
            "ActionTargetArn": self.target.arn, "Name": self.target.name,
            "Description": self.target.description}] if exists else []},
            {"ActionTargetArns": [self.target.arn]})

    def create(self):
        self.stub.add_response("create_action_target", {"ActionTargetArn": self.target.arn}, {
            "Name": self.target.name, "Description": self.target.description, "Id": self.target.id})

    def listed(self, exists):
        self.stub.add_response("describe_hub", {"HubArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default",
                                                "SubscribedAt": "2026-11-27T03:00:00.000Z"}, {})
        self.stub.add_response("describe_action_targets", {"ActionTargets": [{
            "ActionTargetArn": self.target.arn, "Name": self.target.name,
            "Description": self.target.description}] if exists else []}, {})

    def delete(self):
        self.stub.add_response("delete_action_target", {"ActionTargetArn": self.target.arn},
                               {"ActionTargetArn": self.target.arn})


def function_for(data, role):
    code, sha = package.build(data)
    return Function(name=function_name(data), role=role, handler=package.HANDLER,
                    runtime="python3.11", memory=512, timeout=900, description="d",
                    code_sha256=sha, code=code, tags={TAG_POLICY: data["name"]})


def test_every_registered_mode_is_listed_here():
    assert sorted(EXAMPLES) == sorted(EVENT_MODES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_mode_declares_the_models_it_deploys(name):
    extra, resource = EXAMPLES[name]
    mode, data = stand_in(name, extra, resource)
    assert mode.validate() == []
    fn = function_for(data, f"arn:aws:iam::{ACCOUNT}:role/maid-lambda")
    models = mode.models(fn)
    kinds = modes.get(name).model_types()
    assert models and {type(m) for m in models} == set(kinds)
    for m in models:      # each carries its identity, its read-back and its diff
        assert m.key and callable(m.observe) and callable(m.plan)
    assert len({m.key for m in models}) == len(models)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_apply_then_plan_again_is_empty_and_gc_removes_all(ctx, aws, name):
    role = boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    extra, resource = EXAMPLES[name]
    mode, data = stand_in(name, extra, resource)
    fn = function_for(data, role)
    dep = Deployment(policy="p", function=fn, triggers=tuple(mode.models(fn)))
    hub = SecurityHubStub(ctx, dep.triggers[0]) if name == "hub-action" else None
    if hub:
        hub.observe(False), hub.create(), hub.observe(True), hub.listed(True), hub.delete()
        hub.listed(False), hub.observe(False)
    steps = planner.plan(dep.models(), remote.observe(ctx.session_factory, dep.models()))
    assert steps
    Executor(ctx.session_factory).execute(steps)
    assert planner.plan(dep.models(), remote.observe(ctx.session_factory, dep.models())) == []
    # the policy is gone: gc removes the function and its trigger, then has nothing left
    removal = gc.plan_gc(ctx.session_factory, gc.wanted([]))
    assert removal[-1].method == "delete_function"
    Executor(ctx.session_factory).execute(removal)
    assert gc.plan_gc(ctx.session_factory, gc.wanted([])) == []
    assert remote.observe(ctx.session_factory, dep.models()) == {}
    if hub:
        hub.stub.assert_no_pending_responses()


def _string_constants(tree):
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}


def test_mu_knows_no_mode_by_name():
    names = set(modes.all_names())
    for path in sorted(MU.glob("*.py")):
        tree = ast.parse(path.read_text())
        assert not (_string_constants(tree) & names), path.name
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not any(m.startswith("modes.") and m != "modes.core" for m in imported), path.name


def test_gc_looks_for_the_kinds_the_modes_declare():
    assert gc.trigger_kinds() == [ActionTarget, ConfigRule, eventbridge.Rule, Schedule]


def test_unknown_models_raise():
    with pytest.raises(TypeError, match="no plan for model type object"):
        planner.plan([object()], {})
    with pytest.raises(TypeError, match="cannot observe model type object"):
        remote.observe(None, [object()])


def test_raw_policy_helpers():
    assert mode_type({"name": "a"}) == "pull" and not is_event_mode({"name": "a"})
    assert not is_event_mode({"name": "a", "mode": {"type": "pull"}})
    assert not is_event_mode({"name": "a", "mode": "oops"}) and mode_type("oops") == "pull"
    assert is_event_mode({"name": "a", "mode": {"type": "periodic"}})
    assert function_name({"name": "a", "mode": {"type": "periodic"}}) == "maid-a"
    assert function_name({"name": "a", "mode": {"type": "periodic", "function-prefix": "x-"}}) == "x-a"
    mode, data = stand_in("periodic", {"schedule": "rate(1 day)", "function-prefix": "x-"}, "ec2", "a")
    assert mode.function_name == function_name(data) == "x-a"


def test_one_canonical_pattern_text():
    """What deploy writes and what remote reads back render through events.pattern.render."""
    mode, data = stand_in("cloudtrail", {"events": ["RunInstances", "CreateVolume"]}, "ec2")
    rule = mode.models(function_for(data, f"arn:aws:iam::{ACCOUNT}:role/r"))[0]
    assert rule.pattern == pattern.render(mode.rule()["pattern"])
    shuffled = json.dumps(dict(reversed(list(json.loads(rule.pattern).items()))), indent=2)
    assert eventbridge.rule_from({"Name": "x", "EventPattern": shuffled}, []).pattern == rule.pattern


# -- a new event source, in one module (here: this test), with a model kind of its own ----------
@dataclass(frozen=True)
class LogGroup:
    """The function's log group with a retention: a model kind no mu/ module knows."""
    function: str
    retention: int
    policy: str = ""

    @property
    def name(self):
        return f"/aws/lambda/{self.function}"

    @property
    def key(self):
        return ("LogGroup", self.function)

    def observe(self, session_factory, found):
        logs = session_factory.client("logs")
        for g in logs.describe_log_groups(logGroupNamePrefix=self.name)["logGroups"]:
            if g["logGroupName"] == self.name:
                return LogGroup(self.function, g.get("retentionInDays"), self.policy)
        return None

    def plan(self, have, state):
        calls = []
        if have is None:
            calls.append(planner.APICall("logs", "create_log_group", {
                "logGroupName": self.name, "tags": {TAG_POLICY: self.policy}}, self.name))
        if have is None or have.retention != self.retention:
            calls.append(planner.APICall("logs", "put_retention_policy", {
                "logGroupName": self.name, "retentionInDays": self.retention}, self.name))
        return calls

    @classmethod
    def ours(cls, session_factory):
        logs = session_factory.client("logs")
        out = []
        for g in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]:
            if TAG_POLICY in logs.list_tags_log_group(logGroupName=g["logGroupName"])["tags"]:
                name = g["logGroupName"]
                out.append((name.rsplit("/", 1)[-1],
                            [planner.APICall("logs", "delete_log_group", {"logGroupName": name}, name)]))
        return out


class SecurityHubMode(PatternMode):
    """Security Hub findings about instances, logs kept a week."""
    for_resources = ("ec2",)

    def base_pattern(self):
        return {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]}

    def ids(self, event):
        return [r["Id"].rsplit("/", 1)[-1] for f in event["detail"]["findings"] for r in f["Resources"]]

    @classmethod
    def model_types(cls):
        return eventbridge.MODEL_TYPES + (LogGroup,)

    def models(self, function):
        return super().models(function) + (LogGroup(function.name, 7, self.policy_name),)


@pytest.fixture
def hub_mode(monkeypatch):
    monkeypatch.setitem(modes._by_name, "test-hub-finding", {"*": SecurityHubMode})
    monkeypatch.setattr(SecurityHubMode, "type", "test-hub-finding")
    yield SecurityHubMode


HUB = {"name": "hub-stop", "resource": "ec2", "actions": ["stop"],
       "mode": {"type": "test-hub-finding", "role": "maid-lambda"}}


def test_a_new_event_source_deploys_plans_delivers_and_is_collected(ctx, aws, hub_mode, tmp_path):
    boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")
    specs = specs_of(tmp_path, HUB)
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0, lines
    assert writes(calls) == {"lambda.CreateFunction": 1, "events.PutRule": 1, "events.PutTargets": 1,
                             "lambda.AddPermission": 1, "logs.CreateLogGroup": 1,
                             "logs.PutRetentionPolicy": 1}
    assert json.loads(boto3.client("events").describe_rule(Name="maid-hub-stop")["EventPattern"]) == {
        "detail-type": ["Security Hub Findings - Imported"], "source": ["aws.securityhub"]}
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0 and writes(calls) == {} and lines[-1].endswith("up to date")

    # delivery is the mode's pattern, for the handler and --event alike
    from cloudmaid.policy import Policy
    policy = Policy(specs[0].data, ctx)
    assert policy.mode.delivery({"source": "aws.securityhub", "detail-type": "Security Hub Findings - Imported",
                                 "detail": {}}) == (True, "pattern matches")
    assert policy.mode.not_delivered({"source": "aws.ec2"}).startswith("the event has no detail-type")

    # the policy moves to a mode without the log group: gc drops just that
    moved = dict(HUB, mode={"type": "cloudtrail", "role": "maid-lambda", "events": ["RunInstances"]})
    lines = []
    assert gc.gc(specs_of(tmp_path, moved, name="q.yml"), ctx, plan_only=True,
                 echo=lambda m, err=False: lines.append(m)) == 0
    assert lines[1:] == ["  logs.delete_log_group(logGroupName=/aws/lambda/maid-hub-stop)"]
    # and gone from the files: everything goes, triggers before the function
    lines.clear()
    assert gc.gc([], ctx, echo=lambda m, err=False: lines.append(m)) == 0
    assert [line.split("(")[0].strip() for line in lines[1:]] == [
        "logs.delete_log_group", "events.remove_targets", "events.delete_rule", "lambda.delete_function"]
    assert boto3.client("logs").describe_log_groups()["logGroups"] == []
