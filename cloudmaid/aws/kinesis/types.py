"""Kinesis data streams and Firehose delivery streams, as data (see
cloudmaid/resources/declaration.py for the fields).

Both listings return bare names, each completed by its describe call, as Custodian does.
Stream tags are ListTagsForStream's; delivery stream tags the Tagging API's.
"""
from ...resources.declaration import DETAIL, TAGGING_API, Detail, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="kinesis", service="kinesis", enum_op="list_streams", enum_path="StreamNames[]",
        id="StreamName", get=Get("describe_stream", "StreamName", "StreamDescription"),
        complete=True, name_key="StreamName", arn_key="StreamARN",
        arn="arn:{partition}:kinesis:{region}:{account}:stream/{id}", tags=DETAIL,
        tagger="kinesis",
        details=(Detail("Tags", "list_tags_for_stream", "StreamName", "Tags", default=[]),
                 # the stream's resource policy (none: ResourceNotFound), read on demand
                 Detail("Policy", "get_resource_policy", "ResourceARN", "Policy", arn=True)),
        config_type="AWS::Kinesis::Stream",
        related={"kms-key": "KeyId"},
        trail={"CreateStream": Shortcut("requestParameters.streamName")},
    ),
    ResourceType(
        name="firehose", service="firehose", enum_op="list_delivery_streams",
        enum_path="DeliveryStreamNames[]", id="DeliveryStreamName", enum_params={"Limit": 100},
        get=Get("describe_delivery_stream", "DeliveryStreamName", "DeliveryStreamDescription"),
        complete=True, name_key="DeliveryStreamName", date="CreateTimestamp",
        arn_key="DeliveryStreamARN",
        arn="arn:{partition}:firehose:{region}:{account}:deliverystream/{id}", tags=TAGGING_API,
        config_type="AWS::KinesisFirehose::DeliveryStream",
        related={"kms-key": "DeliveryStreamEncryptionConfiguration.KeyARN"},
        trail={"CreateDeliveryStream": Shortcut("requestParameters.deliveryStreamName")},
    ),
)
