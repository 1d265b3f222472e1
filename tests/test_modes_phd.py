"""phd mode: AWS Health events deliver to the policy's function through an EventBridge rule on
its event type codes, categories and statuses; the resources are the affected entities."""
import json

import boto3
import pytest

from cloudmaid.modes.core import EventMode
from cloudmaid.mu import local
from cloudmaid.policy import Policy
from cloudmaid.validate import load_and_check
from tests.conftest import run_instances
from tests.test_deploy import run_deploy, specs_of, writes
from tests.test_local_event import ACCOUNT, Echo
from tests.test_local_event import specs_of as event_specs
from tests.test_modes_common import fixture, problems

RETIRE = "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"
PHD = {"name": "retiring", "resource": "ec2", "actions": ["stop"],
       "mode": {"type": "phd", "role": "maid-lambda", "events": [RETIRE],
                "categories": ["scheduledChange"], "statuses": ["upcoming", "open"]}}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))


def health_event(*ids):
    ev = fixture("health-event-ec2.json")
    ev["resources"] = list(ids)
    ev["detail"]["affectedEntities"] = [{"entityValue": i} for i in ids]
    return ev


def test_the_rule_narrows_to_codes_categories_and_statuses(ctx, aws, tmp_path):
    boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")
    code, calls, lines = run_deploy(specs_of(tmp_path, PHD), ctx)
    assert code == 0, lines
    assert writes(calls) == {"lambda.CreateFunction": 1, "events.PutRule": 1, "events.PutTargets": 1,
                             "lambda.AddPermission": 1}
    # Cloud Custodian's pattern (no detail-type: abuse events too); statuses, which Custodian
    # accepts but leaves out, narrow the rule as well
    assert json.loads(boto3.client("events").describe_rule(Name="maid-retiring")["EventPattern"]) == {
        "source": ["aws.health"],
        "detail": {"eventTypeCode": [RETIRE], "eventTypeCategory": ["scheduledChange"],
                   "statusCode": ["open", "upcoming"]}}
    assert writes(run_deploy(specs_of(tmp_path, PHD), ctx)[1]) == {}


def test_delivery_follows_the_rule(ctx):
    ctx._account_id = ACCOUNT
    mode = Policy(PHD, ctx).mode
    assert mode.delivery(fixture("health-event-ec2.json")) == (True, "pattern matches")
    closed = fixture("health-event-ec2.json")
    closed["detail"]["statusCode"] = "closed"
    assert mode.delivery(closed) == (False, 'detail.statusCode is "closed"; the pattern wants one of "open", "upcoming"')
    other = fixture("health-event-ec2.json")
    other["detail"]["eventTypeCode"] = "AWS_EC2_PERSISTENT_INSTANCE_RETIREMENT_SCHEDULED"
    assert not mode.delivery(other)[0]
    assert not mode.delivery(fixture("guardduty-finding-ec2.json"))[0]


def test_affected_instances_are_stopped_and_annotated(ctx, ec2, tmp_path):
    ctx._account_id = ACCOUNT
    retiring, other = run_instances(ec2, count=2)
    path = tmp_path / "event.json"
    path.write_text(json.dumps(health_event(retiring)))
    echo = Echo()
    assert local.run_event_file(event_specs([PHD]), ctx, str(path), echo) == 0
    assert echo.lines == ["retiring: pattern matches; 1 ec2 resource(s) matched, stop: 1 ok"]
    states = {i["InstanceId"]: i["State"]["Name"]
              for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]}
    assert states[retiring] in ("stopping", "stopped") and states[other] == "running"
    out = json.loads((tmp_path / "out" / "retiring" / "resources.json").read_text())
    assert [r["c7n:HealthEvent"] for r in out] == [[fixture("health-event-ec2.json")["detail"]["eventArn"]]]


def test_entities_named_by_arn_and_the_member_account(ctx):
    ctx._account_id = ACCOUNT
    mode = Policy(PHD, ctx).mode
    ev = health_event("arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0")
    assert mode.resource_ids(ev) == ["i-0123456789abcdef0"]
    ev["detail"]["affectedAccount"] = "222222222222"
    assert mode.member_account(ev) == "222222222222"
    with pytest.raises(Exception, match="no detail.eventArn"):
        mode.ids({"detail": {}})


@pytest.mark.parametrize("mode,resource,expected", [
    ({"type": "phd"}, "ec2", "mode.events: phd mode needs events: the AWS Health event type codes"),
    ({"type": "phd", "events": ["retirement"]}, "ec2",
     "mode.events[0]: 'retirement' is not an AWS Health event type code"),
    ({"type": "phd", "events": [RETIRE], "statuses": ["done"]}, "ec2", "mode.statuses[0]: unknown status 'done'"),
    ({"type": "phd", "events": [RETIRE]}, "s3", "mode: phd mode supports resources "),
])
def test_validation(tmp_path, mode, resource, expected):
    found = problems(tmp_path, {"name": "a", "resource": resource, "mode": mode})
    assert len(found) == 1 and expected in found[0], found


def test_a_valid_policy_validates(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"policies": [PHD]}))
    assert load_and_check([str(path)])[1] == []
