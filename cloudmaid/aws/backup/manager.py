"""The backup-plan manager: each listed summary completed by GetBackupPlan (by the plan's id,
Custodian's ``name``), its ``BackupPlan`` merged in as Custodian does. Plans gone
meanwhile are dropped. By name (event modes) the listing is searched."""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager, register_manager


@register_manager("backup-plan")
class BackupPlanManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("backup:GetBackupPlan",)

    def describe(self, params):
        client = self.client()

        def complete(summary):
            try:
                plan = client.get_backup_plan(BackupPlanId=summary["BackupPlanId"])
            except ClientError as e:
                if e.response["Error"]["Code"] == "ResourceNotFoundException":
                    return None
                raise
            plan.pop("ResponseMetadata", None)
            plan.update(plan.pop("BackupPlan", {}))
            return {**summary, **plan}
        return [p for p in details.pmap(complete, super().describe(params)) if p]
