"""EC2 attribute filters and settings actions on moto."""
import base64
import gzip

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances


def matched(ctx, filters, ids):
    found = Policy({"name": "a", "resource": "ec2",
                    "filters": [{"type": "value", "key": "InstanceId", "op": "in", "value": ids},
                                *filters]}, ctx)
    from cloudmaid.filters import core
    got = core.apply(found.filters, [dict(r) for r in found.mode.resources(None)], None,
                     found.manager, ctx.now)
    return sorted(r["InstanceId"] for r in got)


def test_protection_and_attribute_filters(ctx, ec2):
    a, b = run_instances(ec2, count=2)
    ec2.modify_instance_attribute(InstanceId=a, DisableApiTermination={"Value": True})
    ec2.modify_instance_attribute(InstanceId=b, SourceDestCheck={"Value": False})
    assert matched(ctx, ["termination-protected"], [a, b]) == [a]
    assert matched(ctx, [{"not": ["termination-protected"]}], [a, b]) == [b]
    assert matched(ctx, [{"type": "instance-attribute", "attribute": "sourceDestCheck",
                          "key": "Value", "value": False}], [a, b]) == [b]


def test_user_data_plain_and_gzipped(ctx, ec2):
    (plain,) = run_instances(ec2, UserData="#!/bin/sh\nexport DB_PASSWORD=hunter2\n")
    (zipped,) = run_instances(ec2, UserData=gzip.compress(b"#!/bin/sh\npassword=x\n"))
    (none,) = run_instances(ec2)
    ids = [plain, zipped, none]
    assert matched(ctx, [{"type": "user-data", "op": "regex", "value": "(?smi).*password="}],
                   ids) == sorted([plain, zipped])
    assert matched(ctx, [{"type": "user-data", "value": "absent"}], ids) == [none]


def test_ephemeral_and_singleton(ctx, ec2):
    (iid,) = run_instances(ec2)
    # moto's instances have an EBS root: not ephemeral; no ASG tag and no recover alarm
    assert matched(ctx, ["ephemeral"], [iid]) == []
    assert matched(ctx, ["singleton"], [iid]) == [iid]
    cw = boto3.client("cloudwatch", region_name="us-east-1")
    cw.put_metric_alarm(AlarmName="recover", MetricName="StatusCheckFailed_System",
                        Namespace="AWS/EC2", Statistic="Minimum", Period=60, EvaluationPeriods=2,
                        Threshold=0, ComparisonOperator="GreaterThanThreshold",
                        Dimensions=[{"Name": "InstanceId", "Value": iid}],
                        AlarmActions=["arn:aws:automate:us-east-1:ec2:recover"])
    assert matched(ctx, ["singleton"], [iid]) == []


def run(ctx, ids, actions):
    return Policy({"name": "s", "resource": "ec2", "filters": [
        {"type": "value", "key": "InstanceId", "op": "in", "value": ids}],
        "actions": actions}, ctx).run()


def describe(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def test_set_monitoring(ctx):
    """moto lacks (Un)MonitorInstances: botocore's Stubber answers with the real shape."""
    from botocore.stub import Stubber

    from cloudmaid.aws.ec2.instance_attributes import SetMonitoring
    manager = Policy({"name": "s", "resource": "ec2"}, ctx).manager
    client = manager.client()
    ids = [f"i-{n:017x}" for n in range(25)]
    with Stubber(client) as stub:
        for chunk in (ids[:20], ids[20:]):
            stub.add_response("monitor_instances", {"InstanceMonitorings": [
                {"InstanceId": i, "Monitoring": {"State": "pending"}} for i in chunk]},
                {"InstanceIds": chunk})
        stub.add_response("unmonitor_instances", {"InstanceMonitorings": []},
                          {"InstanceIds": ids[:1]})
        on = SetMonitoring({"type": "set-monitoring", "state": "enable"}, manager)
        assert on.run([{"InstanceId": i} for i in ids])["succeeded"] == 25
        off = SetMonitoring({"type": "set-monitoring", "state": "disable"}, manager)
        assert off.run([{"InstanceId": ids[0]}])["succeeded"] == 1
        stub.assert_no_pending_responses()


def test_set_metadata_access_only_where_different(ctx, ec2):
    a, b = run_instances(ec2, count=2)
    ec2.modify_instance_metadata_options(InstanceId=b, HttpTokens="required")
    meta = run(ctx, [a, b], [{"type": "set-metadata-access", "tokens": "required"}])
    (result,) = meta["actions"]
    assert result["succeeded"] == 1 and result["unchanged"] == 1
    assert describe(ec2, a)["MetadataOptions"]["HttpTokens"] == "required"


def problems(item, kind="actions"):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ec2", kind: [item]}).run()]


def test_validation():
    assert problems({"type": "set-metadata-access"})
    assert problems({"type": "set-metadata-access", "metadata-tags": "enabled"}) == []
    assert problems({"type": "set-monitoring"})
    assert problems({"type": "instance-attribute", "attribute": "bogus"}, "filters")
    assert problems({"type": "instance-attribute", "attribute": "ebsOptimized", "key": "Value",
                     "value": False}, "filters") == []
