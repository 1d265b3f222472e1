"""AWS Backup seeders. A plan's id is its name (Custodian's), its calls name its ARN."""
from . import named, seeder


@seeder("backup-plan", "cloudtrail-create-backup-plan.json")
def plan(world, label):
    out = world.client("backup").create_backup_plan(
        BackupPlan={"BackupPlanName": label, "Rules": [
            {"RuleName": "daily", "TargetBackupVaultName": "Default",
             "ScheduleExpression": "cron(0 5 ? * * *)"}]},
        BackupPlanTags=world.tags(label))
    named(label, out["BackupPlanArn"])
    return [label]
