"""copy-related-tag on moto: tags of a related resource (a catalog type, or ARNs through the
Tagging API) copied onto each resource; only what differs is written; skip_missing; validation;
the Lambda package carries the related type."""
import boto3
import pytest

from cloudmaid.mu import package
from cloudmaid.policy import Policy, load_plugins
from cloudmaid.validate import PolicyChecker

from .recording import recording, writes

load_plugins()


@pytest.fixture(autouse=True)
def no_default_images(monkeypatch):
    """moto's default AMIs come with ~1300 snapshots owned by the caller."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def tags_of(ec2, rid):
    found = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [rid]}])["Tags"]
    return {t["Key"]: t["Value"] for t in found}


def volume(ec2, tags=None):
    spec = [{"ResourceType": "volume", "Tags": [{"Key": k, "Value": v}
                                                for k, v in tags.items()]}] if tags else []
    return ec2.create_volume(AvailabilityZone="us-east-1a", Size=1,
                             TagSpecifications=spec)["VolumeId"]


def snapshot(ec2, vid, tags=None):
    spec = [{"ResourceType": "snapshot", "Tags": [{"Key": k, "Value": v}
                                                  for k, v in tags.items()]}] if tags else []
    return ec2.create_snapshot(VolumeId=vid, TagSpecifications=spec)["SnapshotId"]


def run(ctx, action, resource="ebs-snapshot"):
    meta = Policy({"name": "p", "resource": resource,
                   "actions": [{"type": "copy-related-tag", **action}]}, ctx).run()
    return meta["actions"][0] if meta["actions"] else None


def test_copies_all_tags_from_the_volume(ctx, ec2):
    vid = volume(ec2, {"Owner": "alice", "Env": "prod"})
    sid = snapshot(ec2, vid, {"Env": "dev", "Keep": "me"})
    result = run(ctx, {"resource": "ebs", "key": "VolumeId", "tags": "*"})
    assert tags_of(ec2, sid) == {"Owner": "alice", "Env": "prod", "Keep": "me"}
    assert result["succeeded"] == 1 and result["failed"] == []


def test_copies_only_the_listed_keys_and_accepts_the_aws_prefix(ctx, ec2):
    vid = volume(ec2, {"Owner": "alice", "Env": "prod"})
    sid = snapshot(ec2, vid)
    run(ctx, {"resource": "aws.ebs", "key": "VolumeId", "tags": ["Owner", "Missing"]})
    assert tags_of(ec2, sid) == {"Owner": "alice"}


def test_nothing_to_change_writes_nothing(ctx, ec2, tmp_path):
    vid = volume(ec2, {"Owner": "alice"})
    snapshot(ec2, vid, {"Owner": "alice"})
    with recording(tmp_path / "calls") as calls:
        result = run(ctx, {"resource": "ebs", "key": "VolumeId", "tags": "*"})
    assert result["succeeded"] == 0 and result["failed"] == []
    assert calls and writes(calls) == []


def test_missing_related_is_skipped_by_default_and_a_failure_when_asked(ctx, ec2):
    kept = volume(ec2, {"Owner": "alice"})
    gone = volume(ec2, {"Owner": "bob"})
    s_kept, s_gone = snapshot(ec2, kept), snapshot(ec2, gone)
    ec2.delete_volume(VolumeId=gone)
    result = run(ctx, {"resource": "ebs", "key": "VolumeId", "tags": "*"})
    assert result["failed"] == [] and tags_of(ec2, s_gone) == {}
    assert tags_of(ec2, s_kept) == {"Owner": "alice"}

    ec2.create_tags(Resources=[kept], Tags=[{"Key": "Owner", "Value": "carol"}])
    ctx.cache.clear()
    result = run(ctx, {"resource": "ebs", "key": "VolumeId", "tags": "*", "skip_missing": False})
    # the one with its volume gone fails; the other is still tagged
    assert [f["id"] for f in result["failed"]] == [s_gone]
    assert gone in result["failed"][0]["error"]
    assert tags_of(ec2, s_kept) == {"Owner": "carol"}


def test_tag_key_names_the_related_arn_for_the_tagging_api(ctx, ec2):
    sqs = boto3.client("sqs", region_name="us-east-1")
    sqs.create_queue(QueueName="source", tags={"Team": "core"})
    arn = "arn:aws:sqs:us-east-1:123456789012:source"
    vid = volume(ec2)
    sid = snapshot(ec2, vid, {"a-resource-tag": arn})
    other = snapshot(ec2, vid, {"a-resource-tag": arn.replace("source", "nope")})
    result = run(ctx, {"resource": "resourcegroupstaggingapi", "key": "tag:a-resource-tag",
                       "tags": "*", "skip_missing": False})
    assert tags_of(ec2, sid) == {"a-resource-tag": arn, "Team": "core"}
    assert [f["id"] for f in result["failed"]] == [other]


def test_related_type_with_tags_read_per_resource(ctx, ec2):
    """The related sqs queue's tags are a detail, read on demand; the key is a JMESPath."""
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="q", tags={"CostCenter": "42"})["QueueUrl"]
    vid = volume(ec2, {"Queue": url})
    run(ctx, {"resource": "sqs", "key": "Tags[?Key=='Queue'].Value | [0]", "tags": "*"},
        resource="ebs")
    assert tags_of(ec2, vid) == {"Queue": url, "CostCenter": "42"}


@pytest.mark.parametrize("action,message", [
    ({"resource": "ebz", "key": "VolumeId", "tags": "*"},
     "unknown resource type 'ebz' (did you mean 'ebs'?)"),
    ({"resource": "ebs", "key": "VolumeId[", "tags": "*"}, "invalid JMESPath"),
    ({"resource": "ebs", "key": "VolumeId"}, "tags"),
    ({"resource": "ebs", "key": "VolumeId", "tags": "all"}, "tags"),
])
def test_validation(action, message):
    problems = PolicyChecker({"name": "p", "resource": "ebs-snapshot", "actions": [
        {"type": "copy-related-tag", **action}]}).run()
    assert any(message in m for _, m, _ in problems), problems


def test_refused_on_a_type_without_a_tag_writer():
    from cloudmaid.actions import taggers
    from cloudmaid.resources.catalog import CATALOG
    untaggable = next(t for t in sorted(CATALOG) if taggers.tagger_class(CATALOG[t]) is None)
    problems = PolicyChecker({"name": "p", "resource": untaggable, "actions": [
        {"type": "copy-related-tag", "resource": "ebs", "key": "VolumeId", "tags": "*"}]}).run()
    assert any("not supported" in m for _, m, _ in problems), problems


def test_lambda_package_ships_the_related_type():
    files = package.runtime_files({"name": "p", "resource": "ec2", "mode": {"type": "periodic"},
                                   "actions": [{"type": "copy-related-tag", "resource": "aws.sqs",
                                                "key": "x", "tags": "*"}]})
    assert "cloudmaid/aws/sqs/types.py" in files
    assert "cloudmaid/actions/related_tags.py" in files
