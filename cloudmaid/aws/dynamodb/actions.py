"""DynamoDB actions with Cloud Custodian's names, keys and defaults: dynamodb-table ``delete``,
``set-continuous-backup``, ``update``; dynamodb-backup ``delete``. Tables not ACTIVE (and
backups not AVAILABLE) are skipped, as in Custodian; a resource gone counts as done."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions

TABLE = ("dynamodb-table",)
GONE = ("ResourceNotFoundException", "TableNotFoundException")


class TableAction(Action):
    status_key, valid_status = "TableStatus", ("ACTIVE",)

    def apply(self, client, resource):
        raise NotImplementedError

    def process(self, resources):
        todo = [r for r in resources if r.get(self.status_key) in self.valid_status]
        skipped = [self.manager.resource_id(r) for r in resources if r not in todo]
        if skipped:
            self.result["skipped"] = skipped
        client = self.manager.client()

        def one(r):
            try:
                self.apply(client, r)
            except ClientError as e:
                if e.response["Error"]["Code"] not in GONE:
                    raise
        self.each(todo, one)
        self.manager.invalidate()


@actions.register("update", resources=TABLE)
class Update(TableAction):
    """UpdateTable with the given ``BillingMode``, ``DeletionProtectionEnabled`` and
    ``ProvisionedThroughput``."""
    schema = {"BillingMode": {"enum": ["PROVISIONED", "PAY_PER_REQUEST"]},
              "DeletionProtectionEnabled": {"enum": [True, False]},
              "ProvisionedThroughput": {"type": "object", "additionalProperties": False,
                                        "properties": {
                                            "ReadCapacityUnits": {"type": "integer"},
                                            "WriteCapacityUnits": {"type": "integer"}}}}
    permissions = ("dynamodb:UpdateTable",)

    def params(self):
        return {k: self.data[k] for k in self.schema if k in self.data}

    def validate(self):
        if not self.params():
            return [((), "give BillingMode, DeletionProtectionEnabled or "
                         "ProvisionedThroughput to update")]
        return []

    def apply(self, client, table):
        client.update_table(TableName=table["TableName"], **self.params())


@actions.register("set-continuous-backup", resources=TABLE)
class SetContinuousBackup(TableAction):
    """Point-in-time recovery turned on (``state``, default true) or off."""
    schema = {"state": {"type": "boolean"}}
    permissions = ("dynamodb:UpdateContinuousBackups",)

    def apply(self, client, table):
        client.update_continuous_backups(
            TableName=table["TableName"],
            PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": self.data.get("state", True)})
        table.pop("c7n:continuous-backup", None)


@actions.register("delete", resources=TABLE)
class Delete(TableAction):
    """DeleteTable; ``force: true`` first turns deletion protection off."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("dynamodb:UpdateTable", "dynamodb:DeleteTable")

    def apply(self, client, table):
        if self.data.get("force", False):
            client.update_table(TableName=table["TableName"], DeletionProtectionEnabled=False)
        client.delete_table(TableName=table["TableName"])


@actions.register("delete", resources=("dynamodb-backup",))
class DeleteBackup(TableAction):
    """DeleteBackup of AVAILABLE backups."""
    status_key, valid_status = "BackupStatus", ("AVAILABLE",)
    permissions = ("dynamodb:DeleteBackup",)

    def apply(self, client, backup):
        client.delete_backup(BackupArn=backup["BackupArn"])
