"""schedule mode: an EventBridge Scheduler schedule invokes the function (moto implements the
Scheduler); the function runs, like poll mode, only on its own schedule's invocation."""
import json

import boto3
import pytest

from cloudmaid.mu import gc, handler
from cloudmaid.mu.scheduler import Schedule
from tests.conftest import run_instances
from tests.test_deploy import ACCOUNT, plan_for, run_deploy, specs_of, writes
from tests.test_handler import function, lambda_context  # noqa: F401  (fixture)
from tests.test_modes_common import fixture, problems

NIGHTLY = {"name": "nightly-stop", "resource": "ec2", "actions": ["stop"],
           "mode": {"type": "schedule", "role": "maid-lambda", "schedule": "cron(0 20 * * ? *)",
                    "timezone": "Europe/Paris", "start-date": "2030-01-01T00:00:00",
                    "end-date": "2030-12-31T00:00:00+01:00", "scheduler-role": "maid-scheduler"}}
NAME = "maid-nightly-stop"
SCHEDULE_ARN = f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/default/{NAME}"


@pytest.fixture
def role(aws):
    return boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def schedule_of(group="default"):
    return boto3.client("scheduler").get_schedule(Name=NAME, GroupName=group)


def test_deploys_a_schedule_invoking_the_function(ctx, role, tmp_path):
    specs = specs_of(tmp_path, NIGHTLY)
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0, lines
    # no EventBridge rule and no invoke permission: the Scheduler invokes with its own role
    assert writes(calls) == {"lambda.CreateFunction": 1, "scheduler.CreateSchedule": 1}
    s = schedule_of()
    fn = boto3.client("lambda").get_function(FunctionName=NAME)["Configuration"]
    assert (s["ScheduleExpression"], s["ScheduleExpressionTimezone"], s["State"]) == (
        "cron(0 20 * * ? *)", "Europe/Paris", "ENABLED")
    assert s["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert (s["StartDate"].isoformat(), s["EndDate"].isoformat()) == (
        "2030-01-01T00:00:00+00:00", "2030-12-30T23:00:00+00:00")
    assert s["Target"]["Arn"] == fn["FunctionArn"]
    assert s["Target"]["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/maid-scheduler"
    assert json.loads(s["Target"]["Input"])["resources"] == ["<aws.scheduler.schedule-arn>"]
    # the tagged function links to it; an unchanged policy plans nothing
    assert fn["FunctionName"] and plan_for(specs[0], ctx) == []
    assert writes(run_deploy(specs, ctx)[1]) == {}


def test_a_changed_expression_updates_and_a_new_group_moves_it(ctx, role, tmp_path):
    assert run_deploy(specs_of(tmp_path, NIGHTLY), ctx)[0] == 0
    later = dict(NIGHTLY, mode=dict(NIGHTLY["mode"], schedule="rate(2 hours)"))
    steps = plan_for(specs_of(tmp_path, later)[0], ctx)
    assert [(s.service, s.method) for s in steps] == [("scheduler", "update_schedule")]
    boto3.client("scheduler").create_schedule_group(Name="nightly")
    moved = dict(later, mode=dict(later["mode"], **{"group-name": "nightly"}))
    code, calls, _ = run_deploy(specs_of(tmp_path, moved), ctx)
    assert code == 0 and writes(calls) == {"lambda.UpdateFunctionCode": 1, "scheduler.CreateSchedule": 1,
                                           "scheduler.DeleteSchedule": 1}
    assert schedule_of("nightly")["ScheduleExpression"] == "rate(2 hours)"
    assert [s["GroupName"] for s in boto3.client("scheduler").list_schedules()["Schedules"]] == ["nightly"]
    assert plan_for(specs_of(tmp_path, moved)[0], ctx) == []


def test_gc_removes_the_schedule_of_a_dropped_or_moved_policy(ctx, role, tmp_path):
    assert run_deploy(specs_of(tmp_path, NIGHTLY), ctx)[0] == 0
    lam = boto3.client("lambda")
    # someone else's schedule of someone else's function: never touched
    theirs = lam.create_function(FunctionName="theirs", Runtime="python3.11", Role=role, Handler="x.y",
                                 Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18})["FunctionArn"]
    boto3.client("scheduler").create_schedule(Name="theirs", ScheduleExpression="rate(1 day)",
                                              FlexibleTimeWindow={"Mode": "OFF"},
                                              Target={"Arn": theirs, "RoleArn": role})
    periodic = dict(NIGHTLY, mode={"type": "periodic", "role": "maid-lambda", "schedule": "rate(1 day)"})
    lines = []
    assert gc.gc(specs_of(tmp_path, periodic, name="q.yml"), ctx, plan_only=True,
                 echo=lambda m, err=False: lines.append(m)) == 0
    assert lines[1:] == [f"  scheduler.delete_schedule(Name={NAME}, GroupName=default)"]
    lines.clear()
    assert gc.gc([], ctx, echo=lambda m, err=False: lines.append(m)) == 0
    assert [line.split("(")[0].strip() for line in lines[1:]] == [
        "scheduler.delete_schedule", "lambda.delete_function"]
    assert [s["Name"] for s in boto3.client("scheduler").list_schedules()["Schedules"]] == ["theirs"]
    assert Schedule.ours(ctx.session_factory) == []


def test_deploy_needs_the_scheduler_role(ctx, role, tmp_path):
    policy = dict(NIGHTLY, mode={k: v for k, v in NIGHTLY["mode"].items() if k != "scheduler-role"})
    code, calls, lines = run_deploy(specs_of(tmp_path, policy), ctx)
    assert code == 1 and calls == {}
    assert lines[0].endswith("policy 'nightly-stop': mode.scheduler-role is required to deploy: the role "
                             "EventBridge Scheduler invokes the function with (an IAM role ARN or name)")


def invocation(arn=SCHEDULE_ARN):
    return dict(fixture("scheduler-invocation.json"), resources=[arn])


def test_the_function_runs_on_its_own_schedule_only(function, ec2):  # noqa: F811
    function(NIGHTLY)
    iid = run_instances(ec2)[0]
    context = lambda_context(f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{NAME}")
    for event, reason in (
            (fixture("scheduler-invocation.json"), "a Scheduler event whose resources do not name its "
                                                   f"schedule {SCHEDULE_ARN}"),
            (invocation(SCHEDULE_ARN.replace("default", "other")), "do not name its schedule"),
            (fixture("scheduled-event.json"), 'not a Scheduler event (source is "aws.events"'),
            ({}, "not a Scheduler event (the event has no detail-type")):
        out = handler.handler(event, context)
        assert out["status"] == "skipped" and reason in out["reason"], out
    out = handler.handler(invocation(), context)
    assert out["status"] == "ok" and out["matched"] == [iid]
    state = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state in ("stopping", "stopped")


@pytest.mark.parametrize("keys,expected", [
    ({"schedule": "every night"}, "mode.schedule: invalid schedule 'every night': expected rate(N unit), "
                                  "cron(6 fields) or at(yyyy-mm-ddThh:mm:ss)"),
    ({"schedule": "at(2030-02-30T08:00:00)"}, "mode.schedule: invalid one-time expression"),
    ({"timezone": "Europe/Paree"}, "mode.timezone: unknown timezone 'Europe/Paree'"),
    ({"start-date": "tomorrow"}, "mode.start-date: 'tomorrow' is not a date or time"),
    ({"end-date": "2029-01-01"}, "mode.end-date: end-date must be after start-date"),
    ({"group-name": "my group"}, "mode.group-name: 'my group' does not match the pattern"),
    ({"scheduler-role": "arn:aws:iam::role"}, "mode.scheduler-role: scheduler-role 'arn:aws:iam::role' is "
                                              "neither an IAM role ARN"),
    ({"pattern": {"source": ["aws.ec2"]}}, "mode.pattern: EventBridge Scheduler schedules do not use event patterns"),
])
def test_validation(tmp_path, keys, expected):
    found = problems(tmp_path, dict(NIGHTLY, mode=dict(NIGHTLY["mode"], **keys)))
    assert len(found) == 1 and found[0].startswith(f"policy 'nightly-stop': {expected}"), found


def test_one_time_schedules_validate(tmp_path):
    assert problems(tmp_path, dict(NIGHTLY, mode=dict(NIGHTLY["mode"], schedule="at(2030-02-28T08:00:00)"))) == []
