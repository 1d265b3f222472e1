"""DynamoDB's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

ListTables returns names: each is completed by DescribeTable; tags come from the Resource
Groups Tagging API as in Custodian (ListTagsOfResource per table when it is denied). Backups
are listed in full by ListBackups (get-by-ids filters that listing).
"""
from ...resources.declaration import TAGGING_API, Detail, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="dynamodb-table", service="dynamodb", enum_op="list_tables",
        enum_path="TableNames[]", id="TableName", name_key="TableName",
        get=Get("describe_table", "TableName", "Table"), complete=True,
        dimension="TableName", date="CreationDateTime",
        arn="arn:{partition}:dynamodb:{region}:{account}:table/{id}",
        arn_key="TableArn", tags=TAGGING_API,
        details=(Detail("Tags", "list_tags_of_resource", "ResourceArn", "Tags", default=[],
                        arn=True),
                 # the resource policy (Custodian's key), None when the table has none
                 Detail("c7n:Policy", "get_resource_policy", "ResourceArn", "Policy",
                        arn=True)),
        config_type="AWS::DynamoDB::Table",
        trail={"CreateTable": Shortcut("requestParameters.tableName")},
        related={"kms-key": "SSEDescription.KMSMasterKeyArn"},
    ),
    ResourceType(
        name="dynamodb-backup", service="dynamodb", enum_op="list_backups",
        enum_path="BackupSummaries[]", id="BackupArn", name_key="BackupName",
        date="BackupCreationDateTime", arn_key="BackupArn", tags=None,
        trail={"CreateBackup": Shortcut("responseElements.backupDetails.backupArn")},
    ),
)
