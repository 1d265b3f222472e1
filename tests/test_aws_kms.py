"""kms-key and kms (aliases) against moto: Custodian's shape, filters, actions, tags."""
import json

import boto3
import pytest

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

ACCOUNT = "123456789012"
FOREIGN = "arn:aws:iam::999988887777:root"


@pytest.fixture
def kms(aws):
    return boto3.client("kms", region_name="us-east-1")


def key(kms, alias=None, tags=None):
    kid = kms.create_key(Tags=[{"TagKey": k, "TagValue": v} for k, v in (tags or {}).items()])[
        "KeyMetadata"]["KeyId"]
    if alias:
        kms.create_alias(AliasName=alias, TargetKeyId=kid)
    return kid


def matched(ctx, filters, resource="kms-key"):
    ctx.cache.clear()
    m = ResourceManager.for_type(ctx, resource)
    found = core.apply(core.parse(filters, m), [dict(r) for r in m.resources()], manager=m)
    return sorted(m.resource_id(r) for r in found)


def run(ctx, filters, actions, resource="kms-key"):
    ctx.cache.clear()
    meta = Policy({"name": "p", "resource": resource, "filters": filters, "actions": actions},
                  ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta


def problems(data):
    return [m for _, m, _ in PolicyChecker(dict({"name": "p"}, **data)).run()]


def policy(principal, condition=None):
    statement = {"Sid": "share", "Effect": "Allow", "Principal": {"AWS": principal},
                 "Action": "kms:Decrypt", "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"}, statement]})


def test_keys_are_described_with_aliases_and_tags(ctx, kms):
    a = key(kms, alias="alias/app", tags={"team": "pay"})
    b = key(kms)
    m = ResourceManager.for_type(ctx, "kms-key")
    found = {m.resource_id(r): r for r in m.resources()}
    assert {a, b} <= set(found)
    assert found[a]["KeyManager"] == "CUSTOMER" and found[a]["Arn"].endswith(a)
    assert found[a]["AliasNames"] == ["alias/app"] and "AliasNames" not in found[b]
    m.ensure_details(list(found.values()), {"Tags"})
    assert found[a]["Tags"] == [{"Key": "team", "Value": "pay"}] and found[b]["Tags"] == []


def test_keys_by_id_arn_and_alias(ctx, kms):
    a = key(kms, alias="alias/app")
    arn = kms.describe_key(KeyId=a)["KeyMetadata"]["Arn"]
    m = ResourceManager.for_type(ctx, "kms-key")
    for asked in (a, arn, "alias/app"):
        [got] = m.get_resources([asked, "alias/missing"])
        assert got["KeyId"] == a and got["AliasNames"] == ["alias/app"] and got["KeyArn"] == arn


def test_key_rotation_status(ctx, kms):
    on, off = key(kms), key(kms)
    kms.enable_key_rotation(KeyId=on)
    f = {"type": "key-rotation-status", "key": "KeyRotationEnabled", "value": True}
    assert matched(ctx, [f]) == [on]
    assert set(matched(ctx, [dict(f, value=False)])) >= {off}
    assert on not in matched(ctx, [dict(f, value=False)])


def test_cross_account_reads_the_key_policy(ctx, kms):
    shared, own, via = key(kms), key(kms), key(kms)
    kms.put_key_policy(KeyId=shared, PolicyName="default", Policy=policy(FOREIGN))
    kms.put_key_policy(KeyId=via, PolicyName="default", Policy=policy(
        "*", {"StringEquals": {"kms:CallerAccount": ACCOUNT}}))
    found = matched(ctx, [{"type": "cross-account"}])
    assert shared in found and own not in found and via not in found
    assert shared not in matched(ctx, [{"type": "cross-account", "whitelist": ["999988887777"]}])
    # the aliases' filter reads their key's policy
    kms.create_alias(AliasName="alias/shared", TargetKeyId=shared)
    assert matched(ctx, [{"type": "cross-account"}], "kms") == [
        f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/shared"]


def test_grant_count(ctx, kms):
    busy, idle = key(kms, alias="alias/busy"), key(kms)
    for _ in range(2):
        kms.create_grant(KeyId=busy, GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/r",
                         Operations=["Decrypt"])
    assert matched(ctx, [{"type": "grant-count", "min": 2}]) == [busy]
    assert matched(ctx, [{"type": "grant-count", "min": 3}]) == []
    assert matched(ctx, [{"type": "grant-count"}]) == []      # Custodian's default: 5
    # (moto's AWS managed aliases target keys it does not hold: ListGrants fails on them)
    assert matched(ctx, [{"AliasName": "alias/busy"}, {"type": "grant-count", "min": 1}],
                   "kms") == [
        f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/busy"]
    assert idle not in matched(ctx, [{"type": "grant-count", "min": 1}])


def test_set_rotation_on_and_off(ctx, kms):
    a = key(kms, tags={"pick": "1"})
    run(ctx, [{"tag:pick": "1"}], [{"type": "set-rotation", "state": True}])
    assert kms.get_key_rotation_status(KeyId=a)["KeyRotationEnabled"] is True
    run(ctx, [{"tag:pick": "1"}], [{"type": "set-rotation", "state": False}])
    assert kms.get_key_rotation_status(KeyId=a)["KeyRotationEnabled"] is False
    run(ctx, [{"tag:pick": "1"}], ["set-rotation"])          # default: on
    assert kms.get_key_rotation_status(KeyId=a)["KeyRotationEnabled"] is True


def test_actions_skip_aws_managed_keys(ctx, kms):
    from cloudmaid.actions.core import actions
    from cloudmaid.actions.taggers import for_manager
    m = ResourceManager.for_type(ctx, "kms-key")
    managed = {"KeyId": "0000-aws", "KeyManager": "AWS"}
    result = actions.get("set-rotation", "kms-key")({"type": "set-rotation"}, m).run([managed])
    assert result["skipped"] == 1 and not result["failed"]
    for_manager(m).add([managed], {"k": "v"})    # no call: the key does not exist in moto


def test_schedule_deletion(ctx, kms):
    a = key(kms, tags={"pick": "1"})
    run(ctx, [{"tag:pick": "1"}], [{"type": "schedule-deletion", "days": 7}])
    assert kms.describe_key(KeyId=a)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert problems({"resource": "kms-key", "actions": [{"type": "schedule-deletion",
                                                         "days": 3}]})


def test_tags_written_as_tag_key_and_value(ctx, kms):
    a = key(kms, tags={"pick": "1", "old": "x"})
    run(ctx, [{"tag:pick": "1"}], [{"type": "tag", "key": "owner", "value": "me"},
                                   {"type": "remove-tag", "tags": ["old"]}])
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=a)["Tags"]}
    assert tags == {"pick": "1", "owner": "me"}


def test_aliases_only_those_targeting_a_key_found_by_name(ctx, kms):
    a = key(kms, alias="alias/app")
    m = ResourceManager.for_type(ctx, "kms")
    listed = m.resources()
    assert all(r.get("TargetKeyId") for r in listed)
    [got] = m.get_resources(["alias/app"])
    assert got["TargetKeyId"] == a and got["AliasArn"].endswith(":alias/app")


def test_related_kms_key_filter_reads_ids_arns_and_aliases(ctx, kms):
    sm = boto3.client("secretsmanager", region_name="us-east-1")
    a = key(kms, alias="alias/app")
    arn = kms.describe_key(KeyId=a)["KeyMetadata"]["Arn"]
    sm.create_secret(Name="by-alias", SecretString="x", KmsKeyId="alias/app")
    sm.create_secret(Name="by-arn", SecretString="x", KmsKeyId=arn)
    sm.create_secret(Name="default", SecretString="x")
    by_alias = [{"type": "kms-key", "key": "c7n:AliasName", "value": "alias/app"}]
    assert matched(ctx, by_alias, "secrets-manager") == ["by-alias", "by-arn"]
    customer = [{"type": "kms-key", "key": "KeyManager", "value": "CUSTOMER"}]
    assert matched(ctx, customer, "secrets-manager") == ["by-alias", "by-arn"]
