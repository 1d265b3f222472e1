"""S3 remediations on moto: public access block, default encryption, global ACL grants,
versioning, and the bucket-policy elements (cross-account, has-statement, remove-statements)."""
import json

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

OWN = "123456789012"


@pytest.fixture
def s3(aws):
    return boto3.client("s3", region_name="us-east-1")


def run(ctx, name, actions, filters=()):
    return Policy({"name": "s3", "resource": "s3", "filters": [{"Name": name}, *filters],
                   "actions": actions}, ctx).run()


def block(s3, name):
    return s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]


def test_set_public_block_all_or_some(ctx, s3):
    s3.create_bucket(Bucket="open")
    meta = run(ctx, "open", [{"type": "set-public-block"}], [{"type": "check-public-block"}])
    assert meta["resources"]["matched"] == 1 and not meta["errors"]
    assert set(block(s3, "open").values()) == {True}
    s3.put_public_access_block(Bucket="open", PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": True})
    run(ctx, "open", [{"type": "set-public-block", "BlockPublicAcls": True}])
    assert block(s3, "open") == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                 "BlockPublicPolicy": False, "RestrictPublicBuckets": True}
    run(ctx, "open", [{"type": "set-public-block", "state": False}])
    assert set(block(s3, "open").values()) == {False}


def test_set_bucket_encryption(ctx, s3):
    s3.create_bucket(Bucket="plain")
    run(ctx, "plain", [{"type": "set-bucket-encryption"}])
    rule = s3.get_bucket_encryption(Bucket="plain")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert rule["BucketKeyEnabled"] is True
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/data", TargetKeyId=key["KeyId"])
    run(ctx, "plain", [{"type": "set-bucket-encryption", "crypto": "aws:kms", "key": "alias/data"}])
    rule = s3.get_bucket_encryption(Bucket="plain")["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == key["Arn"]
    run(ctx, "plain", [{"type": "set-bucket-encryption", "enabled": False}])
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_encryption(Bucket="plain")


def test_delete_global_grants(ctx, s3):
    s3.create_bucket(Bucket="acl", ACL="public-read")
    meta = run(ctx, "acl", ["delete-global-grants"], [{"type": "global-grants"}])
    assert meta["resources"]["matched"] == 1 and not meta["errors"]
    grants = s3.get_bucket_acl(Bucket="acl")["Grants"]
    assert grants and not any("URI" in g["Grantee"] for g in grants)


def test_toggle_versioning(ctx, s3):
    s3.create_bucket(Bucket="versions")
    run(ctx, "versions", [{"type": "toggle-versioning", "enabled": False}])
    assert "Status" not in s3.get_bucket_versioning(Bucket="versions")   # never versioned: left alone
    run(ctx, "versions", ["toggle-versioning"])
    assert s3.get_bucket_versioning(Bucket="versions")["Status"] == "Enabled"
    run(ctx, "versions", [{"type": "toggle-versioning", "enabled": False}])
    assert s3.get_bucket_versioning(Bucket="versions")["Status"] == "Suspended"


def put_policy(s3, name, *statements):
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17",
                                                         "Statement": list(statements)}))


def grant(principal, sid):
    return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::shared/*"}


def test_cross_account_then_remove_matched(ctx, s3):
    s3.create_bucket(Bucket="shared")
    put_policy(s3, "shared", grant(f"arn:aws:iam::{OWN}:root", "Own"),
               grant("arn:aws:iam::210987654321:root", "Partner"),
               grant("arn:aws:iam::127311923021:root", "ElbLogs"))
    meta = run(ctx, "shared", [{"type": "remove-statements", "statement_ids": "matched"}],
               [{"type": "cross-account"}])
    assert meta["resources"]["matched"] == 1 and not meta["errors"]
    left = json.loads(s3.get_bucket_policy(Bucket="shared")["Policy"])["Statement"]
    assert sorted(s["Sid"] for s in left) == ["ElbLogs", "Own"]
    assert run(ctx, "shared", [], [{"type": "cross-account"}])["resources"]["matched"] == 0
    assert run(ctx, "shared", [], [{"type": "has-statement", "statement_ids": ["Own"]}])[
        "resources"]["matched"] == 1
    run(ctx, "shared", [{"type": "remove-statements", "statement_ids": "*"}])
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_policy(Bucket="shared")


def problems(action):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "s3",
                                            "actions": [action]}).run()]


def test_validation():
    assert problems({"type": "set-bucket-encryption", "key": "alias/x"})
    assert problems({"type": "set-bucket-encryption", "crypto": "aws:kms", "key": "alias/x"}) == []
    assert problems({"type": "set-public-block", "BlockPublicAcls": "yes"})
    assert problems({"type": "remove-statements"})   # statement_ids required
