"""AWS Backup plans, as data (see cloudmaid/resources/declaration.py for the fields).

ListBackupPlans returns summaries, each completed by GetBackupPlan with its ``BackupPlan``
merged in (manager.py), as Custodian does; Custodian's id is the plan's name. Tags are
ListTags', by ARN.
"""
from ...resources.declaration import DETAIL, Detail, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="backup-plan", service="backup", enum_op="list_backup_plans",
        enum_path="BackupPlansList[]", id="BackupPlanName", name_key="BackupPlanId",
        date="CreationDate", arn_key="BackupPlanArn",
        arn="arn:{partition}:backup:{region}:{account}:backup-plan:{id}", tags=DETAIL,
        tagger="backup",
        details=(Detail("Tags", "list_tags", "ResourceArn", "Tags", default=[], arn=True),),
        config_type="AWS::Backup::BackupPlan",
        trail={"CreateBackupPlan": Shortcut("requestParameters.backupPlan.backupPlanName")},
    ),
)
