"""secrets-manager's remove-statements, set-encryption, current-version and
replica-attribute against moto."""
import boto3
import pytest

from cloudmaid.policy import Policy

from .test_aws_secrets import names, secret


@pytest.fixture
def sm(aws):
    return boto3.client("secretsmanager", region_name="us-east-1")


def test_remove_statements_deletes_an_emptied_policy(ctx, sm):
    secret(sm, "shared", "arn:aws:iam::999988887777:root")
    meta = Policy({"name": "p", "resource": "secrets-manager",
                   "filters": [{"type": "cross-account"}],
                   "actions": [{"type": "remove-statements", "statement_ids": "matched"}]},
                  ctx).run()
    assert meta["actions"][0]["succeeded"] == 1
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="shared")


def test_set_encryption(ctx, sm):
    kid = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["KeyId"]
    secret(sm, "db")
    Policy({"name": "p", "resource": "secrets-manager", "filters": [{"Name": "db"}],
            "actions": [{"type": "set-encryption", "key": kid}]}, ctx).run()
    assert sm.describe_secret(SecretId="db")["KmsKeyId"] == kid


def test_current_version(ctx, sm):
    secret(sm, "db")
    young = {"type": "current-version", "key": "CreatedDate", "value_type": "age",
             "op": "lt", "value": 1}
    assert names(ctx, [young]) == ["db"]
    assert names(ctx, [dict(young, op="gt")]) == []


def test_replica_attribute(ctx, sm):
    sm.create_secret(Name="replicated", SecretString="x",
                     AddReplicaRegions=[{"Region": "us-west-2"}])
    secret(sm, "single")
    f = {"type": "replica-attribute", "key": "Name", "value": "replicated"}
    assert names(ctx, [f]) == ["replicated"]
