"""sqs: Custodian's queue shape, and its filters and actions against moto."""
import json

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

ACCOUNT = "123456789012"
OTHER = "210987654321"


def run(ctx, filters=(), actions=()):
    return Policy({"name": "pol", "resource": "sqs", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def problems(data):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "sqs", **data}).run()]


@pytest.fixture
def sqs(aws):
    return boto3.client("sqs", region_name="us-east-1")


def statement(sid, principal, action="sqs:SendMessage", **extra):
    return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": principal},
            "Action": action, "Resource": "*", **extra}


def queue(sqs, name, statements=None, **attributes):
    if statements is not None:
        attributes["Policy"] = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return sqs.create_queue(QueueName=name, Attributes=attributes,
                            tags={"Name": name})["QueueUrl"]


def names(meta):
    return sorted(r["QueueName"] for r in meta["matched"])


def test_listing_has_custodians_shape(ctx, sqs):
    url = queue(sqs, "orders", KmsMasterKeyId="alias/aws/sqs")
    m = ResourceManager.for_type(ctx, "sqs")
    [q] = m.resources()
    assert q["QueueUrl"] == url and q["QueueName"] == "orders"
    assert q["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
    assert q["KmsMasterKeyId"] == "alias/aws/sqs" and "CreatedTimestamp" in q
    m.ensure_details([q], {"Tags"})
    assert q["Tags"] == [{"Key": "Name", "Value": "orders"}]
    assert m.arn(q) == q["QueueArn"]
    assert [r["QueueName"] for r in m.get_resources([url, url + "-gone"])] == ["orders"]


def test_cross_account_and_remove_matched_statements(ctx, sqs):
    url = queue(sqs, "shared", [statement("own", f"arn:aws:iam::{ACCOUNT}:root"),
                                statement("other", f"arn:aws:iam::{OTHER}:root")])
    queue(sqs, "private", [statement("own", f"arn:aws:iam::{ACCOUNT}:root")])
    queue(sqs, "bare")
    meta = run(ctx, [{"type": "cross-account"}],
               [{"type": "remove-statements", "statement_ids": "matched"}])
    assert names(meta) == ["shared"]
    assert [s["Sid"] for s in meta["matched"][0]["CrossAccountViolations"]] == ["other"]
    left = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
                      ["Attributes"]["Policy"])
    assert [s["Sid"] for s in left["Statement"]] == ["own"]


def test_cross_account_whitelist(ctx, sqs):
    queue(sqs, "shared", [statement("other", f"arn:aws:iam::{OTHER}:root")])
    assert names(run(ctx, [{"type": "cross-account", "whitelist": [OTHER]}])) == []


def test_remove_every_statement_drops_the_policy(ctx, sqs):
    url = queue(sqs, "shared", [statement("other", f"arn:aws:iam::{OTHER}:root")])
    run(ctx, [{"QueueName": "shared"}], [{"type": "remove-statements", "statement_ids": "*"}])
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert not attrs.get("Policy")


def test_has_statement_fills_queue_arn(ctx, sqs):
    queue(sqs, "a", [statement("s", "*", Resource=f"arn:aws:sqs:us-east-1:{ACCOUNT}:a")])
    queue(sqs, "b", [statement("s", "*")])
    meta = run(ctx, [{"type": "has-statement", "statements": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "{queue_arn}"}]}])
    assert names(meta) == ["a"]
    assert names(run(ctx, [{"type": "has-statement", "statement_ids": ["s"]}])) == ["a", "b"]


def test_modify_policy_adds_and_removes(ctx, sqs):
    url = queue(sqs, "q", [statement("old", f"arn:aws:iam::{OTHER}:root")])
    run(ctx, [], [{"type": "modify-policy", "remove-statements": ["old"], "add-statements": [
        {"Sid": "new", "Effect": "Allow", "Principal": {"AWS": "{account_id}"},
         "Action": "sqs:GetQueueAttributes", "Resource": "*"}]}])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
                        ["Attributes"]["Policy"])
    assert [(s["Sid"], s["Principal"]) for s in policy["Statement"]] == [
        ("new", {"AWS": ACCOUNT})]


def attributes(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_set_encryption_with_a_key_name(ctx, sqs):
    url = queue(sqs, "q")
    run(ctx, [], [{"type": "set-encryption", "key": "mine", "reuse-period": 600}])
    attrs = attributes(sqs, url)
    assert attrs["KmsMasterKeyId"] == "alias/mine"
    assert attrs["KmsDataKeyReusePeriodSeconds"] == "600"


def test_set_encryption_managed_and_off(ctx, sqs):
    url = queue(sqs, "q", KmsMasterKeyId="alias/k")
    run(ctx, [], [{"type": "set-encryption"}])
    attrs = attributes(sqs, url)
    assert attrs["SqsManagedSseEnabled"] == "true" and not attrs.get("KmsMasterKeyId")
    run(ctx, [], [{"type": "set-encryption", "enabled": False}])
    assert attributes(sqs, url)["SqsManagedSseEnabled"] == "false"


def test_set_encryption_rejects_keys_it_would_ignore():
    assert any("reuse-period" in m for m in problems(
        {"actions": [{"type": "set-encryption", "reuse-period": 300}]}))
    assert any("enabled: false" in m for m in problems(
        {"actions": [{"type": "set-encryption", "enabled": False, "key": "k"}]}))


def test_set_retention_period_default_and_given(ctx, sqs):
    a = queue(sqs, "a", MessageRetentionPeriod="86400")
    b = queue(sqs, "b", MessageRetentionPeriod="86400")
    run(ctx, [{"QueueName": "a"}], ["set-retention-period"])
    run(ctx, [{"QueueName": "b"}], [{"type": "set-retention-period", "period": 3600}])
    assert attributes(sqs, a)["MessageRetentionPeriod"] == "345600"
    assert attributes(sqs, b)["MessageRetentionPeriod"] == "3600"


def test_dead_letter_finds_targets(ctx, sqs):
    dlq = queue(sqs, "dlq")
    arn = attributes(sqs, dlq)["QueueArn"]
    queue(sqs, "work", RedrivePolicy=json.dumps({"deadLetterTargetArn": arn,
                                                "maxReceiveCount": 3}))
    queue(sqs, "other")
    assert names(run(ctx, [{"type": "dead-letter"}])) == ["dlq"]
    # the source queue need not match the earlier filters
    assert names(run(ctx, [{"QueueName": "dlq"}, {"type": "dead-letter"}])) == ["dlq"]


def test_delete_and_gone_queue_counts_as_done(ctx, sqs):
    keep, gone = queue(sqs, "keep"), queue(sqs, "gone")
    meta = run(ctx, [{"QueueName": "gone"}], ["delete"])
    assert meta["actions"][0]["succeeded"] == 1
    assert sqs.list_queues()["QueueUrls"] == [keep]
    assert gone not in sqs.list_queues().get("QueueUrls", [])


def test_unknown_option_is_rejected():
    assert problems({"actions": [{"type": "delete", "force": True}]})
    assert not problems({"actions": ["delete"]})


def test_kms_key_related_filter(ctx, sqs):
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key(Description="queues")["KeyMetadata"]["KeyId"]
    queue(sqs, "mine", KmsMasterKeyId=key)
    queue(sqs, "plain")
    meta = run(ctx, [{"type": "kms-key", "key": "Description", "value": "queues"}])
    assert names(meta) == ["mine"]


def test_modify_policy_gives_a_queue_without_one_a_policy(ctx, sqs):
    url = queue(sqs, "bare")
    run(ctx, [], [{"type": "modify-policy", "add-statements": [ADDED]}])
    policy = json.loads(attributes(sqs, url)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["new"]


ADDED = {"Sid": "new", "Effect": "Allow", "Principal": {"AWS": ACCOUNT},
         "Action": "sqs:GetQueueAttributes", "Resource": "*"}
