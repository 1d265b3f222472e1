"""SQS's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

ListQueues returns bare queue URLs; each is completed by GetQueueAttributes (All), as
Custodian does, plus Custodian's ``QueueName`` (manager.py). Tags are ListQueueTags'.
"""
from ...resources.declaration import DETAIL, Detail, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="sqs", service="sqs", enum_op="list_queues", enum_path="QueueUrls[]",
        id="QueueUrl", enum_params={"MaxResults": 1000},
        get=Get("get_queue_attributes", "QueueUrl", "Attributes",
                params={"AttributeNames": ["All"]}),
        complete=True, date="CreatedTimestamp", arn_key="QueueArn", tags=DETAIL, tagger="sqs",
        details=(Detail("Tags", "list_queue_tags", "QueueUrl", "Tags", default=[]),),
        config_type="AWS::SQS::Queue",
        trail={"CreateQueue": Shortcut("responseElements.queueUrl")},
        related={"kms-key": "KmsMasterKeyId"},
        report=("QueueArn", "CreatedTimestamp", "ApproximateNumberOfMessages"),
    ),
)
