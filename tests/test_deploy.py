"""Deploy as plan then apply, against moto: create, idempotent redeploy, minimal updates, --plan."""
import json

import boto3
import pytest
import yaml

from cloudmaid import loader
from cloudmaid.mu import deploy, planner
from cloudmaid.mu.executor import DisplayExecutor, Executor, render
from cloudmaid.mu.eventbridge import Rule, RulePermission, Target
from cloudmaid.mu.models import TAG_POLICY, Function
from cloudmaid.validate import PolicySpec

ACCOUNT = "123456789012"
READ_PREFIXES = ("Get", "List", "Describe")

CLOUDTRAIL = {
    "name": "ec2-require-owner", "resource": "ec2",
    "mode": {"type": "cloudtrail", "role": "maid-lambda", "events": ["RunInstances"]},
    "filters": [{"tag:Owner": "absent"}], "actions": ["stop"],
}
PERIODIC = {
    "name": "nightly", "resource": "ec2",
    "mode": {"type": "periodic", "schedule": "rate(1 day)", "memory": 256,
             "role": f"arn:aws:iam::{ACCOUNT}:role/maid-lambda", "tags": {"team": "sec"}},
    "filters": [{"State.Name": "stopped"}],
}


def specs_of(tmp_path, *policies, name="p.yml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"policies": [json.loads(json.dumps(p)) for p in policies]}))
    source = loader.load(str(path))
    return [PolicySpec(p, source, i) for i, p in enumerate(source.data["policies"])]


@pytest.fixture
def role(aws):
    return boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


@pytest.fixture
def lam(aws):
    return boto3.client("lambda", region_name="us-east-1")


@pytest.fixture
def events(aws):
    return boto3.client("events", region_name="us-east-1")


def writes(calls):
    return {k: v for k, v in calls.items() if not k.split(".", 1)[1].startswith(READ_PREFIXES)}


def run_deploy(specs, ctx, plan_only=False):
    lines = []
    before = ctx.counter.snapshot()
    code = deploy.deploy(specs, ctx, plan_only=plan_only, echo=lambda m, err=False: lines.append(m))
    return code, ctx.counter.since(before), lines


def plan_for(spec, ctx):
    from cloudmaid.policy import Policy
    dep = deploy.desired(Policy(spec.data, ctx), spec.data, lambda: ACCOUNT)
    return deploy.plan_policy(dep, ctx.session_factory)


def test_first_deploy_creates_function_rule_target_permission(ctx, role, lam, events, tmp_path):
    code, calls, _ = run_deploy(specs_of(tmp_path, CLOUDTRAIL, PERIODIC), ctx)
    assert code == 0
    assert writes(calls) == {"lambda.CreateFunction": 2, "events.PutRule": 2,
                             "events.PutTargets": 2, "lambda.AddPermission": 2}

    fn = lam.get_function(FunctionName="maid-ec2-require-owner")
    conf = fn["Configuration"]
    assert (conf["Role"], conf["Handler"], conf["Runtime"], conf["MemorySize"], conf["Timeout"]) == (
        role, "maid_handler.handler", "python3.11", 512, 900)
    assert fn["Tags"][TAG_POLICY] == "ec2-require-owner"
    assert fn["Tags"]["maid-info"] == "mode=cloudtrail:version=0.1.0"

    rule = events.describe_rule(Name="maid-ec2-require-owner")
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": ["RunInstances"]}}
    assert events.list_targets_by_rule(Rule="maid-ec2-require-owner")["Targets"] == [
        {"Id": "maid-ec2-require-owner", "Arn": conf["FunctionArn"]}]
    statement, = json.loads(lam.get_policy(FunctionName="maid-ec2-require-owner")["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]

    nightly = events.describe_rule(Name="maid-nightly")
    assert nightly["ScheduleExpression"] == "rate(1 day)" and "EventPattern" not in nightly
    fn = lam.get_function(FunctionName="maid-nightly")
    assert fn["Configuration"]["MemorySize"] == 256
    assert fn["Tags"]["team"] == "sec"
    tags = events.list_tags_for_resource(ResourceARN=nightly["Arn"])["Tags"]
    assert {"Key": TAG_POLICY, "Value": "nightly"} in tags


def test_redeploy_unchanged_makes_only_reads(ctx, role, tmp_path):
    specs = specs_of(tmp_path, CLOUDTRAIL, PERIODIC)
    assert run_deploy(specs, ctx)[0] == 0
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0
    assert calls and writes(calls) == {}
    assert lines == ["ec2-require-owner: function maid-ec2-require-owner in us-east-1: up to date",
                     "nightly: function maid-nightly in us-east-1: up to date"]
    # a fresh process would rebuild the zip: same sha, so still nothing to do
    assert all(plan_for(s, ctx) == [] for s in specs)


def test_plan_only_writes_nothing_and_prints_the_calls(ctx, role, lam, tmp_path):
    code, calls, lines = run_deploy(specs_of(tmp_path, CLOUDTRAIL), ctx, plan_only=True)
    assert code == 0 and writes(calls) == {}
    assert lam.list_functions()["Functions"] == []
    assert lines[0] == "ec2-require-owner: function maid-ec2-require-owner in us-east-1: plan, 4 step(s)"
    assert [line.split("(")[0].strip() for line in lines[1:]] == [
        "lambda.create_function", "events.put_rule", "events.put_targets", "lambda.add_permission"]
    assert "<zip " in lines[1] and "${maid-ec2-require-owner.FunctionArn}" in lines[3]


def test_changed_filters_update_only_the_code(ctx, role, lam, tmp_path):
    assert run_deploy(specs_of(tmp_path, CLOUDTRAIL), ctx)[0] == 0
    old_sha = lam.get_function(FunctionName="maid-ec2-require-owner")["Configuration"]["CodeSha256"]
    changed = dict(CLOUDTRAIL, filters=[{"tag:Owner": "absent"}, {"InstanceType": "t3.micro"}])
    spec, = specs_of(tmp_path, changed)
    steps = plan_for(spec, ctx)
    assert [(s.service, s.method) for s in steps] == [("lambda", "update_function_code")]
    code, calls, _ = run_deploy([spec], ctx)
    assert code == 0 and writes(calls) == {"lambda.UpdateFunctionCode": 1}
    new_sha = lam.get_function(FunctionName="maid-ec2-require-owner")["Configuration"]["CodeSha256"]
    assert new_sha != old_sha
    assert plan_for(spec, ctx) == []


def test_changed_memory_updates_only_memory(ctx, role, lam, tmp_path):
    run_deploy(specs_of(tmp_path, PERIODIC), ctx)
    spec, = specs_of(tmp_path, dict(PERIODIC, mode=dict(PERIODIC["mode"], memory=1024)))
    steps = plan_for(spec, ctx)
    assert steps == [planner.APICall("lambda", "update_function_configuration",
                                     {"FunctionName": "maid-nightly", "MemorySize": 1024}, "maid-nightly")]
    code, calls, _ = run_deploy([spec], ctx)
    assert code == 0 and writes(calls) == {"lambda.UpdateFunctionConfiguration": 1}
    assert lam.get_function(FunctionName="maid-nightly")["Configuration"]["MemorySize"] == 1024
    assert plan_for(spec, ctx) == []


def test_changed_schedule_updates_only_the_rule(ctx, role, events, tmp_path):
    run_deploy(specs_of(tmp_path, PERIODIC), ctx)
    spec, = specs_of(tmp_path, dict(PERIODIC, mode=dict(PERIODIC["mode"], schedule="rate(2 hours)")))
    code, calls, _ = run_deploy([spec], ctx)
    assert code == 0 and writes(calls) == {"events.PutRule": 1}
    assert events.describe_rule(Name="maid-nightly")["ScheduleExpression"] == "rate(2 hours)"
    assert plan_for(spec, ctx) == []


def test_changed_tags_and_concurrency(ctx, role, lam, events, tmp_path):
    run_deploy(specs_of(tmp_path, PERIODIC), ctx)
    mode = dict(PERIODIC["mode"], tags={"env": "prod"}, concurrency=2)
    spec, = specs_of(tmp_path, dict(PERIODIC, mode=mode))
    code, calls, _ = run_deploy([spec], ctx)
    assert code == 0
    assert writes(calls) == {"lambda.TagResource": 1, "lambda.UntagResource": 1,
                             "events.TagResource": 1, "events.UntagResource": 1,
                             "lambda.PutFunctionConcurrency": 1}
    fn = lam.get_function(FunctionName="maid-nightly")
    assert fn["Tags"]["env"] == "prod" and "team" not in fn["Tags"]
    assert fn["Concurrency"]["ReservedConcurrentExecutions"] == 2
    assert plan_for(spec, ctx) == []


def test_pattern_to_schedule_recreates_the_rule_and_keeps_the_permission(ctx, role, events, tmp_path):
    run_deploy(specs_of(tmp_path, CLOUDTRAIL), ctx)
    periodic = dict(CLOUDTRAIL, mode={"type": "periodic", "schedule": "rate(1 hour)", "role": "maid-lambda"})
    spec, = specs_of(tmp_path, periodic)
    steps = plan_for(spec, ctx)
    rule_steps = [s.method for s in steps if s.service == "events"]
    assert rule_steps == ["remove_targets", "delete_rule", "put_rule", "put_targets"]
    assert "add_permission" not in [s.method for s in steps]   # same rule name, same ARN
    code, _, _ = run_deploy([spec], ctx)
    assert code == 0
    rule = events.describe_rule(Name="maid-ec2-require-owner")
    assert rule["ScheduleExpression"] == "rate(1 hour)" and "EventPattern" not in rule
    assert len(events.list_targets_by_rule(Rule="maid-ec2-require-owner")["Targets"]) == 1
    assert plan_for(spec, ctx) == []


def test_equivalent_pattern_in_other_key_order_is_not_a_change(ctx, role, events, tmp_path):
    spec, = specs_of(tmp_path, CLOUDTRAIL)
    run_deploy([spec], ctx)
    stored = json.loads(events.describe_rule(Name="maid-ec2-require-owner")["EventPattern"])
    reordered = json.dumps(dict(reversed(list(stored.items()))), indent=4)
    events.put_rule(Name="maid-ec2-require-owner", EventPattern=reordered, State="ENABLED",
                    Description="cloudmaid policy ec2-require-owner")
    assert plan_for(spec, ctx) == []


def test_missing_role_is_one_line_error_before_any_call(ctx, tmp_path):
    spec, = specs_of(tmp_path, dict(CLOUDTRAIL, mode={"type": "cloudtrail", "events": ["RunInstances"]}))
    code, calls, lines = run_deploy([spec], ctx)
    assert code == 1 and calls == {}
    assert len(lines) == 1 and "mode.role is required" in lines[0] and "p.yml:" in lines[0]


def test_aws_refusal_is_reported_and_exit_code_1(ctx, tmp_path):
    spec, = specs_of(tmp_path, CLOUDTRAIL)     # no IAM role created: Lambda refuses it
    code, calls, lines = run_deploy([spec], ctx)
    assert code == 1
    assert "lambda.create_function failed: InvalidParameterValueException" in lines[-1]


# -- pure planner / executor behaviour --------------------------------------------------------
def _fn(**kw):
    base = dict(name="f", role="r", handler="h", runtime="python3.11", memory=512, timeout=900,
                description="d", code_sha256="abc", code=b"zip")
    return Function(**{**base, **kw})


def test_unknown_model_type_raises():
    with pytest.raises(TypeError, match="no plan for model type str"):
        planner.plan(["what"], {})


def test_plan_for_existing_pieces_is_empty_and_placeholders_otherwise():
    want = [_fn(), Rule(name="f", description="d", schedule="rate(1 day)"),
            Target(rule="f", id="f", function="f"), RulePermission(function="f", statement_id="f", rule="f")]
    arn = "arn:aws:lambda:us-east-1:1:function:f"
    rule_arn = "arn:aws:events:us-east-1:1:rule/f"
    have = {("Function", "f"): _fn(code=None, arn=arn),
            ("Rule", "f"): Rule(name="f", description="d", schedule="rate(1 day)", arn=rule_arn),
            ("Target", "f", "f"): Target(rule="f", id="f", function="f", arn=arn),
            ("Permission", "f", "f"): RulePermission(function="f", statement_id="f", rule="f", source_arn=rule_arn)}
    assert planner.plan(want, have) == []
    steps = planner.plan(want, {})
    assert steps[2].params["Targets"][0]["Arn"] == planner.Var("f.FunctionArn")
    assert steps[3].params["SourceArn"] == planner.Var("f.RuleArn")
    # code and configuration both changed: wait between the two updates
    steps = planner.plan([_fn(code_sha256="new", timeout=60)], {("Function", "f"): _fn(arn=arn)})
    assert [type(s).__name__ for s in steps] == ["APICall", "WaitForFunction", "APICall"]
    assert steps[2].params == {"FunctionName": "f", "Timeout": 60}


def test_tag_diff_leaves_aws_reserved_tags_alone():
    assert planner.diff_tags({"aws:cloudformation:stack-name": "s", "old": "1", "keep": "k"},
                             {"keep": "k", "new": "2"}) == ({"new": "2"}, ["old"])


def test_executor_rejects_unknown_steps_and_display_renders_placeholders(ctx):
    with pytest.raises(TypeError):
        Executor(ctx.session_factory).execute([object()])
    lines = []
    DisplayExecutor(lines.append).execute([planner.APICall(
        "events", "put_targets", {"Rule": "f", "Targets": [{"Id": "f", "Arn": planner.Var("f.FunctionArn")}]})])
    assert lines == ['  events.put_targets(Rule=f, Targets=[{"Arn": "${f.FunctionArn}", "Id": "f"}])']
    assert render(planner.APICall("lambda", "update_function_code", {"ZipFile": b"12345"})) == \
        "lambda.update_function_code(ZipFile=<zip 5 bytes>)"


def test_maid_run_deploys_the_seed_policies_and_plan_changes_nothing(aws, tmp_path):
    """The seed's three example policies through the CLI: --plan, deploy, redeploy."""
    import os

    from click.testing import CliRunner

    from cloudmaid.cli import main
    boto3.client("iam").create_role(RoleName="maid-sandbox-lambda", AssumeRolePolicyDocument="{}")
    text = open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "seed.yml")).read()
    # a bare `mark` (valid in Cloud Custodian: tag maid_status) is refused by our validation
    # today; give it a key so this test is about deployment only
    seed = tmp_path / "seed.yml"
    seed.write_text(text.replace("- mark\n", "- {type: mark, key: maid_status, value: unencrypted}\n"))
    seed = str(seed)
    lam, events = boto3.client("lambda"), boto3.client("events")
    run = ["run", "-s", str(tmp_path / "out"), "-r", "us-east-1", seed]

    result = CliRunner().invoke(main, run[:1] + ["--plan"] + run[1:])
    assert result.exit_code == 0, result.output
    assert result.output.count(": plan, 4 step(s)") == 3
    assert lam.list_functions()["Functions"] == []

    result = CliRunner().invoke(main, run)
    assert result.exit_code == 0, result.output
    assert sorted(f["FunctionName"] for f in lam.list_functions()["Functions"]) == [
        "maid-ec2-require-encrypted-volumes", "maid-ec2-tag-compliance", "maid-s3-bucket-check"]
    assert json.loads(events.describe_rule(Name="maid-ec2-require-encrypted-volumes")["EventPattern"]) == {
        "source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"],
        "detail": {"state": ["pending"]}}
    assert events.describe_rule(Name="maid-s3-bucket-check")["ScheduleExpression"] == "rate(1 day)"

    result = CliRunner().invoke(main, run)
    assert result.exit_code == 0, result.output
    assert result.output.count(": up to date") == 3
