"""Event mode on moto: EventBridge delivers at least once and state changes arrive out of
order. A redelivered event (to the same or a fresh container) never acts twice, a late event
acts on the resource's current state, and max-resources holds per invocation."""
import copy
import datetime
import json
import pathlib
from types import SimpleNamespace

import pytest

from cloudmaid.actions.tags import mark_clock
from cloudmaid.filters.tags import action_date
from cloudmaid.modes.core import EventMode
from cloudmaid.mu import handler

from .conftest import run_instances

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "events"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:maid-dup"
UTC = datetime.timezone.utc


def lambda_context(request="req-1"):
    return SimpleNamespace(invoked_function_arn=ARN, aws_request_id=request,
                           function_name="maid-dup")


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def stamp(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def run_instances_event(ids, when):
    ev = fixture("cloudtrail-run-instances.json")
    items = ev["detail"]["responseElements"]["instancesSet"]["items"]
    ev["detail"]["responseElements"]["instancesSet"]["items"] = [
        dict(copy.deepcopy(items[0]), instanceId=i) for i in ids]
    ev["time"] = ev["detail"]["eventTime"] = stamp(when)
    return ev


def state_event(iid, state, when):
    ev = fixture("ec2-instance-state-pending.json")
    ev["detail"] = {"instance-id": iid, "state": state}
    ev["time"] = stamp(when)
    return ev


@pytest.fixture
def function(aws, tmp_path, monkeypatch):
    """Deploy a policy as a function; ``fresh()`` starts a new container."""
    monkeypatch.setenv(handler.ROOT_ENV, str(tmp_path))
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))

    def deploy(policy):
        (tmp_path / "config.json").write_text(json.dumps({"policy": policy, "options": {}}))
        handler.reset()
    yield deploy
    handler.reset()


def deliver(event, request="req-1"):
    out = handler.handler(copy.deepcopy(event), lambda_context(request))
    return out, dict(handler._runtime.ctx.counter.counts)


def tag(ec2, iid, key="maid_status"):
    return {t["Key"]: t["Value"] for t in ec2.describe_tags(Filters=[
        {"Name": "resource-id", "Values": [iid]}])["Tags"]}.get(key)


def state(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0][
        "State"]["Name"]


MARK = {"name": "mark-untagged", "resource": "ec2",
        "mode": {"type": "cloudtrail", "events": ["RunInstances"]},
        "filters": [{"tag:Owner": "absent"}],
        "actions": [{"type": "mark-for-op", "op": "stop", "hours": 6}]}


# -- duplicated deliveries -------------------------------------------------------------
@pytest.mark.parametrize("container", ["warm", "fresh"])
def test_redelivered_event_does_not_move_the_mark_for_op_date(function, ec2, container):
    function(MARK)
    [iid] = run_instances(ec2)
    # an event from two hours ago: "now" on each delivery would give another date
    sent = datetime.datetime.now(UTC).replace(microsecond=0) - datetime.timedelta(hours=2)
    ev = run_instances_event([iid], sent)
    first, _ = deliver(ev)
    assert first["status"] == "ok" and first["matched"] == [iid]
    marked = tag(ec2, iid)
    assert marked == f"Resource does not meet policy: stop@{action_date(sent, hours=6)}"
    if container == "fresh":
        handler.reset()
    before = dict(handler._runtime.ctx.counter.counts) if handler._runtime else {}
    second, counts = deliver(ev, "req-2")
    assert second["status"] == "ok" and second["matched"] == [iid]
    assert tag(ec2, iid) == marked
    # the instance carries that value already: nothing is written
    assert counts.get("ec2.CreateTags", 0) == before.get("ec2.CreateTags", 0)
    assert second["actions"] == [{"action": "mark-for-op", "succeeded": 1, "failed": 0}]


def test_a_later_event_marks_from_its_own_time(function, ec2):
    function(MARK)
    [iid] = run_instances(ec2)
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    deliver(run_instances_event([iid], now - datetime.timedelta(hours=3)))
    deliver(run_instances_event([iid], now - datetime.timedelta(hours=1)))
    assert tag(ec2, iid).endswith(action_date(now - datetime.timedelta(hours=1), hours=6))


def test_mark_clock_uses_the_event_time_only_within_the_redelivery_window():
    now = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    hour = datetime.timedelta(hours=1)
    assert mark_clock(now, None) == now                                   # poll mode
    assert mark_clock(now, {"time": stamp(now - 23 * hour)}) == now - 23 * hour
    # a saved or replayed event: its own time would give a date already past
    assert mark_clock(now, {"time": stamp(now - 25 * hour)}) == now
    assert mark_clock(now, {"time": stamp(now + hour)}) == now            # a wrong clock
    assert mark_clock(now, {"time": "yesterday"}) == now
    assert mark_clock(now, {"detail": {}}) == now


def test_redelivered_stop_makes_no_second_stop_call(function, ec2):
    function(dict(MARK, name="stop-untagged", actions=["stop"]))
    [iid] = run_instances(ec2)
    ev = run_instances_event([iid], datetime.datetime.now(UTC))
    first, counts = deliver(ev)
    assert first["status"] == "ok" and state(ec2, iid) == "stopped"
    assert counts["ec2.StopInstances"] == 1
    second, counts = deliver(ev, "req-2")
    assert second["status"] == "ok" and second["matched"] == [iid]
    assert counts["ec2.StopInstances"] == 1   # the stopped instance is skipped, no call
    assert second["errors"] == []


# -- out-of-order state changes --------------------------------------------------------
def test_late_running_event_for_a_stopped_instance_does_not_act(function, ec2):
    function({"name": "on-running", "resource": "ec2",
              "mode": {"type": "ec2-instance-state", "events": ["running"]},
              "filters": [{"tag:Owner": "absent"}],
              "actions": ["stop"]})
    [iid] = run_instances(ec2)
    ec2.stop_instances(InstanceIds=[iid])   # "stopped" happened; "running" arrives after it
    out, counts = deliver(state_event(iid, "running", datetime.datetime.now(UTC)))
    assert out["status"] == "ok" and out["matched"] == [iid]
    assert "ec2.StopInstances" not in counts
    assert state(ec2, iid) == "stopped"


def test_state_filter_reads_the_current_state_not_the_event(function, ec2):
    function({"name": "tag-running", "resource": "ec2",
              "mode": {"type": "ec2-instance-state", "events": ["running"]},
              "filters": [{"State.Name": "running"}],
              "actions": [{"type": "tag", "key": "seen", "value": "running"}]})
    [iid] = run_instances(ec2)
    ec2.stop_instances(InstanceIds=[iid])
    out, counts = deliver(state_event(iid, "running", datetime.datetime.now(UTC)))
    assert out["status"] == "ok" and out["matched"] == [] and out["actions"] == []
    assert "ec2.CreateTags" not in counts and tag(ec2, iid, "seen") is None


# -- max-resources per invocation ------------------------------------------------------
def test_max_resources_holds_per_invocation(function, ec2):
    function(dict(MARK, name="stop-few", actions=["stop"], **{"max-resources": 2}))
    many = run_instances(ec2, count=3)
    now = datetime.datetime.now(UTC)
    out, counts = deliver(run_instances_event(many, now))
    assert out["status"] == "error" and "max-resources" in out["errors"][0]
    assert "ec2.StopInstances" not in counts
    assert {state(ec2, i) for i in many} == {"running"}
    # the same warm container: each invocation has its own count, earlier ones add nothing
    for i in many[:2]:
        out, _ = deliver(run_instances_event([i], now), f"req-{i}")
        assert out["status"] == "ok"
    assert [state(ec2, i) for i in many] == ["stopped", "stopped", "running"]
