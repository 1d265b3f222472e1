"""``maid run --event`` runs a policy only on an event its deployed trigger would deliver, and
the deployed handler decides with the same function (mode.delivery)."""
import json
import pathlib

import boto3
import pytest
import yaml

from cloudmaid.modes.core import EventMode
from cloudmaid.mu import deploy, handler, local
from cloudmaid.mu.models import Function
from cloudmaid.policy import Policy
from tests.test_local_event import ACCOUNT, Echo, event_file, specs_of

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "events"
RULE_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/maid-nightly-snapshots"

SNAPSHOTS = {"name": "nightly-snapshots", "resource": "ebs", "actions": ["snapshot"],
             "mode": {"type": "periodic", "schedule": "rate(1 day)", "role": "maid-lambda"}}
ON_RUN = {"name": "on-run", "resource": "ec2", "actions": ["stop"],
          "mode": {"type": "cloudtrail", "events": ["RunInstances"]}}
ON_PENDING = {"name": "on-pending", "resource": "ec2", "actions": ["stop"],
              "mode": {"type": "ec2-instance-state", "events": ["pending"]}}
ON_SG = {"name": "on-sg", "resource": "security-group",
         "mode": {"type": "cloudtrail", "events": ["AuthorizeSecurityGroupIngress"]}}
GD = {"name": "gd", "resource": "ec2", "mode": {"type": "guard-duty"}}
CONFIG = {"name": "owner-config", "resource": "ec2", "filters": [{"tag:Owner": "absent"}],
          "mode": {"type": "config-rule"}}
POLL = {"name": "poll", "resource": "ec2"}
PHD = {"name": "retiring", "resource": "ec2",
       "mode": {"type": "phd", "events": ["AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"]}}
HUB = {"name": "hub", "resource": "ec2", "mode": {"type": "hub-finding"}}
# the fixtures name this policy's custom action and schedule, and the Config rule below
HUB_ACTION = {"name": "remediate", "resource": "ec2", "mode": {"type": "hub-action"}}
SCHEDULE = {"name": "s3-bucket-check", "resource": "ec2", "mode": {"type": "schedule", "schedule": "rate(1 day)"}}
CONFIG_POLL = {"name": "ec2-poll-owner", "resource": "ec2",
               "mode": {"type": "config-poll-rule", "schedule": "One_Hour", "ignore-support-check": True}}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))


def fixture(name):
    ev = json.loads((FIXTURES / name).read_text())
    if name.startswith("securityhub-") and "action/custom/" in json.dumps(ev.get("resources")):
        # the custom action the hub-action policy deploys (its id is a digest of the function name)
        from cloudmaid.events.securityhub import action_arn
        ev["resources"] = [action_arn("maid-remediate", "us-east-1", ACCOUNT)]
    return ev


def scheduled(resources):
    return dict(fixture("scheduled-event.json"), resources=resources)


def snapshots(volume=None):
    """Snapshots of our volumes (moto's own AMIs come with snapshots of their own)."""
    ec2 = boto3.client("ec2", region_name="us-east-1")
    volumes = [volume] if volume else [v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]]
    return ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": volumes}])["Snapshots"]


def run(ctx, tmp_path, policies, event):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    echo = Echo()
    before = ctx.counter.snapshot()
    code = local.run_event_file(specs_of(policies), ctx, str(path), echo)
    return code, echo.lines + echo.errors, ctx.counter.since(before)


@pytest.fixture
def volume(ctx, ec2):
    ctx._account_id = ACCOUNT
    return ec2.create_volume(Size=8, AvailabilityZone="us-east-1a")["VolumeId"]


@pytest.mark.parametrize("event,reason", [
    (fixture("cloudtrail-authorize-security-group-ingress.json"),
     'not a Scheduled Event (detail-type is "AWS API Call via CloudTrail"; the pattern wants "Scheduled Event")'),
    ({}, 'not a Scheduled Event (the event has no detail-type; the pattern wants "Scheduled Event")'),
    (scheduled([]), f"a Scheduled Event whose resources do not name its rule {RULE_ARN}"),
    ({k: v for k, v in fixture("scheduled-event.json").items() if k != "resources"},
     f"a Scheduled Event whose resources do not name its rule {RULE_ARN}"),
    (scheduled([RULE_ARN.replace("nightly-snapshots", "someone-else")]),
     f"a Scheduled Event whose resources do not name its rule {RULE_ARN}"),
    (scheduled([RULE_ARN.replace("us-east-1", "eu-west-1")]),
     f"a Scheduled Event whose resources do not name its rule {RULE_ARN}"),
])
def test_periodic_policy_takes_no_snapshot_on_other_events(ctx, volume, tmp_path, event, reason):
    code, lines, calls = run(ctx, tmp_path, [SNAPSHOTS], event)
    assert code == 0
    assert lines == [f"nightly-snapshots: not delivered: {reason}"]
    assert calls == {} and snapshots() == []          # not even a describe


def test_periodic_policy_runs_on_its_own_schedule(ctx, volume, tmp_path):
    code, lines, _ = run(ctx, tmp_path, [SNAPSHOTS], scheduled([RULE_ARN]))
    assert code == 0
    assert lines == ["nightly-snapshots: schedule rate(1 day); 1 ebs resource(s) matched, snapshot: 1 ok"]
    assert [s["VolumeId"] for s in snapshots()] == [volume]


def test_periodic_pattern_also_delivers_its_matching_events(ctx, volume, tmp_path):
    """Cloud Custodian deploys a periodic policy's ``pattern`` beside the schedule."""
    policy = dict(SNAPSHOTS, mode=dict(SNAPSHOTS["mode"], pattern={"source": ["aws.ec2"]}))
    code, lines, _ = run(ctx, tmp_path, [policy], fixture("cloudtrail-create-volume.json"))
    assert code == 0 and lines[0].startswith("nightly-snapshots: pattern matches; 1 ebs resource(s) matched")
    code, lines, _ = run(ctx, tmp_path, [policy], {})
    assert lines == ["nightly-snapshots: not delivered: not a Scheduled Event (the event has no "
                     'detail-type; the pattern wants "Scheduled Event"); nor does its pattern match']
    rule = policy_of(policy, ctx).mode.models(function())[0]
    assert (rule.schedule, json.loads(rule.pattern)) == ("rate(1 day)", {"source": ["aws.ec2"]})


def test_each_policy_gets_only_what_its_trigger_delivers(ctx, volume, tmp_path):
    event = fixture("cloudtrail-authorize-security-group-ingress.json")
    code, lines, _ = run(ctx, tmp_path, [SNAPSHOTS, ON_RUN, ON_PENDING, GD, CONFIG, POLL, ON_SG], event)
    assert code == 0
    assert lines == [
        'nightly-snapshots: not delivered: not a Scheduled Event (detail-type is "AWS API Call via '
        'CloudTrail"; the pattern wants "Scheduled Event")',
        'on-run: not delivered: detail.eventName is "AuthorizeSecurityGroupIngress"; the pattern wants "RunInstances"',
        'on-pending: not delivered: detail-type is "AWS API Call via CloudTrail"; the pattern wants '
        '"EC2 Instance State-change Notification"',
        'gd: not delivered: detail-type is "AWS API Call via CloudTrail"; the pattern wants "GuardDuty Finding"',
        "owner-config: not delivered: not an AWS Config rule invocation (no configRuleName)",
        "poll: not delivered: pull mode",
        "on-sg: pattern matches; 0 security-group resource(s) matched",
    ]


def test_config_rule_policy_runs_on_its_rule_invocation_only(ctx, tmp_path):
    ctx._account_id, ctx.dryrun = ACCOUNT, True
    invocation = dict(fixture("config-rule-invocation.json"), configRuleName="maid-owner-config")
    code, lines, calls = run(ctx, tmp_path, [CONFIG], invocation)
    assert code == 0
    assert lines == ["owner-config: AWS Config rule maid-owner-config; 1 ec2 resource(s) matched, "
                     "evaluation NON_COMPLIANT (dryrun)"]
    code, lines, calls = run(ctx, tmp_path, [CONFIG], fixture("config-rule-invocation.json"))
    assert lines == ['owner-config: not delivered: configRuleName is "maid-ec2-require-owner", not '
                     "its Config rule 'maid-owner-config'"]
    assert calls == {}


def test_cli_exit_code_is_0_when_the_event_reaches_no_policy(aws, tmp_path):
    from click.testing import CliRunner

    from cloudmaid.cli import main
    ec2 = boto3.client("ec2", region_name="us-east-1")
    ec2.create_volume(Size=8, AvailabilityZone="us-east-1a")
    path = tmp_path / "p.yml"
    path.write_text(yaml.safe_dump({"policies": [SNAPSHOTS, POLL]}))
    ev = event_file(tmp_path, "cloudtrail-authorize-security-group-ingress.json")
    result = CliRunner().invoke(main, ["run", "-s", str(tmp_path / "out"), "--event", ev, str(path)])
    assert result.exit_code == 0, result.output
    assert "nightly-snapshots: not delivered: not a Scheduled Event" in result.output
    assert "poll: not delivered: pull mode" in result.output
    assert snapshots() == []


# -- one decision for the handler and --event ------------------------------------------------------
def function():
    return Function(name="maid-x", role=f"arn:aws:iam::{ACCOUNT}:role/r", handler="h", runtime="python3.11",
                    memory=512, timeout=900, description="d", code_sha256="s")


def policy_of(data, ctx):
    ctx._account_id = ACCOUNT
    return Policy(data, ctx)


ALL = [SNAPSHOTS, ON_RUN, ON_PENDING, ON_SG, GD, CONFIG, PHD, HUB, HUB_ACTION, SCHEDULE, CONFIG_POLL]
#: fixture -> the policies of ALL whose trigger delivers it
DELIVERED = {
    "cloudtrail-run-instances.json": {"on-run"},
    "cloudtrail-run-instances-error.json": {"on-run"},       # delivered, then skipped: failed call
    "cloudtrail-authorize-security-group-ingress.json": {"on-sg"},
    "cloudtrail-create-volume.json": set(),
    "cloudtrail-create-bucket.json": set(),
    "ec2-instance-state-pending.json": {"on-pending"},
    "guardduty-finding-ec2.json": {"gd"},
    "asg-launch-successful.json": set(),
    "scheduled-event.json": set(),                            # names another rule
    "config-rule-invocation.json": set(),                     # names another Config rule
    "config-poll-invocation.json": {"ec2-poll-owner"},
    "health-event-ec2.json": {"retiring"},
    "securityhub-findings-imported.json": {"hub"},
    "securityhub-custom-action.json": {"remediate"},
    "securityhub-insight-results.json": {"remediate"},
    "scheduler-invocation.json": {"s3-bucket-check"},
}


def test_the_delivery_table_covers_every_fixture():
    assert set(DELIVERED) <= {p.name for p in FIXTURES.glob("*.json")}


@pytest.mark.parametrize("name", sorted(DELIVERED))
def test_handler_and_event_runs_share_the_delivery_decision(ctx, name):
    event = fixture(name)
    for data in ALL:
        mode = policy_of(data, ctx).mode
        delivered, why = mode.delivery(event)
        assert delivered == (data["name"] in DELIVERED[name]), (data["name"], why)
        if not delivered:
            out = handler.process(policy_of(data, ctx), event)
            assert (out["status"], out["reason"]) == ("skipped", f"not delivered: {why}")


@pytest.mark.parametrize("data", [ON_RUN, ON_PENDING, ON_SG, GD, PHD, HUB, HUB_ACTION], ids=lambda d: d["name"])
@pytest.mark.parametrize("name", sorted(DELIVERED))
def test_pattern_delivery_is_the_deployed_pattern(ctx, data, name):
    from cloudmaid.events import pattern
    mode = policy_of(data, ctx).mode
    deployed = json.loads(next(m for m in mode.models(function()) if hasattr(m, "pattern")).pattern)
    assert mode.delivery(fixture(name))[0] == pattern.matches(deployed, fixture(name))


def test_deploy_refuses_a_policy_without_role_before_any_call(ctx, tmp_path):
    """Custodian validates an event mode without role; deploying it cannot work. No policy of
    the run deploys (as an invalid policy stops a run), and no API call is made."""
    from tests.test_deploy import specs_of as files
    specs = files(tmp_path, SNAPSHOTS, dict(ON_RUN, name="no-role"))
    lines = []
    before = ctx.counter.snapshot()
    code = deploy.deploy(specs, ctx, echo=lambda m, err=False: lines.append(m))
    assert code == 1 and ctx.counter.since(before) == {}
    assert len(lines) == 1 and lines[0].endswith(
        "policy 'no-role': mode.role is required to deploy (an IAM role ARN or name)")
    assert lines[0].startswith(f"{tmp_path / 'p.yml'}:")
