"""SQS seeders: a queue whose policy lets another account send (statement ``maid-stmt``), so
that the statement actions have something to remove."""
import json

from . import ACCOUNT, REGION, action_options, seeder

OTHER = "210987654321"


def policy(resource, action):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "maid-stmt", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": action, "Resource": resource}]})


@seeder("sqs", "cloudtrail-create-queue.json")
def queue(world, label):
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{label}"
    return [world.client("sqs").create_queue(
        QueueName=label, tags=world.tags(label),
        Attributes={"Policy": policy(arn, "sqs:SendMessage")})["QueueUrl"]]


ADDED = {"Sid": "added", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "sqs:GetQueueAttributes", "Resource": "*"}
action_options("sqs", {"remove-statements": {"statement_ids": "*"},
                       "modify-policy": {"add-statements": [ADDED]}})
