"""The Lambda handler on moto: config read once, ids -> one describe -> filters -> actions."""
import copy
import json
import pathlib
from types import SimpleNamespace

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.mu import handler
from cloudmaid.modes.core import EventMode

from .conftest import run_instances

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "events"
ACCOUNT = "123456789012"   # moto's default account
ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:maid-ec2-tag-compliance"

TAG_COMPLIANCE = {
    "name": "ec2-tag-compliance", "resource": "ec2",
    "mode": {"type": "cloudtrail", "events": ["RunInstances"], "role": "maid-role"},
    "filters": [{"or": [{"tag:required1": "absent"}, {"tag:required2": "absent"}]}],
    "actions": ["stop"],
}


def lambda_context(arn=ARN):
    return SimpleNamespace(invoked_function_arn=arn, aws_request_id="req-1",
                           function_name=arn.rsplit(":", 1)[-1])


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def run_instances_event(*ids):
    ev = fixture("cloudtrail-run-instances.json")
    items = ev["detail"]["responseElements"]["instancesSet"]["items"]
    ev["detail"]["responseElements"]["instancesSet"]["items"] = [
        dict(copy.deepcopy(items[0]), instanceId=i) for i in ids]
    return ev


@pytest.fixture
def function(aws, tmp_path, monkeypatch):
    """Write config.json into a function root and return a deployer of policies."""
    monkeypatch.setenv(handler.ROOT_ENV, str(tmp_path))
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))
    handler.reset()

    def deploy(policy, **options):
        (tmp_path / "config.json").write_text(json.dumps({"policy": policy, "options": options}))
        handler.reset()
    yield deploy
    handler.reset()


def state(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]


def calls():
    return dict(handler._runtime.ctx.counter.counts)


def test_untagged_instance_stopped_tagged_not(function, ec2):
    function(TAG_COMPLIANCE)
    tagged = run_instances(ec2, tags={"required1": "a", "required2": "b"})[0]
    untagged = run_instances(ec2, tags={"required1": "a"})[0]
    out = handler.handler(run_instances_event(tagged, untagged), lambda_context())
    assert out["status"] == "ok"
    assert out["matched"] == [untagged]
    assert state(ec2, untagged) == "stopped"
    assert state(ec2, tagged) == "running"


def test_run_instances_event_costs_two_api_calls(function, ec2):
    function(TAG_COMPLIANCE)
    iid = run_instances(ec2)[0]
    out = handler.handler(run_instances_event(iid), lambda_context())
    assert calls() == {"ec2.DescribeInstances": 1, "ec2.StopInstances": 1}
    assert out["api_calls"] == {"ec2.DescribeInstances": 1, "ec2.StopInstances": 1}
    assert state(ec2, iid) == "stopped"


def test_config_and_policy_built_once_per_container(function, ec2, tmp_path):
    function(TAG_COMPLIANCE)
    iid = run_instances(ec2, tags={"required1": "a", "required2": "b"})[0]
    handler.handler(run_instances_event(iid), lambda_context())
    runtime = handler._runtime
    # a warm container does not read config.json again
    (tmp_path / "config.json").write_text("not json")
    out = handler.handler(run_instances_event(iid), lambda_context())
    assert handler._runtime is runtime and out["status"] == "ok"
    assert runtime.ctx.account_id == ACCOUNT
    assert not any(k.startswith("sts.") for k in calls())   # account id came from the ARN


def test_failed_api_call_event_is_skipped(function, ec2):
    function(TAG_COMPLIANCE)
    out = handler.handler(fixture("cloudtrail-run-instances-error.json"), lambda_context())
    assert out["status"] == "skipped" and "Client.UnauthorizedOperation" in out["reason"]
    assert calls() == {}


@pytest.mark.parametrize("event", [
    {},
    {"hello": "world"},
    fixture("ec2-instance-state-pending.json"),            # another mode's event
    {"source": "aws.ec2", "detail-type": "AWS API Call via CloudTrail",
     "detail": {"eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
                "responseElements": None}},                # matches, names nothing
])
def test_irrelevant_or_empty_events_return_cleanly(function, event):
    function(TAG_COMPLIANCE)
    out = handler.handler(event, lambda_context())
    assert out["status"] == "skipped"
    assert calls() == {}


def test_malformed_event_returns_cleanly(function):
    function({"name": "on-pending", "resource": "ec2",
              "mode": {"type": "ec2-instance-state", "events": ["pending"]}, "actions": ["stop"]})
    ev = fixture("ec2-instance-state-pending.json")
    del ev["detail"]["instance-id"]
    out = handler.handler(ev, lambda_context())
    assert out["status"] == "invalid" and "instance-id" in out["reason"]
    assert calls() == {}


def test_ids_of_other_types_are_dropped(function, ec2):
    function(TAG_COMPLIANCE)
    ev = run_instances_event("vol-0123456789abcdef0")
    out = handler.handler(ev, lambda_context())
    assert out["status"] == "skipped" and calls() == {}


def test_ids_not_yet_visible_are_retried_within_delay(function, ec2, monkeypatch):
    policy = dict(TAG_COMPLIANCE, mode=dict(TAG_COMPLIANCE["mode"], delay=3))
    function(policy)
    slept = []
    monkeypatch.setattr(EventMode, "sleep", staticmethod(slept.append))
    out = handler.handler(run_instances_event("i-0123456789abcdef0"), lambda_context())
    assert out["status"] == "ok" and out["matched"] == []
    assert sum(slept) == pytest.approx(3) and slept[0] == 0.25
    assert calls()["ec2.DescribeInstances"] == len(slept) + 1


def test_retry_finds_an_instance_that_appears(ctx, ec2):
    """The retry loop asks again only for the missing ids and stops once they are visible."""
    iid = run_instances(ec2)[0]
    from cloudmaid.policy import Policy
    policy = Policy(TAG_COMPLIANCE, ctx)
    mode = policy.mode
    real = policy.manager.get_resources
    asked = []

    def eventually(ids):
        asked.append(list(ids))
        return [] if len(asked) == 1 else real(ids)   # invisible on the first describe
    policy.manager.get_resources = eventually
    mode.sleep = lambda s: None
    found = mode.fetch([iid])
    assert [r["InstanceId"] for r in found] == [iid]
    assert asked == [[iid], [iid]]


def test_dryrun_option_skips_actions(function, ec2):
    function(TAG_COMPLIANCE, dryrun=True)
    iid = run_instances(ec2)[0]
    out = handler.handler(run_instances_event(iid), lambda_context())
    assert out["matched"] == [iid] and out["actions"] == []
    assert state(ec2, iid) == "running"


def test_max_resources_applies_in_event_mode(function, ec2):
    function(dict(TAG_COMPLIANCE, **{"max-resources": 1}))
    ids = run_instances(ec2, count=2)
    out = handler.handler(run_instances_event(*ids), lambda_context())
    assert out["status"] == "error" and "max-resources" in out["errors"][0]
    assert {state(ec2, i) for i in ids} == {"running"}


def test_output_to_s3_from_execution_options(function, ec2):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="maid-logs")
    policy = copy.deepcopy(TAG_COMPLIANCE)
    policy["mode"]["execution-options"] = {"output_dir": "s3://maid-logs/{account_id}/runs"}
    function(policy)
    iid = run_instances(ec2)[0]
    handler.handler(run_instances_event(iid), lambda_context())
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="maid-logs")["Contents"])
    prefix = f"{ACCOUNT}/runs/ec2-tag-compliance/"
    assert keys == [prefix + "metadata.json", prefix + "resources.json", prefix + "run.log"]
    body = s3.get_object(Bucket="maid-logs", Key=prefix + "resources.json")["Body"].read()
    assert [r["InstanceId"] for r in json.loads(body)] == [iid]


def test_structured_log_line(function, ec2, caplog):
    function(TAG_COMPLIANCE)
    iid = run_instances(ec2)[0]
    with caplog.at_level("INFO", logger="cloudmaid.handler"):
        handler.handler(run_instances_event(iid), lambda_context())
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "cloudmaid.handler"]
    assert lines[-1]["status"] == "ok" and lines[-1]["matched"] == [iid]
    assert lines[-1]["policy"] == "ec2-tag-compliance" and lines[-1]["request_id"] == "req-1"


def test_ec2_instance_state_mode(function, ec2):
    function({"name": "on-pending", "resource": "ec2",
              "mode": {"type": "ec2-instance-state", "events": ["pending"]},
              "filters": [{"tag:Owner": "absent"}], "actions": ["stop"]})
    iid = run_instances(ec2)[0]
    ev = fixture("ec2-instance-state-pending.json")
    ev["detail"]["instance-id"] = iid
    out = handler.handler(ev, lambda_context())
    assert out["matched"] == [iid] and state(ec2, iid) == "stopped"
    running = dict(ev, detail={"instance-id": iid, "state": "running"})
    assert handler.handler(running, lambda_context())["status"] == "skipped"


def test_guard_duty_mode(function, ec2):
    function({"name": "gd-stop", "resource": "ec2", "mode": {"type": "guard-duty"},
              "actions": ["stop"]})
    iid = run_instances(ec2)[0]
    ev = fixture("guardduty-finding-ec2.json")
    ev["detail"]["resource"]["instanceDetails"]["instanceId"] = iid
    out = handler.handler(ev, lambda_context())
    assert out["matched"] == [iid] and state(ec2, iid) == "stopped"


def scheduled_event(function_name):
    """The Scheduled Event of the function's own rule (EventBridge names the rule in resources)."""
    return dict(fixture("scheduled-event.json"),
                resources=[f"arn:aws:events:us-east-1:{ACCOUNT}:rule/{function_name}"])


def test_periodic_mode_runs_like_poll(function, ec2):
    function({"name": "nightly", "resource": "ec2",
              "mode": {"type": "periodic", "schedule": "rate(1 day)"},
              "filters": [{"tag:Owner": "absent"}], "actions": ["stop"]})
    owned = run_instances(ec2, tags={"Owner": "me"})[0]
    loose = run_instances(ec2)[0]
    context = lambda_context(ARN.replace("maid-ec2-tag-compliance", "maid-nightly"))
    out = handler.handler(scheduled_event("maid-nightly"), context)
    assert out["matched"] == [loose]
    assert state(ec2, loose) == "stopped" and state(ec2, owned) == "running"
    # a warm container describes again on the next schedule (no stale cache)
    handler.handler(scheduled_event("maid-nightly"), context)
    assert calls()["ec2.DescribeInstances"] == 2


@pytest.mark.parametrize("event,reason", [
    ({}, "not a Scheduled Event (the event has no detail-type"),
    (fixture("cloudtrail-authorize-security-group-ingress.json"), "not a Scheduled Event (detail-type is"),
    (fixture("scheduled-event.json"), "resources do not name its rule "
                                      f"arn:aws:events:us-east-1:{ACCOUNT}:rule/maid-nightly"),
    (dict(fixture("scheduled-event.json"), resources=[]), "resources do not name its rule"),
])
def test_periodic_function_runs_only_on_its_own_schedule(function, ec2, event, reason):
    """A test invoke, a CloudTrail event or another rule's schedule runs nothing."""
    function({"name": "nightly", "resource": "ec2",
              "mode": {"type": "periodic", "schedule": "rate(1 day)"}, "actions": ["stop"]})
    iid = run_instances(ec2)[0]
    out = handler.handler(event, lambda_context(ARN.replace("maid-ec2-tag-compliance", "maid-nightly")))
    assert out["status"] == "skipped" and out["reason"].startswith("not delivered: ")
    assert reason in out["reason"]
    assert calls() == {} and state(ec2, iid) == "running"


def config_event(rule="maid-ec2-owner"):
    return dict(fixture("config-rule-invocation.json"), configRuleName=rule)


def _config_stub(kind):
    client = handler._runtime.ctx.session_factory.client("config")
    stub = Stubber(client)
    stub.add_response("put_evaluations", {"FailedEvaluations": []}, {
        "Evaluations": [{"ComplianceResourceType": "AWS::EC2::Instance",
                         "ComplianceResourceId": "i-0abc1234def567890", "ComplianceType": kind,
                         "Annotation": ("The rule does not apply." if kind == "NOT_APPLICABLE" else
                                        f"The resource is {'' if kind == 'COMPLIANT' else 'not '}"
                                        f"compliant with policy:ec2-owner."),
                         "OrderingTimestamp": "2026-11-27T03:00:12.345Z"}],
        "ResultToken": "eyJlbmNyeXB0ZWREYXRhIjpbXX0="})
    stub.activate()
    return stub


@pytest.mark.parametrize("tag_filter,kind", [
    ({"tag:Owner": "absent"}, "NON_COMPLIANT"),   # the fixture's instance has only a Name tag
    ({"tag:Name": "absent"}, "COMPLIANT"),
])
def test_config_rule_mode_puts_evaluations(function, tag_filter, kind):
    """moto's config only accepts PutEvaluations in TestMode, so the call is checked with
    botocore's Stubber (exact request parameters) on the handler's own client."""
    function({"name": "ec2-owner", "resource": "ec2", "mode": {"type": "config-rule"},
              "filters": [tag_filter]})
    handler._runtime = handler.Runtime(handler.load_config(), lambda_context())
    stub = _config_stub(kind)
    out = handler.handler(config_event(), lambda_context())
    stub.assert_no_pending_responses()
    assert out["evaluation"] == kind
    # the configuration item is the resource: no describe call
    assert not any(k.startswith("ec2.") for k in out["api_calls"])


def test_config_rule_deleted_resource_is_not_applicable(function):
    function({"name": "ec2-owner", "resource": "ec2", "mode": {"type": "config-rule"},
              "filters": [{"tag:Owner": "absent"}]})
    handler._runtime = handler.Runtime(handler.load_config(), lambda_context())
    stub = _config_stub("NOT_APPLICABLE")
    ev = config_event()
    inv = json.loads(ev["invokingEvent"])
    inv["configurationItem"]["configurationItemStatus"] = "ResourceDeleted"
    ev["invokingEvent"] = json.dumps(inv)
    out = handler.handler(ev, lambda_context())
    stub.assert_no_pending_responses()
    assert out["evaluation"] == "NOT_APPLICABLE" and out["matched"] == []


@pytest.mark.parametrize("event,reason", [
    (config_event("maid-someone-else"), 'configRuleName is "maid-someone-else", not its Config rule'),
    ({k: v for k, v in config_event().items() if k != "configRuleName"}, "no configRuleName"),
    (dict(config_event(), invokingEvent="{not json"), "invokingEvent is not JSON"),
    (dict(config_event(), invokingEvent=json.dumps({"messageType": "ScheduledNotification"})),
     'messageType is "ScheduledNotification"'),
    (fixture("cloudtrail-run-instances.json"), "no configRuleName"),
])
def test_config_rule_function_runs_only_on_its_rule_invocations(function, event, reason):
    """No evaluation is put (the Stubber has no response queued: any call would fail)."""
    function({"name": "ec2-owner", "resource": "ec2", "mode": {"type": "config-rule"},
              "filters": [{"tag:Owner": "absent"}]})
    handler._runtime = handler.Runtime(handler.load_config(), lambda_context())
    with Stubber(handler._runtime.ctx.session_factory.client("config")):
        out = handler.handler(event, lambda_context())
    assert out["status"] == "skipped" and reason in out["reason"], out
    assert out["reason"].startswith("not delivered: ")


def test_member_role_builds_a_policy_per_member_account(function):
    policy = copy.deepcopy(TAG_COMPLIANCE)
    policy["mode"]["member-role"] = "arn:aws:iam::{account_id}:role/maid-member"
    function(policy)
    handler._runtime = handler.Runtime(handler.load_config(), lambda_context())
    ev = run_instances_event("i-0123456789abcdef0")
    home = handler._runtime.policy_for(ev)
    assert home is handler._runtime.policy
    member = handler._runtime.policy_for(dict(ev, account="222222222222", region="eu-west-1"))
    assert member.ctx.account_id == "222222222222" and member.ctx.region == "eu-west-1"
    assert member.ctx.session_factory.assume_role == "arn:aws:iam::222222222222:role/maid-member"
    assert handler._runtime.policy_for(dict(ev, account="222222222222", region="eu-west-1")) is member


def test_arn_parts():
    assert handler.arn_parts(ARN) == ("aws", "us-east-1", ACCOUNT)
    assert handler.arn_parts(None) == ("aws", None, None)


def _volume(ec2):
    return ec2.create_volume(Size=8, AvailabilityZone="us-east-1a")["VolumeId"]


def _group(ec2):
    return ec2.create_security_group(GroupName="web", Description="web")["GroupId"]


def _bucket(ec2):
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="maid-event-bucket")
    return "maid-event-bucket"


@pytest.mark.parametrize("resource,shortcut,fixture_name,make,path,describe", [
    ("ebs", "CreateVolume", "cloudtrail-create-volume.json", _volume,
     ("responseElements", "volumeId"), "ec2.DescribeVolumes"),
    ("security-group", "AuthorizeSecurityGroupIngress",
     "cloudtrail-authorize-security-group-ingress.json", _group,
     ("requestParameters", "groupId"), "ec2.DescribeSecurityGroups"),
    ("s3", "CreateBucket", "cloudtrail-create-bucket.json", _bucket,
     ("requestParameters", "bucketName"), "s3.ListBuckets"),
])
def test_shortcut_events_fetch_their_resource(function, ec2, resource, shortcut, fixture_name,
                                              make, path, describe):
    function({"name": f"on-{resource}", "resource": resource,
              "mode": {"type": "cloudtrail", "events": [shortcut]}})
    rid = make(ec2)
    ev = fixture(fixture_name)
    ev["detail"][path[0]][path[1]] = rid
    out = handler.handler(ev, lambda_context())
    assert out["status"] == "ok" and out["matched"] == [rid]
    assert out["api_calls"] == {describe: 1}


@pytest.mark.parametrize("identity,stopped", [("IAMUser", False), ("Root", True)])
def test_event_filter_reads_the_triggering_event(function, ec2, identity, stopped):
    function(dict(TAG_COMPLIANCE, filters=[
        {"type": "event", "key": "detail.userIdentity.type", "value": "Root"}]))
    iid = run_instances(ec2)[0]
    ev = run_instances_event(iid)
    ev["detail"]["userIdentity"]["type"] = identity
    out = handler.handler(ev, lambda_context())
    assert out["matched"] == ([iid] if stopped else [])
    assert state(ec2, iid) == ("stopped" if stopped else "running")
    assert ("ec2.StopInstances" in out["api_calls"]) is stopped


def test_output_dir_rules(monkeypatch):
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert handler.usable_output("out") and handler.usable_output("s3://b/p")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "maid-x")   # inside Lambda: read-only code dir
    assert not handler.usable_output("out")
    assert handler.usable_output("/tmp/out") and handler.usable_output("s3://b/p")
    assert not handler.usable_output(None)
