"""DynamoDB seeders: tables and backups."""
from . import action_options, seeder


def table(world, name, tags=None):
    params = dict(TableName=name, BillingMode="PAY_PER_REQUEST",
                  KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                  AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    if tags:
        params["Tags"] = tags
    return world.client("dynamodb").create_table(**params)["TableDescription"]["TableName"]


@seeder("dynamodb-table", "cloudtrail-create-table.json")
def dynamodb_table(world, label):
    return [table(world, label, world.tag_list(label))]


@seeder("dynamodb-backup", "cloudtrail-create-backup.json")
def backup(world, label):
    source = world.shared("dynamodb-source", lambda w: table(w, "maid-backup-source"))
    return [world.client("dynamodb").create_backup(
        TableName=source, BackupName=label)["BackupDetails"]["BackupArn"]]


action_options("dynamodb-table", {"update": {"DeletionProtectionEnabled": True}})
