"""backup-plan: Custodian's shape (the summary with its BackupPlan merged in, the name as id)
and tags by ARN, against moto."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager


@pytest.fixture
def backup(aws):
    return boto3.client("backup", region_name="us-east-1")


def plan(backup, name):
    return backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": "Default"}]},
        BackupPlanTags={"Name": name})


def test_shape_and_tags(ctx, backup):
    made = plan(backup, "daily")
    m = ResourceManager.for_type(ctx, "backup-plan")
    [p] = m.resources()
    assert p["BackupPlanName"] == "daily" and p["BackupPlanId"] == made["BackupPlanId"]
    assert p["Rules"][0]["RuleName"] == "daily" and "BackupPlan" not in p
    m.ensure_details([p], {"Tags"})
    assert p["Tags"] == [{"Key": "Name", "Value": "daily"}]
    assert [x["BackupPlanName"] for x in m.get_resources(["daily", "gone"])] == ["daily"]


def test_tag_and_remove_tag(ctx, backup):
    made = plan(backup, "daily")
    Policy({"name": "p", "resource": "backup-plan", "actions": [
        {"type": "tag", "key": "owner", "value": "me"},
        {"type": "remove-tag", "tags": ["Name"]}]}, ctx).run()
    assert backup.list_tags(ResourceArn=made["BackupPlanArn"])["Tags"] == {"owner": "me"}
