"""SNS seeders: a topic whose policy lets another account publish (statement ``maid-stmt``)."""
from . import ACCOUNT, REGION, action_options, seeder
from .sqs import policy


@seeder("sns", "cloudtrail-create-topic.json")
def topic(world, label):
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{label}"
    return [world.client("sns").create_topic(
        Name=label, Tags=world.tag_list(label),
        Attributes={"Policy": policy(arn, "sns:Publish")})["TopicArn"]]


ADDED = {"Sid": "added", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "sns:GetTopicAttributes", "Resource": "*"}
action_options("sns", {"remove-statements": {"statement_ids": "*"},
                       "modify-policy": {"add-statements": [ADDED]}})
