"""encrypt-keys on moto: what is copied (crypto, key-id, report-only), versioned buckets,
archived objects (glacier), large objects (copied in parts), and a bounded run resumed by
the next one from where it stopped (local and s3:// output)."""
import json
import os

import boto3
import pytest

from cloudmaid.aws.s3.encrypt import EncryptKeys
from cloudmaid.context import Context
from cloudmaid.policy import Policy
from cloudmaid.session import SessionFactory

from .test_aws_s3_policy import problems


@pytest.fixture
def s3(aws):
    return boto3.client("s3", region_name="us-east-1")


def run(ctx, name, **options):
    meta = Policy({"name": "p", "resource": "s3", "filters": [{"Name": name}],
                   "actions": [{"type": "encrypt-keys", **options}]}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta["actions"][0], meta["matched"][0]


def sse(s3, bucket, key, **kw):
    info = s3.head_object(Bucket=bucket, Key=key, **kw)
    return info.get("ServerSideEncryption"), info.get("SSEKMSKeyId")


def fill(s3, bucket, count, **kw):
    for i in range(count):
        s3.put_object(Bucket=bucket, Key=f"k{i:02d}", Body=b"x", **kw)


def test_unencrypted_objects_are_copied_encrypted(ctx, s3):
    s3.create_bucket(Bucket="data")
    fill(s3, "data", 2)
    s3.put_object(Bucket="data", Key="done", Body=b"x", ServerSideEncryption="AES256",
                  Metadata={"owner": "me"})
    result, bucket = run(ctx, "data", **{"report-only": True})
    assert (result["keys"], result["remediated"]) == (3, 2)
    assert sse(s3, "data", "k00") == (None, None)       # report-only changes nothing
    s3.put_object(Bucket="data", Key="meta", Body=b"x", Metadata={"owner": "me"})
    result, bucket = run(ctx, "data")
    assert (result["keys"], result["remediated"], result["incomplete"]) == (4, 3, [])
    assert (bucket["KeyScanCount"], bucket["KeyRemediated"], bucket["KeyScanComplete"]) == (
        4, 3, True)
    assert {sse(s3, "data", k)[0] for k in ("k00", "k01", "done", "meta")} == {"AES256"}
    assert s3.head_object(Bucket="data", Key="meta")["Metadata"] == {"owner": "me"}


def test_kms_key_id(ctx, s3):
    key = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]
    s3.create_bucket(Bucket="kms-data")
    s3.put_object(Bucket="kms-data", Key="aes", Body=b"x", ServerSideEncryption="AES256")
    s3.put_object(Bucket="kms-data", Key="mine", Body=b"x", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=key["Arn"])
    result, _ = run(ctx, "kms-data", crypto="aws:kms")   # any encryption will do without a key-id
    assert result["remediated"] == 0
    result, _ = run(ctx, "kms-data", crypto="aws:kms", **{"key-id": key["KeyId"]})
    assert result["remediated"] == 1                 # only the AES256 one
    enc, key_id = sse(s3, "kms-data", "aes")
    assert enc == "aws:kms" and key["KeyId"] in key_id
    assert problems({"type": "encrypt-keys", "key-id": "k"}) == ["a key-id needs crypto: aws:kms"]


def test_versioned_bucket_copies_the_latest_and_deletes_unencrypted_versions(ctx, s3):
    s3.create_bucket(Bucket="versions")
    s3.put_bucket_versioning(Bucket="versions", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="versions", Key="doc", Body=b"v1")
    s3.put_object(Bucket="versions", Key="doc", Body=b"v2")
    result, _ = run(ctx, "versions")
    assert result["remediated"] == 2
    versions = s3.list_object_versions(Bucket="versions")["Versions"]
    (latest,) = versions
    assert sse(s3, "versions", "doc", VersionId=latest["VersionId"])[0] == "AES256"
    assert s3.get_object(Bucket="versions", Key="doc")["Body"].read() == b"v2"


def test_archived_objects_are_restored_first_only_with_glacier(ctx, s3):
    s3.create_bucket(Bucket="cold")
    s3.put_object(Bucket="cold", Key="old", Body=b"x", StorageClass="GLACIER")
    result, _ = run(ctx, "cold")
    assert result["remediated"] == 0 and "Restore" not in s3.head_object(Bucket="cold", Key="old")
    result, _ = run(ctx, "cold", glacier=True)
    assert result["remediated"] == 0                 # a restore was asked for
    assert "Restore" in s3.head_object(Bucket="cold", Key="old")
    result, _ = run(ctx, "cold", glacier=True)      # restored (moto restores at once): copied
    assert result["remediated"] == 1
    info = s3.head_object(Bucket="cold", Key="old")
    assert info["ServerSideEncryption"] == "AES256" and info.get("StorageClass", "STANDARD") == "STANDARD"


def test_large_objects_are_copied_in_parts(ctx, s3, monkeypatch):
    monkeypatch.setattr(EncryptKeys, "max_copy", 7 * 1024 ** 2)
    s3.create_bucket(Bucket="big")
    body = os.urandom(10 * 1024 ** 2)
    s3.put_object(Bucket="big", Key="blob", Body=body, Metadata={"kind": "blob"})
    result, _ = run(ctx, "big", large=False)
    assert result["remediated"] == 0 and sse(s3, "big", "blob")[0] is None
    result, _ = run(ctx, "big")
    assert result["remediated"] == 1
    assert sse(s3, "big", "blob")[0] == "AES256"
    got = s3.get_object(Bucket="big", Key="blob")
    assert got["Body"].read() == body and got["Metadata"] == {"kind": "blob"}


def checkpoint(ctx):
    path = os.path.join(ctx.output_dir, "p", "encrypt-keys.json")
    return json.load(open(path)) if os.path.exists(path) else None


def encrypted(s3, bucket):
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return [k for k in keys if sse(s3, bucket, k)[0]]


def test_a_bounded_run_is_continued_by_the_next(ctx, s3, monkeypatch):
    monkeypatch.setattr(EncryptKeys, "budget", 2)
    s3.create_bucket(Bucket="many")
    fill(s3, "many", 5)
    result, bucket = run(ctx, "many")
    assert (result["keys"], result["remediated"], result["incomplete"]) == (2, 2, ["many"])
    assert bucket["KeyScanComplete"] is False
    assert checkpoint(ctx) == {"many": {"style": "standard", "after": "k01"}}
    assert encrypted(s3, "many") == ["k00", "k01"]
    result, _ = run(ctx, "many")                     # continues: k02, k03
    assert (result["keys"], result["remediated"]) == (2, 2)
    assert encrypted(s3, "many") == ["k00", "k01", "k02", "k03"]
    result, bucket = run(ctx, "many")                # the last one: the scan completes
    assert (result["keys"], result["remediated"], result["incomplete"]) == (1, 1, [])
    assert bucket["KeyScanComplete"] is True and checkpoint(ctx) == {}
    result, _ = run(ctx, "many")                     # a fresh pass
    assert (result["keys"], result["remediated"]) == (2, 0)


def test_a_versioned_scan_stops_between_keys(ctx, s3, monkeypatch):
    monkeypatch.setattr(EncryptKeys, "budget", 3)
    s3.create_bucket(Bucket="vmany")
    s3.put_bucket_versioning(Bucket="vmany", VersioningConfiguration={"Status": "Enabled"})
    for key in ("a", "a", "b", "b", "c"):
        s3.put_object(Bucket="vmany", Key=key, Body=b"x")
    result, _ = run(ctx, "vmany")
    assert result["keys"] == 2 and result["incomplete"] == ["vmany"]   # a's two, not b's one
    assert checkpoint(ctx) == {"vmany": {"style": "versioned", "after": "a"}}
    result, _ = run(ctx, "vmany")
    assert result["keys"] == 3 and result["incomplete"] == []
    left = s3.list_object_versions(Bucket="vmany")["Versions"]
    assert sorted(v["Key"] for v in left) == ["a", "b", "c"]
    assert all(sse(s3, "vmany", v["Key"], VersionId=v["VersionId"])[0] for v in left)


def test_the_position_is_kept_beside_s3_output(aws, s3, monkeypatch):
    monkeypatch.setattr(EncryptKeys, "budget", 1)
    s3.create_bucket(Bucket="reports")
    s3.create_bucket(Bucket="objs")
    fill(s3, "objs", 2)

    def ctx():
        return Context(SessionFactory(region="us-east-1"), output_dir="s3://reports/maid")
    run(ctx(), "objs")
    stored = s3.get_object(Bucket="reports", Key="maid/p/encrypt-keys.json")["Body"].read()
    assert json.loads(stored) == {"objs": {"style": "standard", "after": "k00"}}
    result, _ = run(ctx(), "objs")
    assert result["remediated"] == 1 and encrypted(s3, "objs") == ["k00", "k01"]
