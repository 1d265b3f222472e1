"""config-poll-rule mode: a periodic AWS Config custom rule whose function lists the resources
and reports every one; and no Config evaluation is ever sent under a dry run (config-rule too).

moto's Config accepts PutEvaluations only in TestMode and has no GetComplianceDetailsByConfigRule:
the handler's own Config client is answered by botocore's Stubber with Config's shapes."""
import json

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.mu import handler
from tests.conftest import run_instances
from tests.test_deploy import plan_for, run_deploy, specs_of, writes
from tests.test_handler import function, lambda_context  # noqa: F401  (fixture)
from tests.test_modes_common import fixture, problems

POLL = {"name": "ec2-poll-owner", "resource": "ec2", "filters": [{"tag:Owner": "absent"}],
        "mode": {"type": "config-poll-rule", "role": "maid-lambda", "schedule": "Six_Hours",
                 "ignore-support-check": True}}
CONFIG = {"name": "ec2-owner", "resource": "ec2", "filters": [{"tag:Owner": "absent"}],
          "mode": {"type": "config-rule"}}
NAME = "maid-ec2-poll-owner"
TOKEN = fixture("config-rule-invocation.json")["resultToken"]
WHEN = "2026-11-27T03:00:13.000Z"


def evaluation(rid, kind):
    note = {"COMPLIANT": "The resource is compliant with policy:ec2-poll-owner.",
            "NON_COMPLIANT": "The resource is not compliant with policy:ec2-poll-owner.",
            "NOT_APPLICABLE": "The rule does not apply."}[kind]
    return {"ComplianceResourceType": "AWS::EC2::Instance", "ComplianceResourceId": rid,
            "ComplianceType": kind, "Annotation": note, "OrderingTimestamp": WHEN}


def earlier(*ids):
    """GetComplianceDetailsByConfigRule's answer: the rule's last results for ``ids``."""
    return {"EvaluationResults": [{
        "EvaluationResultIdentifier": {"EvaluationResultQualifier": {
            "ConfigRuleName": NAME, "ResourceType": "AWS::EC2::Instance", "ResourceId": i},
            "OrderingTimestamp": "2026-11-26T21:00:13.000Z"},
        "ComplianceType": "COMPLIANT", "ResultRecordedTime": "2026-11-26T21:00:20.000Z",
        "ConfigRuleInvokedTime": "2026-11-26T21:00:14.000Z"} for i in ids]}


def config_stub():
    return Stubber(handler._runtime.ctx.session_factory.client("config"))


def expect_earlier(stub, *ids):
    stub.add_response("get_compliance_details_by_config_rule", earlier(*ids), {
        "ConfigRuleName": NAME, "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT"]})


def test_deploys_a_periodic_config_rule_without_scope(ctx, aws, tmp_path):
    boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")
    specs = specs_of(tmp_path, POLL)
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0, lines
    assert writes(calls) == {"lambda.CreateFunction": 1, "lambda.AddPermission": 1, "config.PutConfigRule": 1}
    rule = boto3.client("config").describe_config_rules(ConfigRuleNames=[NAME])["ConfigRules"][0]
    assert rule["MaximumExecutionFrequency"] == "Six_Hours" and "Scope" not in rule
    assert rule["Source"]["SourceDetails"] == [{"EventSource": "aws.config", "MessageType": "ScheduledNotification",
                                                "MaximumExecutionFrequency": "Six_Hours"}]
    assert plan_for(specs[0], ctx) == []


def test_every_resource_is_reported_and_the_gone_ones_not_applicable(function, ec2):  # noqa: F811
    function(POLL)
    handler._runtime = handler.Runtime(handler.load_config(), lambda_context())
    owned = run_instances(ec2, tags={"Owner": "me"})[0]
    loose = run_instances(ec2)[0]
    listed = [i["InstanceId"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    with config_stub() as stub:
        expect_earlier(stub, owned, "i-0gone0000000000")
        stub.add_response("put_evaluations", {"FailedEvaluations": []}, {
            "Evaluations": [evaluation(i, "COMPLIANT" if i == owned else "NON_COMPLIANT") for i in listed]
            + [evaluation("i-0gone0000000000", "NOT_APPLICABLE")], "ResultToken": TOKEN})
        out = handler.handler(fixture("config-poll-invocation.json"), lambda_context())
        stub.assert_no_pending_responses()
    assert out["status"] == "ok" and out["matched"] == [loose]
    assert out["evaluations"] == {"COMPLIANT": 1, "NON_COMPLIANT": 1, "NOT_APPLICABLE": 1}


def test_evaluations_go_100_a_call(function, ec2):  # noqa: F811
    function(POLL)
    handler._runtime = handler.Runtime(handler.load_config(), lambda_context())
    mode = handler._runtime.policy.mode
    evaluations = [evaluation(f"i-{n:017x}", "COMPLIANT") for n in range(150)]
    with config_stub() as stub:
        for part in (evaluations[:100], evaluations[100:]):
            stub.add_response("put_evaluations", {"FailedEvaluations": []},
                              {"Evaluations": part, "ResultToken": TOKEN})
        mode.put_evaluations(fixture("config-poll-invocation.json"), evaluations)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("policy,event", [
    (POLL, "config-poll-invocation.json"),
    (CONFIG, "config-rule-invocation.json"),
])
def test_no_evaluation_is_sent_under_a_dry_run(function, ec2, policy, event):  # noqa: F811
    """The Stubber holds no PutEvaluations answer: a write would fail the invocation."""
    function(policy, dryrun=True)
    handler._runtime = handler.Runtime(handler.load_config(), lambda_context())
    iid = run_instances(ec2)[0]
    ev = dict(fixture(event), configRuleName=f"maid-{policy['name']}")
    with config_stub() as stub:
        if policy is POLL:
            expect_earlier(stub)
        out = handler.handler(ev, lambda_context())
        stub.assert_no_pending_responses()
    assert out["status"] == "ok"
    writes_made = [k for k in out["api_calls"] if not k.split(".")[1].startswith(("Describe", "Get", "List"))]
    assert writes_made == []
    if policy is POLL:
        assert out["matched"] == [iid] and out["evaluations"] == {"NON_COMPLIANT": 1}
    else:
        assert out["evaluation"] == "NON_COMPLIANT"


def test_maid_run_plan_event_sends_nothing(aws, tmp_path, monkeypatch):
    """``maid run --plan --event``: the policy runs as its function would, as a dry run."""
    from click.testing import CliRunner

    from cloudmaid.cli import main
    from cloudmaid.mu import local
    ec2 = boto3.client("ec2", region_name="us-east-1")
    run_instances(ec2)
    (tmp_path / "p.json").write_text(json.dumps({"policies": [POLL]}))
    (tmp_path / "e.json").write_text(json.dumps(fixture("config-poll-invocation.json")))
    sent = []
    monkeypatch.setattr(local.handler, "process", lambda policy, event, c=None: sent.append(
        (policy.ctx.dryrun, policy.mode.delivery(event))) or {"status": "skipped", "reason": "x"})
    result = CliRunner().invoke(main, ["run", "--plan", "-s", str(tmp_path / "out"), "--event",
                                       str(tmp_path / "e.json"), str(tmp_path / "p.json")])
    assert result.exit_code == 0, result.output
    assert sent == [(True, (True, f"AWS Config rule {NAME}"))]


def test_delivery_is_its_rules_scheduled_notification_only(ctx):
    from cloudmaid.policy import Policy
    ctx._account_id = "123456789012"
    mode = Policy(POLL, ctx).mode
    assert mode.delivery(fixture("config-poll-invocation.json")) == (True, f"AWS Config rule {NAME}")
    change = dict(fixture("config-rule-invocation.json"), configRuleName=NAME)
    assert mode.delivery(change) == (False, 'invokingEvent messageType is "ConfigurationItemChangeNotification"; '
                                            "its Config rule subscribes to ScheduledNotification")


@pytest.mark.parametrize("mode,resource,expected", [
    ({"type": "config-poll-rule", "ignore-support-check": True}, "ec2",
     "mode: config-poll-rule mode needs a 'schedule': One_Hour, Three_Hours"),
    ({"type": "config-poll-rule", "schedule": "Six_Hours"}, "ec2",
     "mode: AWS Config records resource type 'ec2': use mode config-rule (or set ignore-support-check: true)"),
    ({"type": "config-poll-rule", "schedule": "Six_Hours"}, "ami",
     "mode: resource type 'ami' has no AWS Config/CloudFormation type to report evaluations for"),
    ({"type": "config-poll-rule", "schedule": "6h"}, "ec2", "mode.schedule: unknown schedule '6h'"),
    ({"type": "config-poll-rule", "schedule": "One_Hour", "ignore-support-check": True,
      "pattern": {"source": ["aws.ec2"]}}, "ec2", "mode.pattern: AWS Config rules do not use event patterns"),
])
def test_validation(tmp_path, mode, resource, expected):
    found = problems(tmp_path, {"name": "a", "resource": resource, "mode": mode})
    assert len(found) == 1 and found[0].startswith(f"policy 'a': {expected}"), found
