"""CloudWatch Logs seeders, and the KMS key (alias ``alias/maid-messaging``) the encryption
actions of logs and kinesis are given."""
from . import ACCOUNT, REGION, action_options, seeder

KEY_ALIAS = "alias/maid-messaging"


def messaging_key(world):
    def make(w):
        kms = w.client("kms")
        key = kms.create_key(Description="maid messaging")["KeyMetadata"]
        kms.create_alias(AliasName=KEY_ALIAS, TargetKeyId=key["KeyId"])
        return key["Arn"]
    return world.shared("messaging-key", make)


def sink(world):
    """A log group subscription filters of the seeds may deliver to."""
    def make(w):
        w.client("logs").create_log_group(logGroupName="/maid/sink")
        return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/maid/sink:*"
    return world.shared("log-sink", make)


@seeder("log-group", "cloudtrail-create-log-group.json")
def log_group(world, label):
    messaging_key(world)
    sink(world)
    name = f"/maid/{label}"
    world.client("logs").create_log_group(logGroupName=name, tags=world.tags(label))
    return [name]


action_options("log-group", {"retention": {"days": 30},
                             "set-encryption": {"kms-key": KEY_ALIAS},
                             "put-subscription-filter": {
                                 "filter_name": "maid", "destination_arn":
                                 f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/maid/sink:*"}})
