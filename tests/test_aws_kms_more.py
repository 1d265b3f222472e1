"""kms-key's last-rotation and last-usage filters and remove-statements (moto, and botocore's
Stubber for GetKeyLastUsage, which moto lacks)."""
import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager

from .test_aws_kms import FOREIGN, key, matched, policy


@pytest.fixture
def kms(aws):
    return boto3.client("kms", region_name="us-east-1")


def test_last_rotation(ctx, kms):
    rotated, never = key(kms), key(kms)
    kms.rotate_key_on_demand(KeyId=rotated)
    f = {"type": "last-rotation", "key": "RotationDate", "value_type": "age", "op": "lt",
         "value": 1}
    assert matched(ctx, [f]) == [rotated]
    assert never in matched(ctx, [{"type": "last-rotation", "key": "RotationDate",
                                   "value": "absent"}])


def test_last_usage_through_a_stubbed_client(ctx):
    m = ResourceManager.for_type(ctx, "kms-key")
    client = boto3.client("kms", region_name="us-east-1")
    now = datetime.datetime.now(datetime.timezone.utc)
    stub = Stubber(client)
    stub.add_response("get_key_last_usage", {
        "KeyLastUsage": {"Timestamp": now - datetime.timedelta(days=40), "Operation": "Decrypt"},
        "TrackingStartDate": now - datetime.timedelta(days=100)}, {"KeyId": "old"})
    stub.add_response("get_key_last_usage", {
        "KeyLastUsage": {"Timestamp": now, "Operation": "Encrypt"},
        "TrackingStartDate": now - datetime.timedelta(days=100)}, {"KeyId": "new"})
    m.client = lambda *a, **k: client
    keys = [{"KeyId": "old"}, {"KeyId": "new"}]
    unused = [{"type": "last-usage", "attrs": [
        {"type": "value", "key": "KeyLastUsage.Timestamp", "value": 30,
         "value_type": "age", "op": "gte"}]}]
    with stub:
        found = core.apply(core.parse(unused, m), keys, manager=m)
    assert [k["KeyId"] for k in found] == ["old"]
    assert found[0]["c7n:LastUsage"][0]["KeyLastUsage"]["Operation"] == "Decrypt"


def test_remove_matched_statements(ctx, kms):
    shared = key(kms, tags={"pick": "1"})
    kms.put_key_policy(KeyId=shared, PolicyName="default", Policy=policy(FOREIGN))
    meta = Policy({"name": "p", "resource": "kms-key",
                   "filters": [{"tag:pick": "1"}, {"type": "cross-account"}],
                   "actions": [{"type": "remove-statements", "statement_ids": "matched"}]},
                  ctx).run()
    assert meta["actions"][0]["succeeded"] == 1
    left = json.loads(kms.get_key_policy(KeyId=shared, PolicyName="default")["Policy"])
    assert [s["Sid"] for s in left["Statement"]] == ["root"]
