"""KMS seeders: customer managed keys and their aliases; each key's policy has a statement
``maid-test`` for remove-statements to remove."""
import json

from . import ACCOUNT, action_options, named, seeder

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
     "Action": "kms:*", "Resource": "*"},
    {"Sid": "maid-test", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
     "Action": "kms:Decrypt", "Resource": "*"}]})


@seeder("kms-key", "cloudtrail-create-key.json")
def key(world, label):
    return [world.client("kms").create_key(
        Description=label, Policy=POLICY,
        Tags=world.tag_list(label, "TagKey", "TagValue"))["KeyMetadata"]["KeyId"]]


@seeder("kms", "cloudtrail-create-alias.json")
def alias(world, label):
    kms = world.client("kms")
    key_id = kms.create_key(Description=label, Policy=POLICY)["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/{label}", TargetKeyId=key_id)
    named(label, key_id)   # an alias's key policy is written through its key
    return [a["AliasArn"] for a in kms.list_aliases(KeyId=key_id)["Aliases"]]


action_options("kms-key", {"set-rotation": {"state": True},
                           "remove-statements": {"statement_ids": ["maid-test"]}})
action_options("kms", {"remove-statements": {"statement_ids": ["maid-test"]}})
