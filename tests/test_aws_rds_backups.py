"""consecutive-aws-backups on rds: instances in moto, AWS Backup's recovery points through
botocore's Stubber (moto has no ListRecoveryPointsByResource), with the real response shape."""
import datetime

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.policy import Policy, load_plugins
from cloudmaid.resources import details
from cloudmaid.validate import PolicyChecker

load_plugins()
ARN = "arn:aws:rds:us-east-1:123456789012:db:{}"


@pytest.fixture
def databases(aws):
    rds = boto3.client("rds", region_name="us-east-1")

    def make(*names):
        for n in names:
            rds.create_db_instance(DBInstanceIdentifier=n, DBInstanceClass="db.t3.micro",
                                   Engine="postgres", MasterUsername="u",
                                   MasterUserPassword="password1", AllocatedStorage=20)
    return make


def point(name, created, status="COMPLETED"):
    return {"RecoveryPointArn": f"arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:{name}",
            "CreationDate": created, "Status": status, "BackupVaultName": "Default",
            "ResourceName": name, "BackupSizeBytes": 20, "IsParent": False,
            "VaultType": "BACKUP_VAULT", "EncryptionKeyType": "AWS_OWNED_KMS_KEY"}


@pytest.fixture
def backup(ctx, monkeypatch):
    """``expect(name, points, pages=1)``, in the order the instances are listed (one worker,
    so that the Stubber answers in that order)."""
    monkeypatch.setattr(details, "WORKERS", 1)
    stub = Stubber(ctx.session_factory.client("backup"))

    def expect(name, points=None, pages=1, error=None):
        if error:
            stub.add_client_error("list_recovery_points_by_resource", error, "not found",
                                  404, expected_params={"ResourceArn": ARN.format(name)})
            return
        size = -(-len(points) // pages) if points else 0
        for n in range(pages):
            params = {"ResourceArn": ARN.format(name)}
            page = {"RecoveryPoints": points[n * size:(n + 1) * size]}
            if n:
                params["NextToken"] = f"t{n}"
            if n + 1 < pages:
                page["NextToken"] = f"t{n + 1}"
            stub.add_response("list_recovery_points_by_resource", page, params)
    stub.activate()
    yield expect
    stub.assert_no_pending_responses()
    stub.deactivate()


def run(ctx, **data):
    meta = Policy({"name": "p", "resource": "rds",
                   "filters": [{"type": "consecutive-aws-backups", **data}]}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return {r["DBInstanceIdentifier"]: r["c7n:AwsBackups"] for r in meta["matched"]}


def ago(ctx, **delta):
    return ctx.now - datetime.timedelta(**delta)


def test_a_completed_backup_on_each_of_the_last_days(ctx, databases, backup):
    databases("daily", "gap", "partial", "gone")
    backup("daily", [point("daily", ago(ctx, days=n)) for n in (0, 1, 2, 3)], pages=2)
    backup("gap", [point("gap", ago(ctx, days=n)) for n in (1, 3)])
    backup("partial", [point("partial", ago(ctx, days=n), "PARTIAL") for n in (1, 2, 3)])
    backup("gone", error="ResourceNotFoundException")
    found = run(ctx, count=3, period="days", status="COMPLETED")
    assert list(found) == ["daily"]
    assert len(found["daily"]) == 4   # every recovery point is kept on the resource


def test_partial_status_hours_and_weeks(ctx, databases, backup):
    databases("hourly")
    backup("hourly", [point("hourly", ago(ctx, hours=n), "PARTIAL") for n in (1, 2)])
    assert list(run(ctx, count=2, period="hours", status="PARTIAL")) == ["hourly"]
    # read once per resource per run: the recovery points are reused
    assert run(ctx, count=3, period="hours", status="PARTIAL") == {}
    assert run(ctx, count=2, period="weeks", status="PARTIAL") == {}
    ctx.cache.clear()
    backup("hourly", [point("hourly", ago(ctx, weeks=n)) for n in (1, 2)])
    assert list(run(ctx, count=2, period="weeks", status="COMPLETED")) == ["hourly"]


def test_creation_dates_are_read_in_utc(ctx, databases, backup):
    databases("db")
    tz = datetime.timezone(datetime.timedelta(hours=-11))
    # 00:30 UTC yesterday is the day before in UTC-11
    created = ago(ctx, days=1).replace(hour=0, minute=30).astimezone(tz)
    assert created.date() != ago(ctx, days=1).date()
    backup("db", [point("db", created)])
    assert list(run(ctx, count=1, period="days", status="COMPLETED")) == ["db"]


@pytest.mark.parametrize("resource,data,message", [
    ("rds", {"count": 1.5, "period": "days", "status": "COMPLETED"}, "whole number"),
    ("rds", {"count": 0, "period": "days", "status": "COMPLETED"}, "count"),
    ("rds", {"count": 2, "period": "months", "status": "COMPLETED"}, "months"),
    ("rds", {"count": 2, "period": "days"}, "status"),
    ("ec2", {"count": 2, "period": "days", "status": "COMPLETED"}, "not available"),
])
def test_validation(resource, data, message):
    problems = PolicyChecker({"name": "p", "resource": resource, "filters": [
        {"type": "consecutive-aws-backups", **data}]}).run()
    assert any(message in m or message in str(p) for p, m, _ in problems), problems
