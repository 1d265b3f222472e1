"""CloudWatch Logs' log groups, as data (see cloudmaid/resources/declaration.py for the fields).

The ARN is the group's without the ``:*`` the listing's ``arn`` ends with (what tagging and
resource policies name); tags are ListTagsLogGroup's.
"""
from ...resources.declaration import DETAIL, Detail, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="log-group", service="logs", enum_op="describe_log_groups", enum_path="logGroups[]",
        id="logGroupName", name_key="logGroupName", date="creationTime",
        arn="arn:{partition}:logs:{region}:{account}:log-group:{id}", tags=DETAIL, tagger="logs",
        details=(Detail("Tags", "list_tags_log_group", "logGroupName", "tags", default=[]),),
        related={"kms-key": "kmsKeyId"},
        trail={"CreateLogGroup": Shortcut("requestParameters.logGroupName")},
    ),
)
