"""maid gc: plan and remove what a dropped policy left deployed, and nothing else."""
import json

import boto3
import pytest

from cloudmaid.mu import gc
from tests.test_deploy import CLOUDTRAIL, PERIODIC, run_deploy, specs_of, writes


@pytest.fixture
def deployed(ctx, aws, tmp_path):
    boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")
    specs = specs_of(tmp_path, CLOUDTRAIL, PERIODIC)
    assert run_deploy(specs, ctx)[0] == 0
    return specs


def run_gc(specs, ctx, plan_only=False, **kw):
    lines = []
    before = ctx.counter.snapshot()
    code = gc.gc(specs, ctx, plan_only=plan_only, echo=lambda m, err=False: lines.append(m), **kw)
    return code, ctx.counter.since(before), lines


def test_gc_keeps_everything_when_all_policies_remain(ctx, deployed):
    code, calls, lines = run_gc(deployed, ctx)
    assert code == 0 and writes(calls) == {}
    assert lines == ["gc in us-east-1: nothing to remove"]


def test_gc_removes_dropped_policy_function_rule_target_permission(ctx, deployed, tmp_path):
    lam, events = boto3.client("lambda"), boto3.client("events")
    # someone else's function and rule, untagged: never touched
    role = lam.get_function(FunctionName="maid-nightly")["Configuration"]["Role"]
    lam.create_function(FunctionName="maid-not-ours", Runtime="python3.11", Role=role,
                        Handler="x.y", Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18})
    events.put_rule(Name="maid-not-ours", ScheduleExpression="rate(1 day)")

    kept = [s for s in deployed if s.name == "nightly"]
    code, calls, lines = run_gc(kept, ctx)
    assert code == 0
    assert writes(calls) == {"events.RemoveTargets": 1, "events.DeleteRule": 1, "lambda.DeleteFunction": 1}
    assert lines[1:] == [
        '  events.remove_targets(Rule=maid-ec2-require-owner, Ids=["maid-ec2-require-owner"])',
        "  events.delete_rule(Name=maid-ec2-require-owner)",
        "  lambda.delete_function(FunctionName=maid-ec2-require-owner)"]

    names = {f["FunctionName"] for f in lam.list_functions()["Functions"]}
    assert names == {"maid-nightly", "maid-not-ours"}
    rules = {r["Name"] for r in events.list_rules()["Rules"]}
    assert rules == {"maid-nightly", "maid-not-ours"}
    with pytest.raises(lam.exceptions.ResourceNotFoundException):   # permission went with it
        lam.get_policy(FunctionName="maid-ec2-require-owner")
    assert events.list_targets_by_rule(Rule="maid-nightly")["Targets"]
    assert json.loads(lam.get_policy(FunctionName="maid-nightly")["Policy"])["Statement"]
    # and a second gc has nothing left to do
    assert run_gc(kept, ctx)[2] == ["gc in us-east-1: nothing to remove"]


def test_gc_plan_changes_nothing(ctx, deployed):
    code, calls, lines = run_gc([], ctx, plan_only=True)
    assert code == 0 and writes(calls) == {}
    assert lines[0] == "gc in us-east-1: plan, 6 step(s)"
    assert len(boto3.client("lambda").list_functions()["Functions"]) == 2


def test_gc_treats_a_policy_turned_pull_mode_or_renamed_prefix_as_gone(ctx, deployed, tmp_path):
    pull = dict(CLOUDTRAIL, mode={"type": "pull"})
    renamed = dict(PERIODIC, mode=dict(PERIODIC["mode"], **{"function-prefix": "cm-"}))
    specs = specs_of(tmp_path, pull, renamed, name="q.yml")
    code, calls, _ = run_gc(specs, ctx)
    assert writes(calls)["lambda.DeleteFunction"] == 2
    assert boto3.client("lambda").list_functions()["Functions"] == []


def test_gc_prefix_limits_what_is_considered(ctx, deployed):
    code, calls, lines = run_gc([], ctx, plan_only=True, prefix="maid-night")
    assert [line.strip() for line in lines[1:]] == [
        'events.remove_targets(Rule=maid-nightly, Ids=["maid-nightly"])',
        "events.delete_rule(Name=maid-nightly)", "lambda.delete_function(FunctionName=maid-nightly)"]


# -- maid logs, and the two commands through the CLI ---------------------------------------------
def test_logs_prints_the_function_log_events_in_time_order(ctx, aws, tmp_path):
    from cloudmaid.mu import logs
    import time
    client = boto3.client("logs")
    now = int(time.time()) * 1000 - 60000       # AWS takes only recent events
    client.create_log_group(logGroupName="/aws/lambda/maid-ec2-require-owner")
    for stream, ts, msg in (("b", now + 1500, "second\n"), ("a", now, "first")):
        client.create_log_stream(logGroupName="/aws/lambda/maid-ec2-require-owner", logStreamName=stream)
        client.put_log_events(logGroupName="/aws/lambda/maid-ec2-require-owner", logStreamName=stream,
                              logEvents=[{"timestamp": ts, "message": msg}])
    specs = specs_of(tmp_path, CLOUDTRAIL, PERIODIC)
    lines = []
    assert logs.logs(specs, ctx, "ec2-require-owner", echo=lambda m, err=False: lines.append(m)) == 0
    assert lines == [f"{logs.format_event({'timestamp': now, 'message': ''})}first",
                     f"{logs.format_event({'timestamp': now + 1500, 'message': ''})}second"]
    assert lines[1].endswith(".500Z second")

    lines.clear()
    assert logs.logs(specs, ctx, "nightly", echo=lambda m, err=False: lines.append(m)) == 1
    assert lines == ["no logs for policy 'nightly' in us-east-1: log group /aws/lambda/maid-nightly "
                     "does not exist (not deployed, or never invoked)"]
    lines.clear()
    assert logs.logs(specs, ctx, "nope", echo=lambda m, err=False: lines.append(m)) == 1
    assert lines == ["no policy named 'nope' in the given files"]


def test_gc_and_logs_commands(deployed, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cloudmaid.cli import main
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    path = str(tmp_path / "p.yml")
    result = CliRunner().invoke(main, ["gc", "--plan", path])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["gc in us-east-1: nothing to remove"]
    result = CliRunner().invoke(main, ["logs", "-p", "nightly", path])
    assert result.exit_code == 1
    assert "log group /aws/lambda/maid-nightly does not exist" in result.output
