"""alarm: Custodian's shape and the delete action against moto."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager


@pytest.fixture
def cw(aws):
    return boto3.client("cloudwatch", region_name="us-east-1")


def alarm(cw, name):
    cw.put_metric_alarm(AlarmName=name, MetricName="CPUUtilization", Namespace="AWS/EC2",
                        Statistic="Average", Period=300, EvaluationPeriods=1, Threshold=1.0,
                        ComparisonOperator="GreaterThanThreshold",
                        Tags=[{"Key": "Name", "Value": name}])


def test_shape_tags_and_get_by_names(ctx, cw):
    alarm(cw, "high-cpu")
    m = ResourceManager.for_type(ctx, "alarm")
    [a] = m.resources()
    m.ensure_details([a], {"Tags"})
    assert a["Tags"] == [{"Key": "Name", "Value": "high-cpu"}]
    assert m.arn(a) == a["AlarmArn"]
    assert [x["AlarmName"] for x in m.get_resources(["high-cpu", "gone"])] == ["high-cpu"]


def test_delete_in_batches(ctx, cw):
    for i in range(5):
        alarm(cw, f"a{i}")
    alarm(cw, "keep")
    meta = Policy({"name": "p", "resource": "alarm", "filters": [
        {"type": "value", "key": "AlarmName", "op": "regex", "value": "a[0-9]"}],
        "actions": ["delete"]}, ctx).run()
    assert meta["actions"][0]["succeeded"] == 5
    assert meta["api-stats"]["cloudwatch.DeleteAlarms"] == 1
    assert [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]] == ["keep"]
