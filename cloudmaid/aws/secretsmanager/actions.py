"""Secrets Manager actions with Cloud Custodian's names and semantics: ``delete``,
``remove-statements``, ``set-encryption``."""
import json

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.statements import RemoveStatementsAction
from .filters import POLICY, fetch_policies


@actions.register("delete", resources=("secrets-manager",))
class DeleteSecret(Action):
    """DeleteSecret with ``recovery_window`` days (default 30; AWS takes 7 to 30), after
    removing the secret's replicas (AWS refuses to delete a replicated secret). A secret
    already gone counts as deleted."""
    schema = {"recovery_window": {"type": "integer", "minimum": 7, "maximum": 30}}
    permissions = ("secretsmanager:DeleteSecret", "secretsmanager:RemoveRegionsFromReplication")

    def process(self, resources):
        client = self.manager.client()
        days = self.data.get("recovery_window", 30)

        def delete(secret):
            try:
                regions = [r["Region"] for r in secret.get("ReplicationStatus") or ()
                           if r.get("Region")]
                if regions:
                    client.remove_regions_from_replication(SecretId=secret["ARN"],
                                                           RemoveReplicaRegions=regions)
                client.delete_secret(SecretId=secret["ARN"], RecoveryWindowInDays=days)
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
        self.each(resources, delete)


@actions.register("remove-statements", resources=("secrets-manager",))
class RemoveSecretStatements(RemoveStatementsAction):
    """Remove resource policy statements by Sid, those ``cross-account`` matched
    (``matched``), or all (``*``); with none left the policy is deleted."""
    policy_key = POLICY
    permissions = ("secretsmanager:GetResourcePolicy", "secretsmanager:PutResourcePolicy",
                   "secretsmanager:DeleteResourcePolicy")

    def fetch_policies(self, resources):
        fetch_policies(self.manager, resources)

    def set_policy(self, resource, policy):
        client = self.manager.client()
        if policy is None:
            client.delete_resource_policy(SecretId=resource["ARN"])
        else:
            client.put_resource_policy(SecretId=resource["ARN"], ResourcePolicy=json.dumps(policy))


@actions.register("set-encryption", resources=("secrets-manager",))
class SetEncryption(Action):
    """UpdateSecret with the KMS ``key`` (id, ARN or alias) encrypting new versions."""
    schema = {"key": {"type": "string"}}
    required = ("key",)
    permissions = ("secretsmanager:UpdateSecret",)

    def process(self, resources):
        client = self.manager.client()
        self.each(resources, lambda s: client.update_secret(SecretId=s["ARN"],
                                                            KmsKeyId=self.data["key"]))
