"""EFS seeders: a file system whose policy lets another account mount it."""
import json

from . import action_options, seeder
from .sqs import policy


@seeder("efs", "cloudtrail-create-file-system.json")
def file_system(world, label):
    efs = world.client("efs")
    fs = efs.create_file_system(CreationToken=label, Tags=world.tag_list(label))
    # two statements: removing one rewrites the policy (moto cannot delete one)
    document = json.loads(policy(fs["FileSystemArn"], "elasticfilesystem:ClientMount"))
    document["Statement"].append({"Sid": "tls", "Effect": "Deny", "Principal": {"AWS": "*"},
                                  "Action": "*",
                                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    efs.put_file_system_policy(FileSystemId=fs["FileSystemId"], Policy=json.dumps(document))
    return [fs["FileSystemId"]]


action_options("efs", {
    "remove-statements": {"statement_ids": ["maid-stmt"]},
    "configure-lifecycle-policy": {"state": "enable", "rules": [{"TransitionToIA": "AFTER_7_DAYS"}]}})
