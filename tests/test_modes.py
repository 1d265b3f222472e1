"""Event modes without AWS: ids out of events, EventBridge rules, validation problems."""
import copy
import json
import pathlib
from types import SimpleNamespace

import pytest

from cloudmaid.errors import EventError
from cloudmaid.events import pattern, trail
from cloudmaid.modes import load, modes
from cloudmaid.modes.core import COMMON_SCHEMA, EventMode

load()
FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "events"


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def make(mode, resource="ec2", name="p", description=None):
    """A mode on a stand-in policy (no AWS): only name, data and resource type are read."""
    data = {"name": name, "resource": resource, "mode": mode}
    if description is not None:
        data["description"] = description
    policy = SimpleNamespace(name=name, data=data, resource_type=resource, manager=None)
    return modes.get(mode["type"])(mode, policy)


def trail_event(name, detail, source=None):
    row = trail.lookup(name)
    return {"detail-type": trail.detail_type(row["source"]),
            "source": trail.eventbridge_source(row["source"]),
            "detail": dict({"eventName": row["event"], "eventSource": source or row["source"]}, **detail)}


# -- ids per shortcut --------------------------------------------------------------------------
@pytest.mark.parametrize("fixture_name,shortcut,expected", [
    ("cloudtrail-run-instances.json", "RunInstances", ["i-0abc1234def567890"]),
    ("cloudtrail-create-volume.json", "CreateVolume", ["vol-0123456789abcdef0"]),
    ("cloudtrail-create-bucket.json", "CreateBucket", ["example-bucket-1234"]),
    ("cloudtrail-authorize-security-group-ingress.json", "AuthorizeSecurityGroupIngress",
     ["sg-0123456789abcdef0"]),
])
def test_ids_from_fixture_events(fixture_name, shortcut, expected):
    mode = make({"type": "cloudtrail", "events": [shortcut]})
    ev = fixture(fixture_name)
    assert mode.ids(ev) == expected
    assert mode.skip_reason(ev) is None


SYNTHETIC = {
    "CreateSnapshot": ({"responseElements": {"snapshotId": "snap-1"}}, ["snap-1"]),
    "CreateImage": ({"responseElements": {"imageId": "ami-1"}}, ["ami-1"]),
    "CreateSecurityGroup": ({"responseElements": {"groupId": "sg-1"}}, ["sg-1"]),
    "PutBucketAcl": ({"requestParameters": {"bucketName": "b1"}}, ["b1"]),
    "PutBucketPolicy": ({"requestParameters": {"bucketName": "b1"}}, ["b1"]),
    "DeleteBucketEncryption": ({"requestParameters": {"bucketName": "b1"}}, ["b1"]),
    "PutBucketPublicAccessBlock": ({"requestParameters": {"bucketName": "b1"}}, ["b1"]),
}


@pytest.mark.parametrize("shortcut", sorted(SYNTHETIC))
def test_ids_per_shortcut(shortcut):
    detail, expected = SYNTHETIC[shortcut]
    mode = make({"type": "cloudtrail", "events": [shortcut]})
    ev = trail_event(shortcut, detail)
    assert mode.skip_reason(ev) is None
    assert mode.ids(ev) == expected


def test_run_instances_with_several_instances_and_other_events():
    ev = fixture("cloudtrail-run-instances.json")
    items = ev["detail"]["responseElements"]["instancesSet"]["items"]
    items.append(dict(items[0], instanceId="i-0222"))
    mode = make({"type": "cloudtrail", "events": ["RunInstances", "CreateVolume"]})
    assert mode.ids(ev) == ["i-0abc1234def567890", "i-0222"]
    # an event of the same source but another name yields no ids
    other = copy.deepcopy(ev)
    other["detail"]["eventName"] = "StartInstances"
    assert mode.ids(other) == []


def test_explicit_event_spec_ids_relative_to_detail_or_not():
    ev = fixture("cloudtrail-run-instances.json")
    ev["detail"]["eventName"] = "StartInstances"
    ev["detail"]["requestParameters"] = {"instancesSet": {"items": [{"instanceId": "i-0333"}]}}
    for ids in ("requestParameters.instancesSet.items[].instanceId",
                "detail.requestParameters.instancesSet.items[].instanceId"):
        mode = make({"type": "cloudtrail", "events": [
            {"source": "ec2.amazonaws.com", "event": "StartInstances", "ids": ids}]})
        assert mode.ids(ev) == ["i-0333"]
        assert mode.skip_reason(ev) is None


def test_ids_filtered_to_the_resource_type():
    ev = trail_event("CreateVolume", {"responseElements": {"volumeId": "vol-1"}})
    mode = make({"type": "cloudtrail", "events": ["CreateVolume"]})
    mode.manager = SimpleNamespace(rtype=SimpleNamespace(id_prefix="i-"))
    assert mode.ids(ev) == ["vol-1"]
    assert mode.resource_ids(ev) == []


def test_error_events_are_skipped():
    mode = make({"type": "cloudtrail", "events": ["RunInstances"]})
    ev = fixture("cloudtrail-run-instances-error.json")
    assert "Client.UnauthorizedOperation" in mode.skip_reason(ev)


def test_malformed_and_irrelevant_events():
    mode = make({"type": "cloudtrail", "events": ["RunInstances"]})
    assert mode.skip_reason(fixture("ec2-instance-state-pending.json"))
    assert mode.skip_reason(["not", "a", "dict"])
    with pytest.raises(EventError):
        mode.ids({"detail": {}})
    state = make({"type": "ec2-instance-state", "events": ["pending"]})
    with pytest.raises(EventError):
        state.ids({"detail": {"state": "pending"}})


def test_state_guard_duty_asg_config_ids():
    assert make({"type": "ec2-instance-state", "events": ["pending"]}).ids(
        fixture("ec2-instance-state-pending.json")) == ["i-0abc1234def567890"]
    assert make({"type": "asg-instance-state", "events": ["launch-success"]}, "asg").ids(
        fixture("asg-launch-successful.json")) == ["web-asg"]
    assert make({"type": "guard-duty"}).ids(fixture("guardduty-finding-ec2.json")) == ["i-0abc1234def567890"]
    assert make({"type": "guard-duty"}).member_account(fixture("guardduty-finding-ec2.json")) == "123456789012"
    assert make({"type": "config-rule"}).ids(fixture("config-rule-invocation.json")) == ["i-0abc1234def567890"]


# -- rules -----------------------------------------------------------------------------------
def test_cloudtrail_rule():
    mode = make({"type": "cloudtrail", "events": [
        "RunInstances", "CreateBucket",
        {"source": "lambda.amazonaws.com", "event": "CreateFunction20150331",
         "ids": "requestParameters.functionName"},
        {"source": "ec2.amazonaws.com", "event": "StartInstances", "ids": "x"}]})
    assert mode.rule() == {"pattern": {
        "detail": {"eventName": ["CreateBucket", "CreateFunction20150331", "RunInstances",
                                 "StartInstances"],
                   "eventSource": ["ec2.amazonaws.com", "lambda.amazonaws.com", "s3.amazonaws.com"]},
        "detail-type": ["AWS API Call via CloudTrail"],
        "source": ["aws.ec2", "aws.lambda", "aws.s3"]}}
    # deterministic: the order of events does not change the rendering
    again = make({"type": "cloudtrail", "events": list(reversed(mode.data["events"]))})
    assert pattern.render(again.rule()["pattern"]) == pattern.render(mode.rule()["pattern"])
    for name in ("cloudtrail-run-instances.json", "cloudtrail-create-bucket.json"):
        assert pattern.matches(mode.rule()["pattern"], fixture(name))
    assert not pattern.matches(mode.rule()["pattern"], fixture("cloudtrail-create-volume.json"))


def test_source_is_left_out_when_its_eventbridge_name_is_unsure():
    # CloudWatch's API calls arrive with source aws.cloudwatch, not aws.monitoring
    mode = make({"type": "cloudtrail", "events": ["RunInstances", {
        "source": "monitoring.amazonaws.com", "event": "PutMetricAlarm",
        "ids": "requestParameters.alarmName"}]})
    p = mode.rule()["pattern"]
    assert "source" not in p
    assert p["detail"]["eventSource"] == ["ec2.amazonaws.com", "monitoring.amazonaws.com"]
    ev = fixture("cloudtrail-run-instances.json")
    ev["source"] = "aws.cloudwatch"
    ev["detail"].update(eventSource="monitoring.amazonaws.com", eventName="PutMetricAlarm")
    assert pattern.matches(p, ev)


def test_console_login_detail_type_and_user_pattern():
    mode = make({"type": "cloudtrail", "events": [
                    {"source": "signin.amazonaws.com", "event": "ConsoleLogin", "ids": "userIdentity.arn"}],
                 "pattern": {"detail": {"userIdentity": {"type": ["Root"]}}}})
    p = mode.rule()["pattern"]
    assert p["detail-type"] == ["AWS Console Sign In via CloudTrail"]
    assert p["source"] == ["aws.signin"]
    assert p["detail"]["userIdentity"] == {"type": ["Root"]}


def test_other_mode_rules():
    assert make({"type": "periodic", "schedule": "rate(1 day)"}).rule() == {"schedule": "rate(1 day)"}
    st = make({"type": "ec2-instance-state", "events": ["running", "pending"]}).rule()["pattern"]
    assert st == {"detail": {"state": ["pending", "running"]},
                  "detail-type": ["EC2 Instance State-change Notification"], "source": ["aws.ec2"]}
    assert pattern.matches(st, fixture("ec2-instance-state-pending.json"))
    asg = make({"type": "asg-instance-state", "events": ["launch-success", "terminate-failure"]},
               "asg").rule()["pattern"]
    assert asg == {"detail-type": ["EC2 Instance Launch Successful",
                                   "EC2 Instance Terminate Unsuccessful"],
                   "source": ["aws.autoscaling"]}
    assert pattern.matches(asg, fixture("asg-launch-successful.json"))
    gd = make({"type": "guard-duty"}).rule()["pattern"]
    assert gd["detail"] == {"resource": {"resourceType": ["Instance"]}}
    assert pattern.matches(gd, fixture("guardduty-finding-ec2.json"))
    assert make({"type": "periodic", "schedule": "rate(1 day)", "pattern": {"source": ["aws.ec2"]}}).rule() == {
        "schedule": "rate(1 day)", "pattern": {"source": ["aws.ec2"]}}


def test_config_rule_mode_deploys_a_config_rule_and_its_permission():
    from cloudmaid.mu.awsconfig import ConfigRule
    from cloudmaid.mu.models import Function, Permission
    fn = Function(name="maid-p", role="arn:aws:iam::123456789012:role/r", handler="h",
                  runtime="python3.11", memory=512, timeout=900, description="d", code_sha256="x",
                  tags={"maid-policy": "p"})
    permission, rule = make({"type": "config-rule"}).models(fn)
    assert permission == Permission(function="maid-p", statement_id="maid-p",
                                    principal="config.amazonaws.com", source_account="123456789012")
    assert rule == ConfigRule(name="maid-p", description="d", function="maid-p",
                              resource_types=("AWS::EC2::Instance",), tags={"maid-policy": "p"},
                              message_types=("ConfigurationItemChangeNotification",
                                             "OversizedConfigurationItemChangeNotification"))
    assert set(modes.get("config-rule").model_types()) == {Permission, ConfigRule}


def test_every_event_mode_declares_the_common_schema():
    for name in ("periodic", "cloudtrail", "ec2-instance-state", "asg-instance-state",
                 "guard-duty", "config-rule"):
        cls = modes.get(name)
        assert cls.event_mode and issubclass(cls, EventMode)
        # modes that list rather than fetch an event's ids have no ids to wait for: no delay
        assert set(COMMON_SCHEMA) - {"delay"} <= set(cls.schema)
        assert ("delay" in cls.schema) == getattr(cls, "uses_ids", True)
    assert "schedule" in modes.get("periodic").schema
    assert "events" in modes.get("cloudtrail").schema
    assert not modes.get("pull").event_mode


def test_function_name_and_role():
    mode = make({"type": "periodic", "schedule": "rate(1 day)", "role": "maid-role"}, name="abc")
    assert mode.function_name == "maid-abc"
    assert mode.role_arn("123456789012") == "arn:aws:iam::123456789012:role/maid-role"
    mode = make({"type": "periodic", "schedule": "rate(1 day)", "function-prefix": "x-",
                 "role": "arn:aws:iam::111111111111:role/r"}, name="abc")
    assert mode.function_name == "x-abc"
    assert mode.role_arn("123456789012") == "arn:aws:iam::111111111111:role/r"


# -- validation ------------------------------------------------------------------------------
def problems(mode, **kw):
    return make(mode, **kw).validate()


def test_valid_modes_have_no_problems():
    assert problems({"type": "periodic", "schedule": "rate(1 day)",
                     "role": "arn:aws:iam::{account_id}:role/maid"}) == []
    assert problems({"type": "cloudtrail", "events": ["RunInstances", {
        "source": "ec2.amazonaws.com", "event": "StartInstances",
        "ids": "requestParameters.instancesSet.items[].instanceId"}], "role": "maid"}) == []
    assert problems({"type": "ec2-instance-state", "events": ["pending"]}) == []
    assert problems({"type": "asg-instance-state", "events": ["launch-success"]}, resource="asg") == []
    assert problems({"type": "guard-duty"}) == []
    assert problems({"type": "config-rule"}) == []


@pytest.mark.parametrize("mode,kw,path,fragment", [
    ({"type": "periodic", "schedule": "rate(1 days)"}, {}, ("schedule",), "use 'day' with 1"),
    ({"type": "periodic", "schedule": "cron(0 12 * * *)"}, {}, ("schedule",), "5 fields"),
    ({"type": "periodic", "schedule": "cron(0 12 * * * *)"}, {}, ("schedule",), "'?'"),
    ({"type": "periodic"}, {}, (), "needs a 'schedule'"),
    ({"type": "cloudtrail", "events": ["RunInstance"]}, {}, ("events", 0),
     "unknown CloudTrail shortcut 'RunInstance' (did you mean 'RunInstances'?)"),
    ({"type": "cloudtrail", "events": []}, {}, ("events",), "at least one event"),
    ({"type": "cloudtrail", "events": [{"source": "ec2.amazonaws.com", "event": "X",
                                        "ids": "a[.b"}]}, {}, ("events", 0, "ids"), "invalid JMESPath"),
    ({"type": "cloudtrail", "events": [{"event": "X"}]}, {}, ("events", 0), "missing source, ids"),
    ({"type": "ec2-instance-state", "events": ["started"]}, {}, ("events", 0),
     "unknown instance state 'started'"),
    ({"type": "asg-instance-state", "events": ["launch-succes"]}, {"resource": "asg"},
     ("events", 0), "did you mean 'launch-success'"),
    ({"type": "guard-duty"}, {"resource": "s3"}, (),
     "guard-duty mode needs resource 'ec2'"),
    ({"type": "asg-instance-state", "events": ["launch-success"]}, {}, (),
     "asg-instance-state mode needs resource 'asg'"),
    ({"type": "ec2-instance-state", "events": ["pending"]}, {"resource": "ebs"}, (),
     "ec2-instance-state mode needs resource 'ec2'"),
    ({"type": "cloudtrail", "events": ["RunInstances", "CreateBucket"]}, {}, ("events", 1),
     "CloudTrail shortcut 'CreateBucket' is for resource 's3', not 'ec2'"),
    ({"type": "cloudtrail", "events": ["CreateVolume"]}, {"resource": "ebs-snapshot"}, ("events", 0),
     "CloudTrail shortcut 'CreateVolume' is for resource 'ebs', not 'ebs-snapshot'"),
    ({"type": "config-rule"}, {"resource": "ami"}, (), "does not record resource type 'ami'"),
    ({"type": "periodic", "schedule": "rate(1 day)"}, {"name": "x" * 60}, (),
     "is 65 characters; Lambda allows 64"),
    ({"type": "periodic", "schedule": "rate(1 day)", "function-prefix": "a-much-longer-prefix-"},
     {"name": "x" * 44}, ("function-prefix",), "Lambda allows 64"),
    ({"type": "periodic", "schedule": "rate(1 day)"}, {"description": "d" * 257}, (),
     "description is 257 characters"),
    ({"type": "periodic", "schedule": "rate(1 day)", "role": "arn:aws:iam::12:role/x"}, {},
     ("role",), "neither an IAM role ARN"),
    ({"type": "periodic", "schedule": "rate(1 day)", "role": "arn:aws:iam::123456789012:user/x"},
     {}, ("role",), "neither an IAM role ARN"),
    ({"type": "cloudtrail", "events": ["RunInstances"],
      "pattern": {"detail": {"userIdentity": {"type": [{"regex": "Ro*t"}]}}}}, {},
     ("pattern", "detail", "userIdentity", "type", 0), "unknown matcher"),
    ({"type": "cloudtrail", "events": ["RunInstances"], "pattern": {"detail": {"x": "y"}}}, {},
     ("pattern", "detail", "x"), "must be a list of matchers"),
    ({"type": "periodic", "schedule": "rate(1 day)", "memory": 64}, {}, ("memory",), "128-10240"),
    ({"type": "periodic", "schedule": "rate(1 day)", "timeout": 1000}, {}, ("timeout",), "1-900"),
])
def test_validation_problems(mode, kw, path, fragment):
    found = problems(mode, **kw)
    assert any(p == path and fragment in m for p, m in found), found


def test_jmespath_problem_is_one_complete_line():
    (path, message), = problems({"type": "cloudtrail", "events": [
        {"source": "ec2.amazonaws.com", "event": "X", "ids": "x["}]})
    assert "\n" not in message and not message.endswith(":")
    assert message.startswith("invalid JMESPath 'x[': ")


def test_every_shortcut_validates_on_its_own_resource_type():
    for name, row in trail.SHORTCUTS.items():
        assert problems({"type": "cloudtrail", "events": [name]}, resource=row["resource"]) == [], name


def test_a_mode_without_role_validates_as_in_custodian():
    """Custodian's schema accepts an event mode without role (a dry run or --event needs none);
    deploying it is refused before any API call (tests/test_deploy.py)."""
    assert problems({"type": "cloudtrail", "events": ["RunInstances"]}) == []


def test_exact_limits_are_accepted():
    assert problems({"type": "periodic", "schedule": "rate(1 day)"}, name="x" * 59,
                    description="d" * 256) == []
