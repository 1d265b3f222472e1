"""Kinesis seeders: data streams and Firehose delivery streams."""
from . import ACCOUNT, action_options, seeder
from .logs import KEY_ALIAS, messaging_key


@seeder("kinesis", "cloudtrail-create-stream.json")
def stream(world, label):
    messaging_key(world)
    kinesis = world.client("kinesis")
    kinesis.create_stream(StreamName=label, ShardCount=1)
    kinesis.add_tags_to_stream(StreamName=label, Tags=world.tags(label))
    return [label]


@seeder("firehose", "cloudtrail-create-delivery-stream.json")
def delivery_stream(world, label):
    world.client("firehose").create_delivery_stream(
        DeliveryStreamName=label, DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose", "BucketARN": f"arn:aws:s3:::{label}"},
        Tags=world.tag_list(label))
    return [label]


action_options("kinesis", {"encrypt": {"key": KEY_ALIAS}})
