"""The metrics filter against moto's CloudWatch: datapoints read with GetMetricData (one call
for many resources), every datapoint must satisfy op/value, missing-value stands in for no
data, percent-attr, the window Custodian computes, validation."""
import datetime

import boto3
import pytest

from cloudmaid.filters import metrics
from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances


def put(cw, instance, values, now):
    cw.put_metric_data(Namespace="AWS/EC2", MetricData=[
        {"MetricName": "CPUUtilization", "Dimensions": [{"Name": "InstanceId", "Value": instance}],
         "Timestamp": now - datetime.timedelta(hours=n + 1), "Value": v}
        for n, v in enumerate(values)])


def run(ctx, **data):
    return Policy({"name": "m", "resource": "ec2",
                   "filters": [{"type": "metrics", "name": "CPUUtilization", **data}]}, ctx)


@pytest.fixture
def fleet(ctx, ec2):
    cw = boto3.client("cloudwatch", region_name="us-east-1")
    now = datetime.datetime.now(datetime.timezone.utc)
    idle, busy, silent = run_instances(ec2, count=3)
    put(cw, idle, [2, 3, 1], now)
    put(cw, busy, [2, 90, 3], now)
    ctx.now = now
    calls = []
    ctx.session_factory.client("cloudwatch").meta.events.register(
        "before-call.cloudwatch.*", lambda model, **kw: calls.append(model.name))
    return {"idle": idle, "busy": busy, "silent": silent, "calls": calls}


def matched(policy):
    found = policy.mode.resources(None)
    from cloudmaid.filters import core
    return sorted(r["InstanceId"] for r in core.apply(policy.filters, found, None, policy.manager,
                                                      policy.ctx.now))


def test_every_datapoint_must_satisfy_and_no_data_does_not_match(ctx, fleet):
    got = matched(run(ctx, days=1, period=3600, value=10, op="less-than"))
    assert got == [fleet["idle"]]
    assert fleet["calls"] == ["GetMetricData"]   # one call for the three instances


def test_missing_value_stands_in(ctx, fleet):
    got = matched(run(ctx, days=1, period=3600, value=10, op="less-than", **{"missing-value": 0}))
    assert got == sorted([fleet["idle"], fleet["silent"]])


def test_statistic_over_the_window_and_annotation(ctx, fleet):
    p = run(ctx, days=1, value=50, op="greater-than", statistics="Maximum")
    assert matched(p) == [fleet["busy"]]
    busy = [r for r in p.mode.resources(None) if r["InstanceId"] == fleet["busy"]]
    from cloudmaid.filters import core
    core.apply(p.filters, busy, None, p.manager, ctx.now)
    (points,) = busy[0]["c7n.metrics"].values()
    assert points[0]["Maximum"] == 90


def test_percent_attr(ctx, fleet):
    p = run(ctx, days=1, period=3600, value=50, op="less-than", **{
        "percent-attr": "Capacity", "attr-multiplier": 2})
    resources = [{"InstanceId": fleet["idle"], "Capacity": 2},     # 1..3 of 4: under 100%
                 {"InstanceId": fleet["busy"], "Capacity": 100},   # 90 of 200: 45%, 1%, 1.5%
                 {"InstanceId": fleet["silent"], "Capacity": 10},  # no data
                 ]
    got = [r["InstanceId"] for r in p.filters[0].process(resources)]
    assert got == [fleet["busy"]]
    no_attr = p.filters[0].process([{"InstanceId": fleet["idle"]}])
    assert no_attr == []


def test_window_alignment():
    now = datetime.datetime(2026, 12, 1, 10, 7, 31, 5, tzinfo=datetime.timezone.utc)
    assert metrics.window(now, 14) == (datetime.datetime(2026, 11, 17, 10, 8),
                                       datetime.datetime(2026, 12, 1, 10, 8))
    assert metrics.window(now, 30)[1] == datetime.datetime(2026, 12, 1, 10, 10)
    assert metrics.window(now, 100)[1] == datetime.datetime(2026, 12, 1, 11, 0)
    assert metrics.window(now, 0.1)[1] == datetime.datetime(2026, 12, 1, 10, 7, 32)
    assert metrics.window(now, 1, "start-of-day") == (datetime.datetime(2026, 11, 30),
                                                     datetime.datetime(2026, 12, 1))


def problems(f, resource="ec2"):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": resource,
                                            "filters": [f]}).run()]


def test_validation():
    ok = {"type": "metrics", "name": "CPUUtilization", "value": 1}
    assert problems(ok) == [] and problems(dict(ok, statistics="p99.5")) == []
    assert problems({"type": "metrics", "name": "CPUUtilization"})      # value required
    assert any("not supported" in m for m in problems(dict(ok, statistics="Median")))
    assert any("455" in m for m in problems(dict(ok, days=500)))
    assert problems(dict(ok, name="NumberOfObjects"), "s3") == []
