"""SNS topic actions with Cloud Custodian's names, keys and defaults: ``delete``,
``set-encryption``, ``remove-statements``, ``modify-policy``. One topic per call; a topic
already gone counts as done."""
import json

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.statements import ModifyPolicyAction, RemoveStatementsAction

SNS = ("sns",)


class TopicAction(Action):
    def process(self, resources):
        client = self.manager.client()

        def one(topic):
            try:
                self.apply(client, topic)
            except ClientError as e:
                if e.response["Error"]["Code"] not in ("NotFound", "NotFoundException"):
                    raise
        self.each(resources, one)
        self.manager.invalidate()

    def apply(self, client, topic):
        raise NotImplementedError


@actions.register("delete", resources=SNS)
class DeleteTopic(TopicAction):
    permissions = ("sns:DeleteTopic",)

    def apply(self, client, topic):
        client.delete_topic(TopicArn=topic["TopicArn"])


@actions.register("set-encryption", resources=SNS)
class SetEncryption(TopicAction):
    """KmsMasterKeyId: ``key`` (id, ARN or alias; default ``alias/aws/sns``), or none with
    ``enabled: false``."""
    schema = {"enabled": {"type": "boolean"}, "key": {"type": "string"}}
    permissions = ("sns:SetTopicAttributes", "kms:DescribeKey")

    def validate(self):
        if not self.data.get("enabled", True) and "key" in self.data:
            return [(("key",), "enabled: false removes the key: give no key")]
        return []

    def apply(self, client, topic):
        key = self.data.get("key", "alias/aws/sns") if self.data.get("enabled", True) else ""
        client.set_topic_attributes(TopicArn=topic["TopicArn"], AttributeName="KmsMasterKeyId",
                                    AttributeValue=key)


class TopicPolicy:
    """Writes the topic's Policy attribute (no statement left: an empty statement list,
    SNS has no way to delete the policy)."""
    permissions = ("sns:GetTopicAttributes", "sns:SetTopicAttributes")

    def set_policy(self, topic, policy):
        document = policy or dict(json.loads(topic.get("Policy") or "{}"), Statement=[])
        self.manager.client().set_topic_attributes(
            TopicArn=topic["TopicArn"], AttributeName="Policy",
            AttributeValue=json.dumps(document))


@actions.register("remove-statements", resources=SNS)
class RemoveStatements(TopicPolicy, RemoveStatementsAction):
    pass


@actions.register("modify-policy", resources=SNS)
class ModifyPolicy(TopicPolicy, ModifyPolicyAction):
    """A resource without a policy gets one (as in Custodian)."""

    def get_policy(self, resource):
        return resource.get(self.policy_key) or {"Version": "2012-10-17", "Statement": []}
