"""s3 against moto: details fetched only for what filters read, once per run, in Custodian's
shapes; bucket-encryption, global-grants, check-public-block; delete with remove-contents."""
import json

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager


def run(ctx, filters=(), actions=(), name="p"):
    return Policy({"name": name, "resource": "s3", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def names(meta):
    return sorted(b["Name"] for b in meta["matched"])


@pytest.fixture
def s3(aws):
    return boto3.client("s3", region_name="us-east-1")


@pytest.fixture
def buckets(s3):
    for b in ("plain", "tagged", "sse-aes", "sse-kms", "public", "site", "blocked"):
        s3.create_bucket(Bucket=b)
    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="europe", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_tagging(Bucket="tagged", Tagging={"TagSet": [{"Key": "Owner", "Value": "me"}]})
    s3.put_bucket_encryption(Bucket="sse-aes", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/buckets", TargetKeyId=key["KeyId"])
    s3.put_bucket_encryption(Bucket="sse-kms", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                "KMSMasterKeyID": key["Arn"]},
         "BucketKeyEnabled": True}]})
    s3.put_bucket_acl(Bucket="public", ACL="public-read")
    s3.put_bucket_acl(Bucket="site", ACL="public-read")
    s3.put_bucket_website(Bucket="site", WebsiteConfiguration={"IndexDocument": {"Suffix": "i.html"}})
    s3.put_public_access_block(Bucket="blocked", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_policy(Bucket="tagged", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::tagged/*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    return key


def s3_calls(meta):
    return {k: v for k, v in meta["api-stats"].items() if k.startswith("s3.")}


ALL = sorted(["sse-aes", "blocked", "europe", "sse-kms", "plain", "public", "site", "tagged"])


def test_only_the_details_read_once_per_run(ctx, buckets):
    meta = run(ctx, [{"tag:Owner": "absent"}])
    assert names(meta) == [b for b in ALL if b != "tagged"]
    # moto's ListBuckets gives no BucketRegion: one GetResources in the default region, then
    # GetBucketTagging only for the buckets absent from it (they could be tagged elsewhere)
    assert s3_calls(meta) == {"s3.ListBuckets": 1, "s3.GetBucketTagging": 7}
    assert meta["api-stats"]["resourcegroupstaggingapi.GetResources"] == 1
    # the same details again in a later policy of the run: no call at all
    meta = run(ctx, [{"tag:Owner": "me"}])
    assert names(meta) == ["tagged"]
    assert s3_calls(meta) == {}
    # a new detail: only that one
    meta = run(ctx, [{"Policy": "present"}])
    assert names(meta) == ["tagged"]
    assert s3_calls(meta) == {"s3.GetBucketPolicy": 8}
    # no filter reads details: the listing alone
    meta = run(ctx, [{"Name": "plain"}])
    assert s3_calls(meta) == {}


def test_no_filters_no_details(ctx, buckets):
    meta = run(ctx)
    assert s3_calls(meta) == {"s3.ListBuckets": 1}


def test_unknown_keys_fetch_every_detail(ctx, buckets):
    # keys None: some filter cannot tell what it reads; fetch all (as Custodian always does)
    m = ResourceManager.for_type(ctx, "s3")
    m.ensure_details(m.resources(), None)
    stats = dict(ctx.counter.counts)
    assert stats["s3.GetBucketTagging"] == 7        # all but the one GetResources found
    for op in ("GetBucketLocation", "GetBucketPolicy", "GetBucketAcl",
               "GetBucketReplication", "GetBucketVersioning", "GetBucketWebsite",
               "GetBucketLogging", "GetBucketNotificationConfiguration",
               "GetBucketLifecycleConfiguration"):
        assert stats[f"s3.{op}"] == 8, op


def test_custodian_shapes_for_missing_configurations(ctx, buckets):
    m = ResourceManager.for_type(ctx, "s3")
    plain = [b for b in m.resources() if b["Name"] == "plain"]
    m.ensure_details(plain, None)
    [b] = plain
    assert b["Tags"] == [] and b["Policy"] is None and b["Website"] is None
    assert b["Replication"] is None and b["Lifecycle"] is None
    assert b["Logging"] == {} and b["Versioning"] == {}
    assert b["Acl"]["Grants"] and "Owner" in b["Acl"]
    europe = [b for b in m.resources() if b["Name"] == "europe"]
    m.ensure_details(europe, {"Website"})
    assert "Location" not in europe[0] and europe[0]["Website"] is None
    m.ensure_details(europe, {"Location"})
    assert europe[0]["Location"] == {"LocationConstraint": "eu-west-1"}


def test_bucket_encryption(ctx, buckets):
    assert names(run(ctx, [{"type": "bucket-encryption", "state": False}])) == \
        [b for b in ALL if b not in ("sse-aes", "sse-kms")]
    assert names(run(ctx, [{"type": "bucket-encryption"}])) == ["sse-aes", "sse-kms"]
    assert names(run(ctx, [{"type": "bucket-encryption", "crypto": "AES256"}])) == ["sse-aes"]
    assert names(run(ctx, [{"type": "bucket-encryption", "crypto": "aws:kms",
                            "key": "alias/buckets"}])) == ["sse-kms"]
    assert names(run(ctx, [{"type": "bucket-encryption", "crypto": "aws:kms",
                            "key": "alias/unknown"}])) == []
    assert names(run(ctx, [{"type": "bucket-encryption", "bucket_key_enabled": True}])) == ["sse-kms"]
    # GetBucketEncryption once per bucket for the five policies
    assert ctx.counter.counts["s3.GetBucketEncryption"] == 8


def test_global_grants(ctx, buckets):
    meta = run(ctx, [{"type": "global-grants"}])
    assert names(meta) == ["public"]       # READ on a website bucket is allowed by default
    assert meta["matched"][0]["GlobalPermissions"] == ["READ"]
    assert names(run(ctx, [{"type": "global-grants", "allow_website": False}])) == ["public", "site"]
    assert names(run(ctx, [{"type": "global-grants", "permissions": ["WRITE"]}])) == []


def test_check_public_block(ctx, buckets):
    assert names(run(ctx, [{"type": "check-public-block"}])) == [b for b in ALL if b != "blocked"]
    assert names(run(ctx, [{"type": "check-public-block", "BlockPublicAcls": True}])) == ["blocked"]
    assert names(run(ctx, [{"type": "check-public-block", "BlockPublicAcls": False}])) == \
        [b for b in ALL if b != "blocked"]
    assert ctx.counter.counts["s3.GetPublicAccessBlock"] == 8


def test_get_resources_by_bucket_name(ctx, buckets):
    m = ResourceManager.for_type(ctx, "s3")
    assert [b["Name"] for b in m.get_resources(["tagged", "nope"])] == ["tagged"]


def test_delete_remove_contents_deletes_every_version(ctx, s3):
    s3.create_bucket(Bucket="full")
    s3.put_bucket_versioning(Bucket="full", VersioningConfiguration={"Status": "Enabled"})
    for i in range(3):
        s3.put_object(Bucket="full", Key="k", Body=b"x%d" % i)
    s3.put_object(Bucket="full", Key="other", Body=b"y")
    s3.delete_object(Bucket="full", Key="other")           # leaves a delete marker
    s3.create_bucket(Bucket="keep")
    meta = run(ctx, [{"Name": "full"}], [{"type": "delete", "remove-contents": True}])
    assert meta["actions"][0]["succeeded"] == 1
    assert meta["actions"][0]["objects_deleted"] == 5
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["keep"]


def test_delete_without_remove_contents_fails_alone(ctx, s3):
    s3.create_bucket(Bucket="nonempty")
    s3.put_object(Bucket="nonempty", Key="k", Body=b"x")
    s3.create_bucket(Bucket="empty")
    meta = run(ctx, [], [{"type": "delete", "remove-contents": False}])
    result = meta["actions"][0]
    assert result["succeeded"] == 1
    assert [f["id"] for f in result["failed"]] == ["nonempty"]
    assert "BucketNotEmpty" in result["failed"][0]["error"]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["nonempty"]
