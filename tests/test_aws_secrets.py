"""secrets-manager against moto: listing completed by DescribeSecret, by name or ARN,
cross-account and has-statement over the resource policy, delete with recovery_window."""
import json

import boto3
import pytest

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker


@pytest.fixture
def sm(aws):
    return boto3.client("secretsmanager", region_name="us-east-1")


def secret(sm, name, principal=None):
    arn = sm.create_secret(Name=name, SecretString="x",
                           Tags=[{"Key": "Name", "Value": name}])["ARN"]
    if principal:
        sm.put_resource_policy(SecretId=name, ResourcePolicy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": "read", "Effect": "Allow", "Principal": {"AWS": principal},
                "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
    return arn


def names(ctx, filters):
    ctx.cache.clear()
    m = ResourceManager.for_type(ctx, "secrets-manager")
    found = core.apply(core.parse(filters, m), [dict(r) for r in m.resources()], manager=m)
    return sorted(r["Name"] for r in found)


def test_listing_completed_and_found_by_name_or_arn(ctx, sm):
    arn = secret(sm, "db")
    m = ResourceManager.for_type(ctx, "secrets-manager")
    [s] = m.resources()
    assert s["ARN"] == arn and "VersionIdsToStages" in s      # DescribeSecret's key
    assert s["Tags"] == [{"Key": "Name", "Value": "db"}]
    for asked in ("db", arn):
        [got] = m.get_resources([asked, "missing"])
        assert got["Name"] == "db" and set(s) <= set(got)


def test_cross_account_and_has_statement(ctx, sm):
    shared = secret(sm, "shared", "arn:aws:iam::999988887777:root")
    secret(sm, "own", "arn:aws:iam::123456789012:root")
    secret(sm, "plain")
    assert names(ctx, [{"type": "cross-account"}]) == ["shared"]
    assert names(ctx, [{"type": "cross-account", "whitelist": ["999988887777"]}]) == []
    assert names(ctx, [{"type": "has-statement", "statement_ids": ["read"]}]) == ["own", "shared"]
    assert shared


def test_delete_with_recovery_window(ctx, sm):
    secret(sm, "gone")
    secret(sm, "kept")
    meta = Policy({"name": "p", "resource": "secrets-manager", "filters": [{"Name": "gone"}],
                   "actions": [{"type": "delete", "recovery_window": 7}]}, ctx).run()
    assert meta["actions"][0]["succeeded"] == 1
    assert "DeletedDate" in sm.describe_secret(SecretId="gone")
    assert "DeletedDate" not in sm.describe_secret(SecretId="kept")
    bad = PolicyChecker({"name": "p", "resource": "secrets-manager", "actions": [
        {"type": "delete", "recovery_window": 3}]}).run()
    assert bad


def test_tags_written_by_arn(ctx, sm):
    secret(sm, "db")
    meta = Policy({"name": "p", "resource": "secrets-manager", "filters": [{"Name": "db"}],
                   "actions": [{"type": "tag", "key": "owner", "value": "me"},
                               {"type": "remove-tag", "tags": ["Name"]}]}, ctx).run()
    assert not meta["errors"]
    assert sm.describe_secret(SecretId="db")["Tags"] == [{"Key": "owner", "Value": "me"}]


def test_denied_describe_keeps_the_listed_secret(ctx):
    from botocore.stub import Stubber
    client = boto3.client("secretsmanager", region_name="us-east-1")
    m = ResourceManager.for_type(ctx, "secrets-manager")
    m.client = lambda *a, **k: client
    listed = {"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
              "Name": "db", "Tags": [{"Key": "Name", "Value": "db"}]}
    stub = Stubber(client)
    stub.add_response("list_secrets", {"SecretList": [listed]}, {})
    stub.add_client_error("describe_secret", "AccessDeniedException", "denied",
                          expected_params={"SecretId": listed["ARN"]})
    with stub:
        [s] = m.resources()
    assert s["Name"] == "db" and s["c7n:DeniedMethods"] == ["describe_secret"]
