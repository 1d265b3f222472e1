"""SQS queue actions with Cloud Custodian's names, keys and defaults: ``delete``,
``set-encryption``, ``set-retention-period``, ``remove-statements``, ``modify-policy``.
One queue per call; a queue already gone counts as done."""
import json
import re

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.statements import ModifyPolicyAction, RemoveStatementsAction

SQS = ("sqs",)
GONE = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
        "AWS.SimpleQueueService.QueueDeletedRecently")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class QueueAction(Action):
    def process(self, resources):
        client = self.manager.client()

        def one(queue):
            try:
                self.apply(client, queue)
            except ClientError as e:
                if e.response["Error"]["Code"] not in GONE:
                    raise
        self.each(resources, one)
        self.manager.invalidate()

    def apply(self, client, queue):
        raise NotImplementedError


@actions.register("delete", resources=SQS)
class DeleteQueue(QueueAction):
    permissions = ("sqs:DeleteQueue",)

    def apply(self, client, queue):
        client.delete_queue(QueueUrl=queue["QueueUrl"])


def key_name(key):
    """Custodian's reading of ``key``: an ARN, a key id or ``alias/...`` as given, any other
    name as an alias."""
    if key and not key.startswith(("alias", "arn:")) and not _UUID.search(key):
        return "alias/" + key
    return key


@actions.register("set-encryption", resources=SQS)
class SetEncryption(QueueAction):
    """Server-side encryption: with ``key``, that KMS key (``reuse-period`` seconds of data
    key reuse, default 300); without, SQS-managed keys; ``enabled: false`` turns both off."""
    schema = {"enabled": {"type": "boolean"},
              "reuse-period": {"type": "integer", "minimum": 60, "maximum": 86400},
              "key": {"type": "string"}}
    permissions = ("sqs:SetQueueAttributes",)

    def validate(self):
        enabled = self.data.get("enabled", True)
        if not enabled and ("key" in self.data or "reuse-period" in self.data):
            return [(("enabled",), "enabled: false takes neither key nor reuse-period")]
        if "reuse-period" in self.data and not self.data.get("key"):
            return [(("reuse-period",), "reuse-period applies to a KMS key: give key")]
        return []

    def attributes(self):
        key = key_name(self.data.get("key"))
        if not self.data.get("enabled", True):
            return {"SqsManagedSseEnabled": "false", "KmsMasterKeyId": ""}
        if not key:
            return {"SqsManagedSseEnabled": "true", "KmsMasterKeyId": ""}
        return {"SqsManagedSseEnabled": "false", "KmsMasterKeyId": key,
                "KmsDataKeyReusePeriodSeconds": str(self.data.get("reuse-period", 300))}

    def apply(self, client, queue):
        client.set_queue_attributes(QueueUrl=queue["QueueUrl"], Attributes=self.attributes())


@actions.register("set-retention-period", resources=SQS)
class SetRetentionPeriod(QueueAction):
    """MessageRetentionPeriod in seconds (``period``, default 345600: four days)."""
    schema = {"period": {"type": "integer", "minimum": 60, "maximum": 1209600}}
    permissions = ("sqs:SetQueueAttributes",)

    def apply(self, client, queue):
        client.set_queue_attributes(QueueUrl=queue["QueueUrl"], Attributes={
            "MessageRetentionPeriod": str(self.data.get("period", 345600))})


class QueuePolicy:
    """Writes the queue's Policy attribute (empty: no policy)."""
    permissions = ("sqs:GetQueueAttributes", "sqs:SetQueueAttributes")

    def set_policy(self, queue, policy):
        self.manager.client().set_queue_attributes(
            QueueUrl=queue["QueueUrl"],
            Attributes={"Policy": json.dumps(policy) if policy else ""})


@actions.register("remove-statements", resources=SQS)
class RemoveStatements(QueuePolicy, RemoveStatementsAction):
    pass


@actions.register("modify-policy", resources=SQS)
class ModifyPolicy(QueuePolicy, ModifyPolicyAction):
    """A resource without a policy gets one (as in Custodian)."""

    def get_policy(self, resource):
        return resource.get(self.policy_key) or {"Version": "2012-10-17", "Statement": []}
