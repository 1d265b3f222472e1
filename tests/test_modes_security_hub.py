"""hub-finding and hub-action modes: Security Hub findings reach the function through an
EventBridge rule; hub-action also deploys the custom action (Security Hub's action target),
which moto lacks, so botocore's Stubber answers those calls with Security Hub's shapes."""
import json

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.errors import EventError
from cloudmaid.events import securityhub as hub
from cloudmaid.modes.core import EventMode
from cloudmaid.mu import gc, local
from cloudmaid.mu.securityhub import ActionTarget
from cloudmaid.policy import Policy
from tests.conftest import run_instances
from tests.test_deploy import plan_for, run_deploy, specs_of, writes
from tests.test_local_event import ACCOUNT, Echo
from tests.test_local_event import specs_of as event_specs
from tests.test_modes_common import fixture, problems
from tests.test_triggers import SecurityHubStub

FINDING = {"name": "hub-stop", "resource": "ec2", "actions": ["stop"],
           "mode": {"type": "hub-finding", "role": "maid-lambda"}}
ACTION = {"name": "remediate", "resource": "ec2", "description": "stop the instance", "actions": ["stop"],
          "mode": {"type": "hub-action", "role": "maid-lambda"}}
ACTION_ARN = hub.action_arn("maid-remediate", "us-east-1", ACCOUNT)


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))


@pytest.fixture
def role(aws):
    return boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def imported(*arns, account=ACCOUNT):
    ev = fixture("securityhub-findings-imported.json")
    finding = ev["detail"]["findings"][0]
    finding["AwsAccountId"] = account
    finding["Resources"] = [dict(finding["Resources"][0], Id=a) for a in arns]
    return ev


def instance_arn(iid, region="us-east-1", account=ACCOUNT):
    return f"arn:aws:ec2:{region}:{account}:instance/{iid}"


def run_event(ctx, tmp_path, policies, event):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    echo = Echo()
    code = local.run_event_file(event_specs(policies), ctx, str(path), echo)
    return code, echo.lines + echo.errors


def states(ec2):
    return {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances()["Reservations"]
            for i in r["Instances"]}


# -- hub-finding -------------------------------------------------------------------------------------
def test_hub_finding_deploys_the_imported_findings_rule(ctx, role, tmp_path):
    code, calls, lines = run_deploy(specs_of(tmp_path, FINDING), ctx)
    assert code == 0, lines
    assert json.loads(boto3.client("events").describe_rule(Name="maid-hub-stop")["EventPattern"]) == {
        "source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]}
    assert writes(run_deploy(specs_of(tmp_path, FINDING), ctx)[1]) == {}


def test_hub_finding_acts_on_the_finding_instances_of_this_account_and_region(ctx, ec2, tmp_path):
    ctx._account_id = ACCOUNT
    mine, other = run_instances(ec2, count=2)
    event = imported(instance_arn(mine), instance_arn(other, region="eu-west-1"),
                     instance_arn("i-0000000000000000f", account="222222222222"),
                     f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-0123456789abcdef0")
    assert Policy(FINDING, ctx).mode.resource_ids(event) == [mine]
    code, lines = run_event(ctx, tmp_path, [FINDING], event)
    assert (code, lines) == (0, ["hub-stop: pattern matches; 1 ec2 resource(s) matched, stop: 1 ok"])
    assert states(ec2)[mine] in ("stopping", "stopped") and states(ec2)[other] == "running"


def test_hub_finding_is_not_delivered_other_events(ctx):
    ctx._account_id = ACCOUNT
    mode = Policy(FINDING, ctx).mode
    assert mode.delivery(fixture("securityhub-findings-imported.json")) == (True, "pattern matches")
    assert mode.delivery(fixture("securityhub-custom-action.json")) == (
        False, 'detail-type is "Security Hub Findings - Custom Action"; the pattern wants '
               '"Security Hub Findings - Imported"')
    with pytest.raises(EventError, match="no detail.findings"):
        mode.ids({"detail": {}})


def test_finding_resources_as_arns():
    """Security Hub names a few resource types by something else than an ARN."""
    findings = [{"AwsAccountId": ACCOUNT, "Resources": [
        {"Type": "AwsEc2Instance", "Id": "i-0abc1234def567890", "Region": "us-east-1"},
        {"Type": "AwsIamAccessKey", "Id": "AWS::IAM::AccessKey:AKIAEXAMPLE", "Region": "us-east-1",
         "Details": {"AwsIamAccessKey": {"PrincipalName": "alice"}}},
        {"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::logs-bucket", "Region": "us-east-1"},
        {"Type": "Other", "Id": "no-arn-here", "Region": "us-east-1"},
        {"Type": "AwsEc2Instance", "Id": "i-0abc1234def567890", "Region": "cn-north-1"}]}]
    assert hub.finding_arns(findings + findings) == [
        instance_arn("i-0abc1234def567890"), f"arn:aws:iam::{ACCOUNT}:user/alice", "arn:aws:s3:::logs-bucket",
        f"arn:aws-cn:ec2:cn-north-1:{ACCOUNT}:instance/i-0abc1234def567890"]
    assert hub.arn_resource_id("arn:aws:s3:::logs-bucket", "s3", None, global_resource=True) == "logs-bucket"
    assert hub.arn_resource_id(instance_arn("i-1"), "ec2", "volume") is None


def test_hub_finding_on_buckets(ctx, aws):
    ctx._account_id = ACCOUNT
    boto3.client("s3").create_bucket(Bucket="logs-bucket")
    policy = dict(FINDING, resource="s3", actions=[])
    mode = Policy(policy, ctx).mode
    assert mode.resource_ids(imported("arn:aws:s3:::logs-bucket", instance_arn("i-1"))) == ["logs-bucket"]


# -- hub-action ----------------------------------------------------------------------------------------
def target():
    return ActionTarget(arn=ACTION_ARN, name="Ec2 remediate", description="stop the instance")


def test_hub_action_deploys_the_custom_action_and_its_rule(ctx, role, tmp_path):
    specs = specs_of(tmp_path, ACTION)
    stub = SecurityHubStub(ctx, target())
    stub.observe(False), stub.create()
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0, lines
    assert [line.split("(")[0].strip() for line in lines[1:]] == [
        "lambda.create_function", "securityhub.create_action_target", "events.put_rule",
        "events.put_targets", "lambda.add_permission"]
    assert lines[2] == (f"  securityhub.create_action_target(Name=Ec2 remediate, Description=stop the "
                        f"instance, Id={target().id})")
    assert json.loads(boto3.client("events").describe_rule(Name="maid-remediate")["EventPattern"]) == {
        "source": ["aws.securityhub"], "resources": [ACTION_ARN],
        "detail-type": ["Security Hub Findings - Custom Action", "Security Hub Insight Results"]}
    # unchanged: nothing to do; a new description updates the action in place
    stub.observe(True)
    assert plan_for(specs[0], ctx) == []
    stub.observe(True)
    steps = plan_for(specs_of(tmp_path, dict(ACTION, description="stop it now"))[0], ctx)
    assert [(s.method, s.params) for s in steps if getattr(s, "service", None) == "securityhub"] == [
        ("update_action_target", {"ActionTargetArn": ACTION_ARN, "Name": "Ec2 remediate",
                                  "Description": "stop it now"})]
    stub.stub.assert_no_pending_responses()


def test_hub_action_ids_fit_security_hub(ctx):
    """Security Hub takes ids of up to 20 letters and digits; policy names seldom are."""
    ids = {hub.action_id(f"maid-{n}") for n in ("remediate", "remediate-2", "a" * 60)}
    assert len(ids) == 3 and all(len(i) <= 20 and i.isalnum() for i in ids)
    ctx._account_id = ACCOUNT
    assert Policy(ACTION, ctx).mode.action_arn() == ACTION_ARN
    long_name = dict(ACTION, name="remediate-instances-with-findings")
    target_, *_ = Policy(long_name, ctx).mode.models(type("F", (), {"account": ACCOUNT, "name": "maid-x",
                                                                    "description": "d", "tags": {}})())
    assert target_.name == "Ec2 remediate-instan" and len(target_.name) == 20


def test_gc_removes_the_custom_action_of_a_dropped_policy_first(ctx, role, tmp_path):
    stub = SecurityHubStub(ctx, target())
    stub.observe(False), stub.create()
    assert run_deploy(specs_of(tmp_path, ACTION), ctx)[0] == 0
    stub.listed(True), stub.delete()
    lines = []
    assert gc.gc([], ctx, echo=lambda m, err=False: lines.append(m)) == 0
    assert [line.split("(")[0].strip() for line in lines[1:]] == [
        "securityhub.delete_action_target", "events.remove_targets", "events.delete_rule",
        "lambda.delete_function"]
    stub.stub.assert_no_pending_responses()


def test_no_custom_actions_where_security_hub_is_off(ctx, aws):
    """moto, as AWS, answers DescribeHub with InvalidAccessException while Security Hub is off."""
    assert ActionTarget.ours(ctx.session_factory) == []
    boto3.client("securityhub").enable_security_hub()
    with Stubber(ctx.session_factory.client("securityhub")) as stub:
        stub.add_response("describe_hub", {"HubArn": "arn:aws:securityhub:us-east-1:123456789012:hub/default"})
        stub.add_response("describe_action_targets", {"ActionTargets": [
            {"ActionTargetArn": "arn:aws:securityhub:us-east-1:123456789012:action/custom/theirs",
             "Name": "Theirs", "Description": "someone else's"}]})
        assert ActionTarget.ours(ctx.session_factory) == []     # not one of our functions'


def custom_action(*arns, action=ACTION_ARN):
    ev = fixture("securityhub-custom-action.json")
    ev["resources"] = [action]
    finding = ev["detail"]["findings"][0]
    finding["Resources"] = [dict(finding["Resources"][0], Id=a) for a in arns]
    return ev


def test_hub_action_runs_on_its_own_action_only(ctx, ec2, tmp_path):
    ctx._account_id = ACCOUNT
    iid = run_instances(ec2)[0]
    other = hub.action_arn("maid-other", "us-east-1", ACCOUNT)
    code, lines = run_event(ctx, tmp_path, [ACTION], custom_action(instance_arn(iid), action=other))
    assert lines == [f"remediate: not delivered: resources is [{json.dumps(other)}]; the pattern wants "
                     f"{json.dumps(ACTION_ARN)}"]
    assert states(ec2)[iid] == "running"
    code, lines = run_event(ctx, tmp_path, [ACTION], custom_action(instance_arn(iid)))
    assert (code, lines) == (0, ["remediate: pattern matches; 1 ec2 resource(s) matched, stop: 1 ok"])


def insight(result_type, groups):
    ev = fixture("securityhub-insight-results.json")
    ev["resources"] = [ACTION_ARN]
    ev["detail"].update(resultType=result_type, insightResults=[{g: 1} for g in groups])
    return ev


def test_insight_results_grouped_by_resource_name_the_resources(ctx):
    ctx._account_id = ACCOUNT
    mode = Policy(ACTION, ctx).mode
    ev = insight("ResourceId", [instance_arn("i-0abc1234def567890"), instance_arn("i-0abc1234def567891")])
    assert mode.delivery(ev) == (True, "pattern matches")
    with Stubber(ctx.session_factory.client("securityhub")):      # no API call needed
        assert mode.resource_ids(ev) == ["i-0abc1234def567890", "i-0abc1234def567891"]


def test_insight_results_grouped_otherwise_look_up_their_findings(ctx):
    ctx._account_id = ACCOUNT
    mode = Policy(ACTION, ctx).mode
    ev = insight("ResourceType", ["AwsEc2Instance"])
    filters = {"RecordState": [{"Comparison": "EQUALS", "Value": "ACTIVE"}]}
    finding = fixture("securityhub-findings-imported.json")["detail"]["findings"][0]
    with Stubber(ctx.session_factory.client("securityhub")) as stub:
        stub.add_response("get_insights", {"Insights": [{
            "InsightArn": ev["detail"]["insightArn"], "Name": "EC2 instances with findings",
            "Filters": filters, "GroupByAttribute": "ResourceType"}]},
            {"InsightArns": [ev["detail"]["insightArn"]]})
        stub.add_response("get_findings", {"Findings": [finding]}, {"Filters": {
            **filters, "ResourceType": [{"Comparison": "EQUALS", "Value": "AwsEc2Instance"}]}})
        assert mode.resource_ids(ev) == ["i-0abc1234def567890"]
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("data,expected", [
    (dict(ACTION, mode={"type": "hub-action", "pattern": {"detail": {"actionName": ["x"]}}}), []),
    (dict(FINDING, mode={"type": "hub-finding", "pattern": {"detail": {"findings": {"x": 1}}}}),
     ["mode.pattern.detail.findings.x: "]),
])
def test_validation(tmp_path, data, expected):
    found = problems(tmp_path, data)
    assert len(found) == len(expected) and all(e in f for e, f in zip(expected, found)), found
