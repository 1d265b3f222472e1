"""config-recorder against moto: recorders merged with their status and delivery channel."""
import boto3

from cloudmaid.filters import core
from cloudmaid.resources.manager import ResourceManager

ROLE = "arn:aws:iam::123456789012:role/config"


def test_recorder_with_status_and_channel(ctx):
    cfg = boto3.client("config", region_name="us-east-1")
    m = ResourceManager.for_type(ctx, "config-recorder")
    assert m.resources() == []
    cfg.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": ROLE})
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="config-logs")
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-logs"})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")
    m.invalidate()
    [r] = m.resources()
    assert r["status"]["recording"] is True
    assert r["deliveryChannel"]["s3BucketName"] == "config-logs"
    found = core.apply(core.parse([{"status.recording": False}], m), [r], manager=m)
    assert found == []
    assert [x["name"] for x in m.get_resources(["default", "missing"])] == ["default"]


def test_retention_and_toggle_recording(ctx):
    from cloudmaid.policy import Policy
    cfg = boto3.client("config", region_name="us-east-1")
    cfg.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": ROLE})
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="config-logs")
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-logs"})
    m = ResourceManager.for_type(ctx, "config-recorder")

    def found(filters):
        ctx.cache.clear()
        return [r["name"] for r in core.apply(core.parse(filters, m), m.resources(), manager=m)]
    assert found([{"type": "retention"}]) == []
    cfg.put_retention_configuration(RetentionPeriodInDays=90)
    assert found([{"type": "retention"}]) == ["default"]
    days = {"type": "retention", "key": "RetentionPeriodInDays"}
    assert found([dict(days, value=90)]) == ["default"]
    assert found([dict(days, value=30)]) == []
    Policy({"name": "p", "resource": "config-recorder", "actions": ["toggle-recording"]},
           ctx).run()
    assert cfg.describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0][
        "recording"] is True
    ctx.cache.clear()
    Policy({"name": "p", "resource": "config-recorder",
            "actions": [{"type": "toggle-recording", "enabled": False}]}, ctx).run()
    assert cfg.describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0][
        "recording"] is False
