"""DynamoDB tables and backups against moto: listing completed by DescribeTable, tags,
continuous-backup, and the actions."""
import boto3
import pytest

from cloudmaid.resources.manager import ResourceManager

from .test_aws_rds import matched, problems, run


@pytest.fixture
def ddb(aws):
    return boto3.client("dynamodb", region_name="us-east-1")


def table(ddb, name, tags=None):
    params = dict(TableName=name, BillingMode="PAY_PER_REQUEST",
                  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    if tags:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return ddb.create_table(**params)["TableDescription"]


def names(ddb):
    return ddb.list_tables()["TableNames"]


def test_listing_is_described_and_tagged(ctx, ddb):
    table(ddb, "t1", {"team": "x"})
    m = ResourceManager.for_type(ctx, "dynamodb-table")
    [t] = m.resources()
    assert t["TableStatus"] == "ACTIVE" and t["TableArn"].endswith(":table/t1")
    m.ensure_details([t], {"Tags"})
    assert t["Tags"] == [{"Key": "team", "Value": "x"}]
    assert [r["TableName"] for r in m.get_resources(["t1", "gone"])] == ["t1"]


def test_continuous_backup_and_set_continuous_backup(ctx, ddb):
    table(ddb, "on")
    table(ddb, "off")
    ddb.update_continuous_backups(TableName="on", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    pitr = {"type": "continuous-backup", "op": "ne", "value": "ENABLED",
            "key": "PointInTimeRecoveryDescription.PointInTimeRecoveryStatus"}
    assert [t["TableName"] for t in matched(ctx, [pitr], "dynamodb-table")] == ["off"]
    meta = run(ctx, [pitr], ["set-continuous-backup"], resource="dynamodb-table")
    assert meta["actions"][0]["succeeded"] == 1
    status = ddb.describe_continuous_backups(TableName="off")["ContinuousBackupsDescription"]
    assert status["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


def test_update_and_delete_with_force(ctx, ddb):
    table(ddb, "guarded")
    run(ctx, actions=[{"type": "update", "DeletionProtectionEnabled": True}],
        resource="dynamodb-table")
    assert ddb.describe_table(TableName="guarded")["Table"]["DeletionProtectionEnabled"]
    ctx.cache.clear()
    meta = run(ctx, actions=["delete"], resource="dynamodb-table")
    assert meta["actions"][0]["failed"] and names(ddb) == ["guarded"]
    ctx.cache.clear()
    run(ctx, actions=[{"type": "delete", "force": True}], resource="dynamodb-table")
    assert names(ddb) == []
    assert problems({"type": "update"}, "dynamodb-table")


def test_backup_delete(ctx, ddb):
    table(ddb, "src")
    arn = ddb.create_backup(TableName="src", BackupName="nightly")["BackupDetails"]["BackupArn"]
    m = ResourceManager.for_type(ctx, "dynamodb-backup")
    assert [b["BackupArn"] for b in m.get_resources([arn])] == [arn]
    meta = run(ctx, [{"BackupName": "nightly"}], ["delete"], resource="dynamodb-backup")
    assert meta["actions"][0]["succeeded"] == 1
    assert ddb.list_backups()["BackupSummaries"] == []
    assert problems({"type": "tag", "key": "k", "value": "v"}, "dynamodb-backup")


def test_cross_account_and_has_statement_read_the_resource_policy(ctx, ddb):
    import json
    shared = table(ddb, "shared")["TableArn"]
    table(ddb, "private")
    ddb.put_resource_policy(ResourceArn=shared, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "other", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": shared,
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]}))
    found = matched(ctx, ["cross-account"], "dynamodb-table")
    assert [t["TableName"] for t in found] == ["shared"]
    assert found[0]["CrossAccountViolations"][0]["Sid"] == "other"
    assert matched(ctx, [{"type": "cross-account", "whitelist": ["111122223333"]}],
                   "dynamodb-table") == []
    has = matched(ctx, [{"type": "has-statement", "statements": [
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "{table_arn}",
         "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]}], "dynamodb-table")
    assert [t["TableName"] for t in has] == ["shared"]
