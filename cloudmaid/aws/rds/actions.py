"""RDS instance actions with Cloud Custodian's names, keys, defaults and eligibility rules:
``stop``, ``start``, ``delete``, ``snapshot``, ``modify-db``, ``set-public-access``,
``resize``, ``retention``, ``upgrade``, ``auto-patch``.

One call per instance; ``Action.each`` records a failure and carries on. Instances an action
cannot apply to (Aurora members, read replicas, wrong state: Custodian's rules) are listed
under ``skipped`` in the action's result, not failed.
"""
import decimal

import jmespath
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.base import now_of
from .. import once
from .filters import UPGRADE, engine_upgrades, version_key

RDS = ("rds",)
ID = "DBInstanceIdentifier"
#: engines whose instances can be stopped and started (Custodian's list)
START_STOP_ENGINES = frozenset({
    "postgres", "sqlserver-ee", "oracle-se2", "mariadb", "oracle-ee", "sqlserver-ex",
    "sqlserver-se", "oracle-se", "mysql", "oracle-se1", "sqlserver-web", "db2-ae", "db2-se",
    "oracle-ee-cdb", "oracle-se2-cdb"})


def snapshot_identifier(manager, prefix, name):
    """Custodian's snapshot names: ``<prefix>-<id>-<YYYY-mm-dd-HH-MM>`` (the run's clock)."""
    return f"{prefix}-{name}-{now_of(manager):%Y-%m-%d-%H-%M}"


def can_start_stop(db, state):
    return (db.get("DBInstanceStatus") == state
            and not (db.get("MultiAZ") and db.get("Engine", "").startswith("sqlserver-"))
            and db.get("Engine") in START_STOP_ENGINES
            and not db.get("ReadReplicaDBInstanceIdentifiers")
            and not db.get("ReadReplicaSourceDBInstanceIdentifier")
            and not db.get("DBClusterIdentifier"))


def can_back_up(db):
    """Available, not an Aurora member, not a replica whose engine cannot back up."""
    if db.get("DBInstanceStatus") != "available" or db.get("DBClusterIdentifier"):
        return False
    if db.get("ReadReplicaSourceDBInstanceIdentifier"):
        if db.get("Engine") == "postgres":
            return False
        if db.get("Engine") == "mysql" and version_key(db.get("EngineVersion")) < \
                version_key("5.6"):
            return False
    return True


def can_final_snapshot(db):
    return (db.get("DBInstanceStatus") not in (
        "creating", "failed", "incompatible-restore", "incompatible-network")
        and not db.get("ReadReplicaSourceDBInstanceIdentifier")
        and not db.get("DBClusterIdentifier"))


class InstanceAction(Action):
    """One call per eligible instance; the others are skipped."""
    permissions = ("rds:ModifyDBInstance",)

    def eligible(self, db):
        return True

    def apply(self, client, db):
        raise NotImplementedError

    def process(self, resources):
        client = self.manager.client()
        todo = [r for r in resources if self.eligible(r)]
        skipped = [r[ID] for r in resources if r not in todo]
        if skipped:
            self.result["skipped"] = skipped
        self.each(todo, lambda db: self.apply(client, db))
        self.manager.invalidate()


@actions.register("stop", resources=RDS)
class Stop(InstanceAction):
    """StopDBInstance on available instances of engines that can stop (not Aurora members,
    read replicas or Multi-AZ SQL Server)."""
    permissions = ("rds:StopDBInstance",)

    def eligible(self, db):
        return can_start_stop(db, "available")

    def apply(self, client, db):
        client.stop_db_instance(DBInstanceIdentifier=db[ID])


@actions.register("start", resources=RDS)
class Start(InstanceAction):
    """StartDBInstance on stopped instances (the same eligibility as ``stop``)."""
    permissions = ("rds:StartDBInstance",)

    def eligible(self, db):
        return can_start_stop(db, "stopped")

    def apply(self, client, db):
        client.start_db_instance(DBInstanceIdentifier=db[ID])


@actions.register("delete", resources=RDS)
class Delete(InstanceAction):
    """DeleteDBInstance, with a final snapshot ``Final-<id>-<date>`` unless ``skip-snapshot``
    (or the instance cannot take one: a replica, a failed or creating instance). Aurora
    members are skipped (delete their cluster). ``copy-restore-info`` first tags the instance
    with what restoring it needs (security groups, option and parameter groups, class,
    storage type, Multi-AZ, subnet group) and turns on CopyTagsToSnapshot, so the final
    snapshot carries them. An instance already being deleted counts as done."""
    schema = {"skip-snapshot": {"type": "boolean"}, "copy-restore-info": {"type": "boolean"}}
    permissions = ("rds:DeleteDBInstance", "rds:AddTagsToResource", "rds:ModifyDBInstance")

    def validate(self):
        if self.data.get("skip-snapshot") and self.data.get("copy-restore-info"):
            return [(("copy-restore-info",), "skip-snapshot cannot be given with "
                                             "copy-restore-info")]
        return []

    def eligible(self, db):
        return not db.get("DBClusterIdentifier")

    def apply(self, client, db):
        params = {ID: db[ID]}
        if self.data.get("skip-snapshot", False) or not can_final_snapshot(db):
            params["SkipFinalSnapshot"] = True
        else:
            params["FinalDBSnapshotIdentifier"] = snapshot_identifier(
                self.manager, "Final", db[ID])
        if self.data.get("copy-restore-info", False):
            self.copy_restore_info(client, db)
            if not db.get("CopyTagsToSnapshot"):
                client.modify_db_instance(DBInstanceIdentifier=db[ID], CopyTagsToSnapshot=True)
        try:
            client.delete_db_instance(**params)
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("InvalidDBInstanceState",
                                                   "InvalidDBInstanceStateFault"):
                raise

    def copy_restore_info(self, client, db):
        def first(key, name):
            items = db.get(key) or [{}]
            return items[0].get(name, "")
        tags = {
            # space-separated (Custodian runs the ids together); tag values allow no commas
            "VPCSecurityGroups": " ".join(g["VpcSecurityGroupId"]
                                          for g in db.get("VpcSecurityGroups") or ()),
            "OptionGroupName": first("OptionGroupMemberships", "OptionGroupName"),
            "ParameterGroupName": first("DBParameterGroups", "DBParameterGroupName"),
            "InstanceClass": db.get("DBInstanceClass", ""),
            "StorageType": db.get("StorageType", ""),
            "MultiAZ": str(db.get("MultiAZ")),
            "DBSubnetGroupName": (db.get("DBSubnetGroup") or {}).get("DBSubnetGroupName", ""),
        }
        client.add_tags_to_resource(ResourceName=self.manager.arn(db),
                                    Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


@actions.register("snapshot", resources=RDS)
class Snapshot(InstanceAction):
    """CreateDBSnapshot ``Backup-<id>-<date>`` of each available instance that can be
    backed up (not Aurora members or postgres/old mysql replicas)."""
    permissions = ("rds:CreateDBSnapshot", "rds:DescribeDBSnapshots")

    def eligible(self, db):
        return can_back_up(db)

    def apply(self, client, db):
        name = snapshot_identifier(self.manager, "Backup", db[ID])

        def find():
            """The snapshot of that name when this run made it (a lost answer, a repeat
            refused as a duplicate): of this instance, since the run started."""
            try:
                found = client.describe_db_snapshots(DBSnapshotIdentifier=name)["DBSnapshots"]
            except ClientError as e:
                if e.response["Error"]["Code"] in ("DBSnapshotNotFound", "DBSnapshotNotFoundFault"):
                    return None
                raise
            ours = [s for s in found if s.get(ID) == db[ID] and s.get("SnapshotType") == "manual"
                    and once.since_start(self.manager, s.get("SnapshotCreateTime"))]
            return {"DBSnapshot": ours[0]} if ours else None
        once.named_write(self.manager, "rds", "CreateDBSnapshot",
                         {"DBSnapshotIdentifier": name, "DBInstanceIdentifier": db[ID]}, find,
                         exists=("DBSnapshotAlreadyExists", "DBSnapshotAlreadyExistsFault"))
        self.result.setdefault("snapshots", []).append(name)

    def process(self, resources):
        super().process(resources)
        from ...resources.manager import ResourceManager
        ResourceManager.for_type(self.manager.ctx, "rds-snapshot").invalidate()


#: modify-db properties whose current value is read from another key of the instance
CURRENT = {
    "DBSubnetGroupName": "DBSubnetGroup.DBSubnetGroupName",
    "VpcSecurityGroupIds": "VpcSecurityGroups[].VpcSecurityGroupId",
    "DBParameterGroupName": "DBParameterGroups[].DBParameterGroupName",
    "OptionGroupName": "OptionGroupMemberships[].OptionGroupName",
    "NewDBInstanceIdentifier": "DBInstanceIdentifier",
    "Domain": "DomainMemberships[].DomainName",
    "DBPortNumber": "Endpoint.Port",
    "EnablePerformanceInsights": "PerformanceInsightsEnabled",
    "CloudwatchLogsExportConfiguration": "EnabledCloudwatchLogsExports",
}
PROPERTIES = (
    "AllocatedStorage", "DBInstanceClass", "DBSubnetGroupName", "DBSecurityGroups",
    "VpcSecurityGroupIds", "MasterUserPassword", "DBParameterGroupName",
    "BackupRetentionPeriod", "PreferredBackupWindow", "PreferredMaintenanceWindow", "MultiAZ",
    "EngineVersion", "AllowMajorVersionUpgrade", "AutoMinorVersionUpgrade", "LicenseModel",
    "Iops", "OptionGroupName", "NewDBInstanceIdentifier", "StorageType", "TdeCredentialArn",
    "TdeCredentialPassword", "CACertificateIdentifier", "Domain", "CopyTagsToSnapshot",
    "MonitoringInterval", "MonitoringRoleARN", "DBPortNumber", "PubliclyAccessible",
    "DomainIAMRoleName", "PromotionTier", "EnableIAMDatabaseAuthentication",
    "EnablePerformanceInsights", "PerformanceInsightsKMSKeyId",
    "PerformanceInsightsRetentionPeriod", "CloudwatchLogsExportConfiguration",
    "ProcessorFeatures", "UseDefaultProcessorFeatures", "DeletionProtection",
    "MaxAllocatedStorage", "CertificateRotationRestart")


def current_value(db, prop):
    if prop in db:
        return db[prop]
    path = CURRENT.get(prop)
    return jmespath.search(path, db) if path else None


@actions.register("modify-db", resources=RDS)
class ModifyDb(InstanceAction):
    """ModifyDBInstance with the ``update`` properties whose value differs from the
    instance's (nothing to change: no call); ``immediate`` (default false) applies them now
    rather than in the maintenance window."""
    schema = {"immediate": {"type": "boolean"},
              "update": {"type": "array", "items": {
                  "type": "object", "additionalProperties": False,
                  "required": ["property", "value"],
                  "properties": {"property": {"enum": list(PROPERTIES)}, "value": {}}}}}
    required = ("update",)

    def validate(self):
        update = {u.get("property"): u.get("value") for u in self.data.get("update") or ()}
        interval = update.get("MonitoringInterval")
        if isinstance(interval, (int, float)) and interval > 0 and \
                "MonitoringRoleARN" not in update:
            return [(("update",), "MonitoringRoleARN is required with a MonitoringInterval "
                                  "other than 0")]
        logs = update.get("CloudwatchLogsExportConfiguration")
        if "CloudwatchLogsExportConfiguration" in update and not (
                isinstance(logs, dict) and ({"EnableLogTypes", "DisableLogTypes"} & set(logs))):
            return [(("update",), "CloudwatchLogsExportConfiguration needs EnableLogTypes or "
                                  "DisableLogTypes")]
        return []

    def changes(self, db):
        return {u["property"]: u["value"] for u in self.data["update"]
                if current_value(db, u["property"]) != u["value"]}

    def eligible(self, db):
        return bool(self.changes(db))

    def apply(self, client, db):
        client.modify_db_instance(DBInstanceIdentifier=db[ID], **self.changes(db),
                                  ApplyImmediately=self.data.get("immediate", False))


@actions.register("set-public-access", resources=RDS)
class SetPublicAccess(InstanceAction):
    """PubliclyAccessible set to ``state`` (default false)."""
    schema = {"state": {"type": "boolean"}}

    def apply(self, client, db):
        client.modify_db_instance(DBInstanceIdentifier=db[ID],
                                  PubliclyAccessible=self.data.get("state", False))


@actions.register("resize", resources=RDS)
class Resize(InstanceAction):
    """AllocatedStorage changed by ``percent`` (negative shrinks), rounded half up;
    ``immediate`` (default false)."""
    schema = {"percent": {"type": "number"}, "immediate": {"type": "boolean"}}
    required = ("percent",)

    def apply(self, client, db):
        old = decimal.Decimal(db["AllocatedStorage"])
        new = (100 + decimal.Decimal(str(self.data["percent"]))) / 100 * old
        client.modify_db_instance(
            DBInstanceIdentifier=db[ID], ApplyImmediately=self.data.get("immediate", False),
            AllocatedStorage=int(new.quantize(decimal.Decimal("0"), decimal.ROUND_HALF_UP)))


@actions.register("retention", resources=RDS)
class Retention(InstanceAction):
    """BackupRetentionPeriod set from ``days`` as ``enforce`` says: ``min`` (default) raises
    it to at least ``days``, ``max`` lowers it to at most ``days``, ``exact`` sets it;
    CopyTagsToSnapshot set to ``copy-tags`` (default true). Instances that cannot be backed
    up are skipped, and instances already right get no call."""
    schema = {"days": {"type": "number"}, "copy-tags": {"type": "boolean"},
              "enforce": {"type": "string", "enum": ["min", "max", "exact"]}}
    required = ("days",)

    def target(self, db):
        current = int(db.get("BackupRetentionPeriod", 0))
        days = int(self.data["days"])
        enforce = self.data.get("enforce", "min").lower()
        return {"min": max(current, days), "max": min(current, days)}.get(enforce, days)

    def eligible(self, db):
        copy = self.data.get("copy-tags", True)
        return can_back_up(db) and (
            self.target(db) != int(db.get("BackupRetentionPeriod", 0))
            or db.get("CopyTagsToSnapshot") != copy)

    def apply(self, client, db):
        client.modify_db_instance(DBInstanceIdentifier=db[ID],
                                  BackupRetentionPeriod=self.target(db),
                                  CopyTagsToSnapshot=self.data.get("copy-tags", True))


@actions.register("upgrade", resources=RDS)
class Upgrade(InstanceAction):
    """EngineVersion set to the newest upgrade target (``major`` targets too; the one
    ``upgrade-available`` found when it ran), ``immediate`` (default false) or in the
    maintenance window. Instances with an upgrade pending or none available are skipped."""
    schema = {"major": {"type": "boolean"}, "immediate": {"type": "boolean"}}
    permissions = ("rds:ModifyDBInstance", "rds:DescribeDBEngineVersions")

    def eligible(self, db):
        if "EngineVersion" in (db.get("PendingModifiedValues") or {}):
            return False
        if UPGRADE not in db:
            target = engine_upgrades(self.manager, self.data.get("major", False)).get(
                db.get("Engine"), {}).get(db.get("EngineVersion"))
            if target is None:
                return False
            db[UPGRADE] = target
        return True

    def apply(self, client, db):
        client.modify_db_instance(DBInstanceIdentifier=db[ID], EngineVersion=db[UPGRADE],
                                  ApplyImmediately=self.data.get("immediate", False))


@actions.register("auto-patch", resources=RDS)
class AutoPatch(InstanceAction):
    """AutoMinorVersionUpgrade set to ``minor`` (default true), and the maintenance
    ``window`` when given."""
    schema = {"minor": {"type": "boolean"}, "window": {"type": "string"}}

    def apply(self, client, db):
        params = {"AutoMinorVersionUpgrade": self.data.get("minor", True)}
        if self.data.get("window"):
            params["PreferredMaintenanceWindow"] = self.data["window"]
        client.modify_db_instance(DBInstanceIdentifier=db[ID], **params)
