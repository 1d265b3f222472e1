"""kinesis and firehose: Custodian's shapes, and their actions against moto."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager

ACCOUNT = "123456789012"


def run(ctx, resource, filters=(), actions=()):
    return Policy({"name": "pol", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


@pytest.fixture
def kinesis(aws):
    return boto3.client("kinesis", region_name="us-east-1")


@pytest.fixture
def firehose(aws):
    return boto3.client("firehose", region_name="us-east-1")


def stream(kinesis, name):
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.add_tags_to_stream(StreamName=name, Tags={"Name": name})
    return name


def delivery(firehose, name):
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": f"arn:aws:iam::{ACCOUNT}:role/r",
                                            "BucketARN": "arn:aws:s3:::b"},
        Tags=[{"Key": "Name", "Value": name}])
    return name


def test_streams_completed_and_paged_past_moto_pages(ctx, kinesis):
    names = [stream(kinesis, f"s{i:02d}") for i in range(12)]   # moto pages by 10
    m = ResourceManager.for_type(ctx, "kinesis")
    found = m.resources()
    assert sorted(r["StreamName"] for r in found) == names
    first = next(r for r in found if r["StreamName"] == "s00")
    assert first["StreamStatus"] == "ACTIVE" and first["StreamARN"].endswith(":stream/s00")
    m.ensure_details([first], {"Tags"})
    assert first["Tags"] == [{"Key": "Name", "Value": "s00"}]
    assert [r["StreamName"] for r in m.get_resources(["s03", "gone"])] == ["s03"]


def test_encrypt_with_alias_name(ctx, kinesis):
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/streams", TargetKeyId=key)
    stream(kinesis, "clicks")
    run(ctx, "kinesis", [], [{"type": "encrypt", "key": "streams"}])
    desc = kinesis.describe_stream(StreamName="clicks")["StreamDescription"]
    assert desc["EncryptionType"] == "KMS" and desc["KeyId"] == key


def test_delete_skips_streams_not_active(ctx, kinesis):
    stream(kinesis, "a")
    stream(kinesis, "b")
    m = ResourceManager.for_type(ctx, "kinesis")
    from cloudmaid.aws.kinesis.actions import DeleteStream
    resources = m.resources()
    for r in resources:
        if r["StreamName"] == "b":
            r["StreamStatus"] = "UPDATING"
    result = DeleteStream({"type": "delete", "force": True}, m).run(resources)
    assert result["skipped"] == ["b"] and result["succeeded"] == 1
    assert kinesis.list_streams()["StreamNames"] == ["b"]


def test_firehose_shape_and_delete(ctx, firehose):
    delivery(firehose, "keep")
    delivery(firehose, "gone")
    m = ResourceManager.for_type(ctx, "firehose")
    found = {r["DeliveryStreamName"]: r for r in m.resources()}
    assert sorted(found) == ["gone", "keep"]
    assert found["keep"]["DeliveryStreamARN"].endswith(":deliverystream/keep")
    m.ensure_details(list(found.values()), {"Tags"})
    assert found["keep"]["Tags"] == [{"Key": "Name", "Value": "keep"}]
    run(ctx, "firehose", [{"DeliveryStreamName": "gone"}], ["delete"])
    assert firehose.list_delivery_streams()["DeliveryStreamNames"] == ["keep"]


def test_cross_account_reads_the_stream_policy(ctx, kinesis):
    import json
    stream(kinesis, "shared")
    stream(kinesis, "private")
    arn = kinesis.describe_stream(StreamName="shared")["StreamDescription"]["StreamARN"]
    kinesis.put_resource_policy(ResourceARN=arn, Policy=json.dumps({"Statement": [
        {"Sid": "read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
         "Action": "kinesis:GetRecords", "Resource": arn}]}))
    meta = run(ctx, "kinesis", [{"type": "cross-account"}])
    assert [r["StreamName"] for r in meta["matched"]] == ["shared"]
    assert meta["matched"][0]["CrossAccountViolations"][0]["Sid"] == "read"
