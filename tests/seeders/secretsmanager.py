"""Secrets Manager seeders: each secret's resource policy has a statement ``maid-test`` for
remove-statements to remove."""
import json

from . import action_options, seeder


@seeder("secrets-manager", "cloudtrail-create-secret.json")
def secret(world, label):
    sm = world.client("secretsmanager")
    sm.create_secret(Name=label, SecretString="s3cr3t", Tags=world.tag_list(label))
    sm.put_resource_policy(SecretId=label, ResourcePolicy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "maid-test", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
            "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
    return [label]


action_options("secrets-manager", {"remove-statements": {"statement_ids": ["maid-test"]},
                                   "set-encryption": {"key": "alias/aws/secretsmanager"}})
