"""``--assume`` (and a central function's member role): the role's credentials are assumed
again before they expire, so a run longer than one role session does not fail."""
import datetime

import boto3

from cloudmaid.session import SessionFactory


def test_assumed_credentials_refresh_before_they_expire(aws, monkeypatch):
    iam = boto3.client("iam")
    arn = iam.create_role(RoleName="auditor", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    factory = SessionFactory(region="us-east-1", assume_role=arn)
    base = boto3.Session(region_name="us-east-1")
    now = [datetime.datetime.now(datetime.timezone.utc)]
    session = factory._assume(base, clock=lambda: now[0])
    first = session.get_credentials().get_frozen_credentials()
    assert factory.counter.counts["sts.AssumeRole"] == 1
    # five minutes before the role session ends: botocore assumes the role again
    now[0] = session.get_credentials()._expiry_time - datetime.timedelta(minutes=5)
    second = session.get_credentials().get_frozen_credentials()
    assert factory.counter.counts["sts.AssumeRole"] == 2
    assert second.access_key != first.access_key
    # clients made from the session keep working on the new credentials
    assert session.client("ec2").describe_instances()["Reservations"] == []


def test_the_factory_session_is_the_assumed_one(aws):
    arn = boto3.client("iam").create_role(RoleName="auditor", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    factory = SessionFactory(region="us-east-1", assume_role=arn)
    who = factory.client("sts").get_caller_identity()
    assert ":assumed-role/auditor/cloudmaid" in who["Arn"]
