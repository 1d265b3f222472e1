"""config-rule mode deploys as function + Config invoke permission + AWS Config custom rule,
planned then applied, against moto (which implements Config's custom Lambda rules)."""
import json
from dataclasses import replace

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.mu import gc, planner
from cloudmaid.mu.executor import DeployError, Executor
from cloudmaid.mu.awsconfig import PRINCIPAL as CONFIG_PRINCIPAL
from cloudmaid.mu.awsconfig import ConfigRule
from cloudmaid.mu.models import TAG_POLICY, Deployment, Function, Permission
from tests.test_deploy import ACCOUNT, CLOUDTRAIL, plan_for, run_deploy, specs_of, writes

CONFIG = {
    "name": "ec2-owner-config", "resource": "ec2", "description": "instances need an Owner tag",
    "mode": {"type": "config-rule", "role": "maid-lambda", "tags": {"team": "sec"}},
    "filters": [{"tag:Owner": "absent"}],
}
NAME = "maid-ec2-owner-config"


@pytest.fixture
def role(aws):
    return boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


@pytest.fixture
def config(aws):
    return boto3.client("config", region_name="us-east-1")


@pytest.fixture
def lam(aws):
    return boto3.client("lambda", region_name="us-east-1")


def rule_of(config, name=NAME):
    return config.describe_config_rules(ConfigRuleNames=[name])["ConfigRules"][0]


def statement(lam, name=NAME):
    st, = json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"]
    return st


def test_first_deploy_creates_function_permission_and_config_rule(ctx, role, config, lam, tmp_path):
    code, calls, lines = run_deploy(specs_of(tmp_path, CONFIG), ctx)
    assert code == 0, lines
    assert writes(calls) == {"lambda.CreateFunction": 1, "lambda.AddPermission": 1,
                             "config.PutConfigRule": 1}
    # the permission is in place before the rule (Config checks it on PutConfigRule)
    assert [line.split("(")[0].strip() for line in lines[1:]] == [
        "lambda.create_function", "lambda.add_permission", "config.put_config_rule"]
    assert not any(k.startswith("events.") for k in calls)     # no EventBridge rule at all

    fn = lam.get_function(FunctionName=NAME)
    assert fn["Tags"][TAG_POLICY] == "ec2-owner-config"
    assert fn["Tags"]["maid-info"] == "mode=config-rule:version=0.1.0"
    st = statement(lam)
    assert st["Principal"] == {"Service": CONFIG_PRINCIPAL}
    assert st["Condition"] == {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}

    rule = rule_of(config)
    assert rule["Description"] == "instances need an Owner tag"
    assert rule["Scope"] == {"ComplianceResourceTypes": ["AWS::EC2::Instance"]}
    assert rule["Source"] == {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": fn["Configuration"]["FunctionArn"],
                              "SourceDetails": [
                                  {"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"},
                                  {"EventSource": "aws.config",
                                   "MessageType": "OversizedConfigurationItemChangeNotification"}]}
    assert "MaximumExecutionFrequency" not in rule
    tags = {t["Key"]: t["Value"] for t in config.list_tags_for_resource(ResourceArn=rule["ConfigRuleArn"])["Tags"]}
    assert tags == {"team": "sec", TAG_POLICY: "ec2-owner-config",
                    "maid-info": "mode=config-rule:version=0.1.0"}


def test_second_deploy_makes_no_write_call(ctx, role, tmp_path):
    specs = specs_of(tmp_path, CONFIG)
    assert run_deploy(specs, ctx)[0] == 0
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0 and calls and writes(calls) == {}
    assert "config.DescribeConfigRules" in calls
    assert lines == [f"ec2-owner-config: function {NAME} in us-east-1: up to date"]
    assert plan_for(specs[0], ctx) == []


def test_plan_only_writes_nothing(ctx, role, config, lam, tmp_path):
    code, calls, lines = run_deploy(specs_of(tmp_path, CONFIG), ctx, plan_only=True)
    assert code == 0 and writes(calls) == {}
    assert lam.list_functions()["Functions"] == [] and config.describe_config_rules()["ConfigRules"] == []
    assert lines[0] == f"ec2-owner-config: function {NAME} in us-east-1: plan, 3 step(s)"
    assert lines[2].startswith(
        f"  lambda.add_permission(FunctionName={NAME}, StatementId={NAME}, Action=lambda:InvokeFunction, "
        f"Principal=config.amazonaws.com, SourceAccount={ACCOUNT})")
    assert lines[3].startswith("  config.put_config_rule(ConfigRule=")
    assert '"SourceIdentifier": "${' + NAME + '.FunctionArn}"' in lines[3]


def test_changed_resource_types_update_only_the_rule(ctx, role, config, tmp_path):
    spec, = specs_of(tmp_path, CONFIG)
    assert run_deploy([spec], ctx)[0] == 0
    # drift: someone narrowed the rule's scope in the console; the function is untouched
    rule = rule_of(config)
    config.put_config_rule(ConfigRule={**{k: rule[k] for k in ("ConfigRuleName", "Description", "Source")},
                                       "Scope": {"ComplianceResourceTypes": ["AWS::EC2::Volume"]}},
                           Tags=config.list_tags_for_resource(ResourceArn=rule["ConfigRuleArn"])["Tags"])
    steps = plan_for(spec, ctx)
    assert [(s.service, s.method) for s in steps] == [("config", "put_config_rule")]
    code, calls, _ = run_deploy([spec], ctx)
    assert code == 0 and writes(calls) == {"config.PutConfigRule": 1}
    assert rule_of(config)["Scope"] == {"ComplianceResourceTypes": ["AWS::EC2::Instance"]}
    assert plan_for(spec, ctx) == []

    # the policy now covers EBS volumes: new code (the policy travels in the zip) and the
    # rule's scope; the permission stays
    ebs, = specs_of(tmp_path, dict(CONFIG, resource="ebs", filters=[{"Encrypted": False}]))
    code, calls, _ = run_deploy([ebs], ctx)
    assert code == 0 and writes(calls) == {"lambda.UpdateFunctionCode": 1, "config.PutConfigRule": 1}
    rule = rule_of(config)
    assert rule["Scope"] == {"ComplianceResourceTypes": ["AWS::EC2::Volume"]}
    tags = config.list_tags_for_resource(ResourceArn=rule["ConfigRuleArn"])["Tags"]
    assert {"Key": TAG_POLICY, "Value": "ec2-owner-config"} in tags      # tags survive the put
    assert plan_for(ebs, ctx) == []


def test_changed_tags_retag_the_rule_without_putting_it(ctx, role, config, tmp_path):
    run_deploy(specs_of(tmp_path, CONFIG), ctx)
    spec, = specs_of(tmp_path, dict(CONFIG, mode=dict(CONFIG["mode"], tags={"env": "prod"})))
    code, calls, _ = run_deploy([spec], ctx)
    assert code == 0
    assert writes(calls) == {"lambda.TagResource": 1, "lambda.UntagResource": 1,
                             "config.TagResource": 1, "config.UntagResource": 1}
    tags = {t["Key"]: t["Value"] for t in
            config.list_tags_for_resource(ResourceArn=rule_of(config)["ConfigRuleArn"])["Tags"]}
    assert tags["env"] == "prod" and "team" not in tags
    assert plan_for(spec, ctx) == []


def test_cloudtrail_policy_turned_config_rule_swaps_permission_and_gc_drops_the_eventbridge_rule(
        ctx, role, config, lam, tmp_path):
    as_trail = dict(CONFIG, mode={"type": "cloudtrail", "role": "maid-lambda", "events": ["RunInstances"]})
    assert run_deploy(specs_of(tmp_path, as_trail), ctx)[0] == 0
    assert statement(lam)["Principal"] == {"Service": "events.amazonaws.com"}

    specs = specs_of(tmp_path, CONFIG)
    steps = plan_for(specs[0], ctx)
    assert [(s.service, s.method) for s in steps if s.method.endswith("permission")] == [
        ("lambda", "remove_permission"), ("lambda", "add_permission")]
    assert run_deploy(specs, ctx)[0] == 0
    assert statement(lam)["Principal"] == {"Service": CONFIG_PRINCIPAL}

    # the EventBridge rule is stale now; gc removes it and keeps the function and Config rule
    lines = []
    assert gc.gc(specs, ctx, echo=lambda m, err=False: lines.append(m)) == 0
    assert [line.split("(")[0].strip() for line in lines[1:]] == ["events.remove_targets", "events.delete_rule"]
    assert boto3.client("events").list_rules()["Rules"] == []
    assert rule_of(config)["ConfigRuleName"] == NAME and lam.get_function(FunctionName=NAME)

    # and back: the Config rule becomes the stale one
    assert run_deploy(specs_of(tmp_path, as_trail, name="q.yml"), ctx)[0] == 0
    lines.clear()
    assert gc.gc(specs_of(tmp_path, as_trail, name="q.yml"), ctx,
                 echo=lambda m, err=False: lines.append(m)) == 0
    assert lines[1:] == [f"  config.delete_config_rule(ConfigRuleName={NAME})"]
    assert config.describe_config_rules()["ConfigRules"] == []


def test_gc_removes_a_dropped_config_rule_policy_and_nothing_else(ctx, role, config, lam, tmp_path):
    specs = specs_of(tmp_path, CONFIG, CLOUDTRAIL)
    assert run_deploy(specs, ctx)[0] == 0
    # someone else's custom Config rule, untagged: never touched
    arn = lam.get_function(FunctionName=NAME)["Configuration"]["FunctionArn"]
    config.put_config_rule(ConfigRule={"ConfigRuleName": "not-ours", "Source": {
        "Owner": "CUSTOM_LAMBDA", "SourceIdentifier": arn, "SourceDetails": [
            {"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"}]}})

    kept = [s for s in specs if s.name != "ec2-owner-config"]
    lines = []
    before = ctx.counter.snapshot()
    assert gc.gc(kept, ctx, plan_only=True, echo=lambda m, err=False: lines.append(m)) == 0
    assert writes(ctx.counter.since(before)) == {}
    assert lines == ["gc in us-east-1: plan, 2 step(s)",
                     f"  config.delete_config_rule(ConfigRuleName={NAME})",   # before its function
                     f"  lambda.delete_function(FunctionName={NAME})"]

    before = ctx.counter.snapshot()
    assert gc.gc(kept, ctx, echo=lambda m, err=False: None) == 0
    assert writes(ctx.counter.since(before)) == {"config.DeleteConfigRule": 1, "lambda.DeleteFunction": 1}
    assert [r["ConfigRuleName"] for r in config.describe_config_rules()["ConfigRules"]] == ["not-ours"]
    assert {f["FunctionName"] for f in lam.list_functions()["Functions"]} == {"maid-ec2-require-owner"}
    assert plan_for(kept[0], ctx) == []


# -- pure planner, and the executor's retry on what moto does not model -----------------------------
def _deployment(**rule):
    fn = Function(name="f", role=f"arn:aws:iam::{ACCOUNT}:role/r", handler="h", runtime="python3.11",
                  memory=512, timeout=900, description="d", code_sha256="abc", code=b"zip")
    return Deployment(policy="p", function=fn, triggers=(
        Permission(function="f", statement_id="f", principal=CONFIG_PRINCIPAL, source_account=ACCOUNT),
        ConfigRule(name="f", description="d", function="f", **rule)))


def test_periodic_config_rule_plans_a_scheduled_source_and_frequency():
    dep = _deployment(frequency="Six_Hours", message_types=("ScheduledNotification",))
    put = planner.plan(dep.models(), {})[-1]
    assert put.params["ConfigRule"]["MaximumExecutionFrequency"] == "Six_Hours"
    assert put.params["ConfigRule"]["Source"]["SourceDetails"] == [
        {"EventSource": "aws.config", "MessageType": "ScheduledNotification", "MaximumExecutionFrequency": "Six_Hours"}]
    assert "Scope" not in put.params["ConfigRule"]       # no resource types: no scope

    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"
    have = {("Function", "f"): replace(dep.function, code=None, arn=arn),
            ("Permission", "f", "f"): dep.triggers[0],
            ("ConfigRule", "f"): ConfigRule(name="f", description="d", function="f", frequency="Six_Hours",
                                            message_types=("ScheduledNotification",), source_arn=arn)}
    assert planner.plan(dep.models(), have) == []
    # a rule pointing at another function (or a version of it) is put again
    moved = {**have, ("ConfigRule", "f"): replace(have[("ConfigRule", "f")], source_arn=arn + ":3")}
    assert [s.method for s in planner.plan(dep.models(), moved)] == ["put_config_rule"]


def test_put_config_rule_is_retried_while_the_permission_propagates(ctx):
    step = planner.plan(_deployment(resource_types=("AWS::EC2::Instance",)).models(), {})[-1]
    step = planner.APICall(step.service, step.method, {**step.params, "ConfigRule": {
        **step.params["ConfigRule"], "Source": {**step.params["ConfigRule"]["Source"],
                                                "SourceIdentifier": "arn:aws:lambda:us-east-1:1:function:f"}}},
        step.resource, retry_on=step.retry_on)
    client = ctx.session_factory.client("config")
    sleeps = []
    with Stubber(client) as stub:
        msg = "The AWS Lambda function arn:aws:lambda:us-east-1:1:function:f cannot be invoked."
        stub.add_client_error("put_config_rule", "InsufficientPermissionsException", msg)
        stub.add_response("put_config_rule", {}, step.params)
        Executor(ctx.session_factory, sleep=sleeps.append).execute([step])
        stub.assert_no_pending_responses()
    assert sleeps == [1.0]
    # other errors are not retried
    with Stubber(client) as stub:
        stub.add_client_error("put_config_rule", "InvalidParameterValueException", "bad scope")
        with pytest.raises(DeployError, match="config.put_config_rule failed: InvalidParameterValueException"):
            Executor(ctx.session_factory, sleep=sleeps.append).execute([step])
    assert sleeps == [1.0]


def test_config_not_recording_is_one_line_with_a_hint(ctx, role, tmp_path):
    """Moto accepts rules without a configuration recorder; AWS refuses them (Stubber)."""
    client = ctx.session_factory.client("config")
    with Stubber(client) as stub:
        stub.add_client_error("describe_config_rules", "NoSuchConfigRuleException", "no rule")
        stub.add_client_error("put_config_rule", "NoAvailableConfigurationRecorderException",
                              "There are no configuration recorders available.")
        code, calls, lines = run_deploy(specs_of(tmp_path, CONFIG), ctx)
    assert code == 1
    assert lines[-1].endswith(f"{NAME}: config.put_config_rule failed: NoAvailableConfigurationRecorderException: "
                              "There are no configuration recorders available. (AWS Config is not recording "
                              "in this region: start a configuration recorder first)")
    assert "\n" not in lines[-1]


def test_maid_run_plans_deploys_and_redeploys_a_config_rule_policy(role, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cloudmaid.cli import main
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    specs_of(tmp_path, CONFIG)
    run = ["run", "-s", str(tmp_path / "out"), str(tmp_path / "p.yml")]
    result = CliRunner().invoke(main, run[:1] + ["--plan"] + run[1:])
    assert result.exit_code == 0, result.output
    assert ": plan, 3 step(s)" in result.output and "config.put_config_rule(" in result.output
    assert boto3.client("config").describe_config_rules()["ConfigRules"] == []
    assert CliRunner().invoke(main, run).exit_code == 0
    assert rule_of(boto3.client("config"))["ConfigRuleName"] == NAME
    result = CliRunner().invoke(main, run)
    assert result.exit_code == 0 and result.output.strip().endswith("up to date"), result.output


def test_periodic_config_rule_applies_and_then_plans_nothing(ctx, role, config):
    from cloudmaid.mu import deploy, package
    code, sha = package.build({"name": "p", "resource": "ec2", "mode": {"type": "config-rule"}}, {})
    dep = _deployment(frequency="One_Hour", message_types=("ScheduledNotification",))
    dep = replace(dep, function=replace(dep.function, role=role, code=code, code_sha256=sha))
    Executor(ctx.session_factory).execute(deploy.plan_policy(dep, ctx.session_factory))
    rule = rule_of(config, "f")
    assert rule["MaximumExecutionFrequency"] == "One_Hour"
    assert rule["Source"]["SourceDetails"] == [{"EventSource": "aws.config", "MessageType": "ScheduledNotification",
                                                "MaximumExecutionFrequency": "One_Hour"}]
    assert deploy.plan_policy(dep, ctx.session_factory) == []


def test_frequency_is_read_from_the_source_detail_too():
    from cloudmaid.mu.awsconfig import config_rule_from
    got = config_rule_from({"ConfigRuleName": "f", "Source": {
        "Owner": "CUSTOM_LAMBDA", "SourceIdentifier": "arn:aws:lambda:us-east-1:1:function:f",
        "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ScheduledNotification",
                           "MaximumExecutionFrequency": "Six_Hours"}]}}, [])
    assert (got.function, got.frequency, got.message_types) == ("f", "Six_Hours", ("ScheduledNotification",))
