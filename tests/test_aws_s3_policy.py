"""Bucket policy statements on moto: missing-statement (and its alias),
no-encryption-statement, set-statements, encryption-policy, has-statement's bucket
placeholders."""
import json

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

ENCRYPTED_PUT = {
    "Sid": "RequiredEncryptedPutObject", "Effect": "Deny", "Principal": "*",
    "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{name}/*",
    "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": ["AES256", "aws:kms"]}}}
PARTNER = {"Sid": "Partner", "Effect": "Allow",
           "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "s3:GetObject",
           "Resource": "arn:aws:s3:::{name}/*"}


@pytest.fixture
def s3(aws):
    return boto3.client("s3", region_name="us-east-1")


def statement(template, name):
    return json.loads(json.dumps(template).replace("{name}", name))


def bucket(s3, name, *statements):
    s3.create_bucket(Bucket=name)
    if statements:
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [statement(s, name) for s in statements]}))


def policy_of(s3, name):
    try:
        return json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    except s3.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "NoSuchBucketPolicy"
        return None


def matched(ctx, filters, actions=()):
    meta = Policy({"name": "p", "resource": "s3", "filters": filters, "actions": list(actions)},
                  ctx).run()
    assert not meta["errors"], meta["errors"]
    return sorted(b["Name"] for b in meta["matched"])


def test_missing_statement_and_its_alias(ctx, s3):
    bucket(s3, "none")
    bucket(s3, "partner", PARTNER)
    bucket(s3, "both", PARTNER, ENCRYPTED_PUT)
    wanted = {"statement_ids": ["RequiredEncryptedPutObject", "Partner"]}
    assert matched(ctx, [{"type": "missing-statement", **wanted}]) == ["none", "partner"]
    assert matched(ctx, [{"type": "missing-policy-statement", **wanted}]) == ["none", "partner"]
    assert matched(ctx, [{"type": "missing-statement", "statement_ids": ["Partner"]}]) == ["none"]
    # no ids asked: only a bucket without a policy lacks something
    assert matched(ctx, [{"type": "missing-statement"}]) == ["none"]


def test_no_encryption_statement_whatever_its_sid(ctx, s3):
    bucket(s3, "none")
    bucket(s3, "partner", PARTNER)
    bucket(s3, "encrypted", ENCRYPTED_PUT)
    sidless = {k: v for k, v in ENCRYPTED_PUT.items() if k != "Sid"}
    bucket(s3, "sidless", PARTNER, sidless)   # Custodian misses this one (previous Sid kept)
    assert matched(ctx, ["no-encryption-statement"]) == ["none", "partner"]


def test_set_statements_adds_replaces_removes(ctx, s3):
    bucket(s3, "open", PARTNER)
    deny = {"Sid": "DenyHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::{bucket_name}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    matched(ctx, [{"Name": "open"}], [{"type": "set-statements", "statements": [deny]}])
    sids = [s["Sid"] for s in policy_of(s3, "open")["Statement"]]
    assert sids == ["Partner", "DenyHttp"]
    assert policy_of(s3, "open")["Statement"][1]["Resource"] == "arn:aws:s3:::open/*"
    # the same statement again: nothing to write; another with its Sid: replaced, not doubled
    changed = dict(deny, Action="s3:*")
    matched(ctx, [{"Name": "open"}], [{"type": "set-statements", "statements": [changed]}])
    doc = policy_of(s3, "open")["Statement"]
    assert [s["Sid"] for s in doc] == ["Partner", "DenyHttp"] and doc[1]["Action"] == "s3:*"
    # remove what cross-account matched, keep the rest
    matched(ctx, [{"Name": "open"}, {"type": "cross-account"}],
            [{"type": "set-statements", "remove": "matched"}])
    assert [s["Sid"] for s in policy_of(s3, "open")["Statement"]] == ["DenyHttp"]
    # remove everything: the policy goes; add to a bucket without one: it is created
    matched(ctx, [{"Name": "open"}], [{"type": "set-statements", "remove": "*"}])
    assert policy_of(s3, "open") is None
    matched(ctx, [{"Name": "open"}], [{"type": "set-statements", "statements": [deny]}])
    assert [s["Sid"] for s in policy_of(s3, "open")["Statement"]] == ["DenyHttp"]


def test_set_statements_writes_only_on_change(ctx, s3, monkeypatch):
    bucket(s3, "steady", PARTNER)
    calls = []
    from cloudmaid.aws.s3.statements import SetStatements
    monkeypatch.setattr(SetStatements, "set_policy", lambda self, b, p: calls.append(p))
    matched(ctx, [{"Name": "steady"}], [{"type": "set-statements", "remove": ["Other"],
                                         "statements": [statement(PARTNER, "steady")]}])
    assert calls == []


def test_encryption_policy(ctx, s3):
    bucket(s3, "plain")
    bucket(s3, "partner", PARTNER)
    stale = dict(ENCRYPTED_PUT, Condition={"Null": {"s3:x-amz-server-side-encryption": "true"}})
    bucket(s3, "stale", stale)
    matched(ctx, [{"Name": "plain"}], ["encryption-policy"])
    matched(ctx, [{"Name": "partner"}], ["encryption-policy"])
    matched(ctx, [{"Name": "stale"}], ["encryption-policy"])
    assert policy_of(s3, "plain")["Statement"] == [statement(ENCRYPTED_PUT, "plain")]
    assert [s["Sid"] for s in policy_of(s3, "partner")["Statement"]] == [
        "Partner", "RequiredEncryptedPutObject"]
    assert policy_of(s3, "stale")["Statement"] == [statement(ENCRYPTED_PUT, "stale")]
    assert matched(ctx, ["no-encryption-statement"]) == []


def test_has_statement_fills_bucket_placeholders(ctx, s3):
    bucket(s3, "shared", PARTNER)
    wanted = {"Effect": "Allow", "Action": "s3:GetObject",
              "Resource": "arn:aws:s3:::{bucket_name}/*"}
    assert matched(ctx, [{"type": "has-statement", "statements": [wanted]}]) == ["shared"]


def problems(action, filters=()):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "s3",
                                            "filters": list(filters),
                                            "actions": [action]}).run()]


def test_validation():
    assert problems({"type": "set-statements", "statements": [{"Sid": "x", "Effect": "Allow"}]}) == []
    assert problems({"type": "set-statements", "statements": [{"Effect": "Allow"}]})
    assert problems({"type": "set-statements", "remove": "some"})
