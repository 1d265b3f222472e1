"""DynamoDB filters with Cloud Custodian's names, keys and semantics: ``continuous-backup``
(a value filter over the table's DescribeContinuousBackups answer), ``cross-account`` and
``has-statement`` over the table's resource policy, and ``kms-key`` (the row's ``related``)."""
from botocore.exceptions import ClientError

from ...filters.core import filters
from ...filters.crossaccount import CrossAccountFilter, HasStatementFilter
from ...resources.related import RelatedFilter, RelatedValueFilter, register_related
from ...resources.related import value_filter
from .types import TYPES

register_related(TYPES, __name__)
_VALUE = {k: v for k, v in RelatedFilter.schema.items() if k not in ("match-resource", "operator")}


@filters.register("continuous-backup", resources=("dynamodb-table",))
class ContinuousBackup(RelatedValueFilter):
    """Keys are relative to ContinuousBackupsDescription (``ContinuousBackupsStatus``,
    ``PointInTimeRecoveryDescription.PointInTimeRecoveryStatus``), read once per table per
    run into ``c7n:continuous-backup``; a table gone meanwhile does not match."""
    predicate = False
    schema = _VALUE
    permissions = ("dynamodb:DescribeContinuousBackups",)
    annotation = "c7n:continuous-backup"

    def fetch(self, table):
        client = self.manager.client()
        try:
            table[self.annotation] = client.describe_continuous_backups(
                TableName=table["TableName"]).get("ContinuousBackupsDescription", {})
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("TableNotFoundException",
                                                   "ResourceNotFoundException"):
                raise

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation, self.fetch)
        match = value_filter(self.data, self.manager).match
        return [r for r in resources if match(r.get(self.annotation, {}))]

    def keys(self):
        return {self.annotation}


@filters.register("cross-account", resources=("dynamodb-table",))
class TableCrossAccount(CrossAccountFilter):
    policy_key = "c7n:Policy"
    permissions = ("dynamodb:GetResourcePolicy",)


@filters.register("has-statement", resources=("dynamodb-table",))
class TableHasStatement(HasStatementFilter):
    """``{table_arn}`` in the statements is the table's ARN (Custodian's placeholder)."""
    policy_key = "c7n:Policy"
    permissions = ("dynamodb:GetResourcePolicy",)

    def format_args(self, resource):
        return dict(super().format_args(resource), table_arn=resource.get("TableArn", ""))
