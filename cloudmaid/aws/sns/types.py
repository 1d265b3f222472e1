"""SNS's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

ListTopics returns topic ARNs; each is completed by GetTopicAttributes, as Custodian does.
Tags come from the Resource Groups Tagging API (Custodian's universal_taggable).
"""
from ...resources.declaration import TAGGING_API, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="sns", service="sns", enum_op="list_topics", enum_path="Topics[]", id="TopicArn",
        get=Get("get_topic_attributes", "TopicArn", "Attributes"), complete=True,
        # the template names the service for the Tagging API; the id is the ARN itself
        name_key="DisplayName", arn_key="TopicArn",
        arn="arn:{partition}:sns:{region}:{account}:{id}",
        tags=TAGGING_API, config_type="AWS::SNS::Topic",
        trail={"CreateTopic": Shortcut("responseElements.topicArn")},
        related={"kms-key": "KmsMasterKeyId"},
        report=("TopicArn", "DisplayName", "SubscriptionsConfirmed", "SubscriptionsPending",
                "SubscriptionsDeleted"),
    ),
)
