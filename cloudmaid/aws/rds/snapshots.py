"""Actions and filters on RDS snapshots, clusters, cluster snapshots and subnet groups
(Custodian's names, keys and defaults): rds-snapshot ``delete``, ``set-permissions``,
``region-copy`` and the ``cross-account`` filter on its restore attribute; rds-cluster
``delete``, ``stop``, ``start``, ``snapshot``; rds-cluster-snapshot ``delete``;
rds-subnet-group ``delete``."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters import valuefrom
from ...filters.core import Filter, filters
from .. import once
from .actions import snapshot_identifier

SNAPSHOT = ("rds-snapshot",)
CLUSTER = ("rds-cluster",)
#: the snapshot attributes cross-account reads (and set-permissions reuses)
ATTRIBUTES = "c7n:attributes"
VIOLATIONS = "c7n:CrossAccountViolations"
_ACCOUNTS = {"type": "array", "items": {"oneOf": [
    {"type": "string", "minLength": 12, "maxLength": 12}, {"enum": ["all"]}]}}


def code_of(error):
    return error.response.get("Error", {}).get("Code", "") if isinstance(error, ClientError) \
        else ""


def restore_accounts(client, snapshot):
    """The snapshot's ``restore`` attribute (accounts, or ``all``), read once."""
    if ATTRIBUTES not in snapshot:
        answer = client.describe_db_snapshot_attributes(
            DBSnapshotIdentifier=snapshot["DBSnapshotIdentifier"])
        snapshot[ATTRIBUTES] = {
            a["AttributeName"]: a.get("AttributeValues") or []
            for a in answer["DBSnapshotAttributesResult"]["DBSnapshotAttributes"]}
    return snapshot[ATTRIBUTES].get("restore", [])


@filters.register("cross-account", resources=SNAPSHOT)
class SnapshotCrossAccount(Filter):
    """Snapshots others may copy or restore: accounts in their ``restore`` attribute outside
    ``whitelist``/``whitelist_from`` (``everyone_only``: only public ``all``), kept in
    ``c7n:CrossAccountViolations``."""
    predicate = False
    schema = {"whitelist": {"type": "array", "items": {"type": "string"}},
              "whitelist_from": valuefrom.SCHEMA, "everyone_only": {"type": "boolean"}}
    permissions = ("rds:DescribeDBSnapshotAttributes",)

    def process(self, resources, event=None):
        allowed = set(self.data.get("whitelist") or ())
        if "whitelist_from" in self.data:
            allowed |= set(valuefrom.values(self.data["whitelist_from"], self.manager))
        client = self.manager.client()
        out = []
        for r in resources:
            shared = set(restore_accounts(client, r))
            if self.data.get("everyone_only"):
                shared = {a for a in shared if a == "all"}
            outside = shared - allowed
            if outside:
                r[VIOLATIONS] = sorted(outside)
                out.append(r)
        return out


@actions.register("delete", resources=SNAPSHOT)
class DeleteSnapshot(Action):
    """DeleteDBSnapshot of manual snapshots (automated ones are skipped: RDS removes them)."""
    permissions = ("rds:DeleteDBSnapshot",)

    def process(self, resources):
        manual = [r for r in resources if r.get("SnapshotType") == "manual"]
        skipped = [r["DBSnapshotIdentifier"] for r in resources if r not in manual]
        if skipped:
            self.result["skipped"] = skipped
        client = self.manager.client()

        def delete(s):
            try:
                client.delete_db_snapshot(DBSnapshotIdentifier=s["DBSnapshotIdentifier"])
            except ClientError as e:
                if code_of(e) != "DBSnapshotNotFound":
                    raise
        self.each(manual, delete)
        self.manager.invalidate()


@actions.register("set-permissions", resources=SNAPSHOT)
class SetPermissions(Action):
    """Change who may restore the snapshot: ``add`` and ``remove`` account lists (``all``:
    public), or ``remove: matched``, the accounts the cross-account filter found. With
    neither, every account is removed (Custodian's default)."""
    schema = {"add": _ACCOUNTS, "remove": {"oneOf": [{"enum": ["matched"]}, _ACCOUNTS]}}
    permissions = ("rds:ModifyDBSnapshotAttribute", "rds:DescribeDBSnapshotAttributes")

    def validate(self):
        if self.data.get("remove") == "matched":
            policy = getattr(self.manager, "policy_data", None)
            if policy is not None and not uses_filter(policy.get("filters"), "cross-account"):
                return [(("remove",), "remove: matched needs the cross-account filter")]
        return []

    def process(self, resources):
        client = self.manager.client()

        def change(s):
            add = list(self.data.get("add") or [])
            remove = self.data.get("remove") or []
            if not (add or remove):
                remove = restore_accounts(client, s)
            elif remove == "matched":
                remove = s.get(VIOLATIONS, [])
            if add or remove:
                client.modify_db_snapshot_attribute(
                    DBSnapshotIdentifier=s["DBSnapshotIdentifier"], AttributeName="restore",
                    ValuesToAdd=add, ValuesToRemove=list(remove))
            s.pop(ATTRIBUTES, None)
        self.each(resources, change)


def uses_filter(items, name):
    for f in items or ():
        if isinstance(f, dict):
            if f.get("type") == name:
                return True
            if any(uses_filter(f.get(b), name) for b in ("and", "or", "not")
                   if isinstance(f.get(b), list)):
                return True
        elif f == name:
            return True
    return False


@actions.register("region-copy", resources=SNAPSHOT)
class RegionCopy(Action):
    """CopyDBSnapshot into ``target_region`` (encrypted with ``target_key`` when given), the
    tags copied unless ``copy_tags: false``; ``tags`` are added (with the snapshot's own when
    copying them). A copy already there counts as done; the same region is skipped. The copy's
    ARN is kept in ``c7n:CopiedSnapshot``. A copy refused by RDS's limit of five in flight
    (SnapshotQuotaExceeded) fails alone, to be retried by the next run, rather than waiting up
    to an hour as Custodian does (which is why Custodian refuses the action in event modes)."""
    schema = {"target_region": {"type": "string"}, "target_key": {"type": "string"},
              "copy_tags": {"type": "boolean"}, "tags": {"type": "object"}}
    required = ("target_region",)
    permissions = ("rds:CopyDBSnapshot", "rds:DescribeDBSnapshots")

    def process(self, resources):
        target = self.data["target_region"]
        if target == self.manager.ctx.region:
            self.result["skipped"] = [r["DBSnapshotIdentifier"] for r in resources]
            return
        client = self.manager.client(region=target)
        extra = [{"Key": k, "Value": str(v)} for k, v in (self.data.get("tags") or {}).items()]
        copy_tags = self.data.get("copy_tags", True)

        def copy(s):
            params = {"SourceDBSnapshotIdentifier": s["DBSnapshotArn"],
                      "TargetDBSnapshotIdentifier": s["DBSnapshotIdentifier"].replace(":", "-"),
                      "SourceRegion": self.manager.ctx.region}
            if self.data.get("target_key"):
                params["KmsKeyId"] = self.data["target_key"]
            if copy_tags:
                params["CopyTags"] = True
            if extra:
                # given tags replace the copied ones: add the snapshot's own back
                params["Tags"] = extra + (list(s.get("Tags") or []) if copy_tags else [])
            try:
                answer = once.named_write(self.manager, "rds", "CopyDBSnapshot", params,
                                          lambda: self.copied(client, s, params), (), target)
            except ClientError as e:
                if code_of(e) in ("DBSnapshotAlreadyExists", "DBSnapshotAlreadyExistsFault"):
                    return
                raise
            s["c7n:CopiedSnapshot"] = answer["DBSnapshot"]["DBSnapshotArn"]
        self.each(resources, copy)

    @staticmethod
    def copied(client, snapshot, params):
        """The copy a lost answer made: the target of that name, copied from ``snapshot``."""
        try:
            found = client.describe_db_snapshots(
                DBSnapshotIdentifier=params["TargetDBSnapshotIdentifier"])["DBSnapshots"]
        except ClientError as e:
            if code_of(e) in ("DBSnapshotNotFound", "DBSnapshotNotFoundFault"):
                return None
            raise
        ours = [c for c in found if c.get("SourceDBSnapshotIdentifier") in
                (None, snapshot["DBSnapshotArn"], snapshot["DBSnapshotIdentifier"])]
        return {"DBSnapshot": ours[0]} if ours else None


# -- rds-cluster --------------------------------------------------------------------------------
CLUSTER_GONE = ("DBClusterNotFoundFault", "ResourceNotFoundFault")
CLUSTER_STATE = ("InvalidDBClusterStateFault",)


class ClusterAction(Action):
    """One call per cluster; a cluster gone counts as done, one in the wrong state is
    skipped (Custodian ignores both)."""

    def call(self, method, **params):
        try:
            method(**params)
        except ClientError as e:
            if code_of(e) in CLUSTER_STATE:
                self.result.setdefault("skipped", []).append(params["DBClusterIdentifier"])
            elif code_of(e) not in CLUSTER_GONE:
                raise

    def apply(self, client, cluster):
        raise NotImplementedError

    def process(self, resources):
        client = self.manager.client()
        self.each(resources, lambda c: self.apply(client, c))
        self.manager.invalidate()


@actions.register("delete", resources=CLUSTER)
class DeleteCluster(ClusterAction):
    """DeleteDBCluster, with a final snapshot ``Final-<id>-<date>`` unless ``skip-snapshot``;
    its member instances are deleted first (without snapshots) unless
    ``delete-instances: false``."""
    schema = {"skip-snapshot": {"type": "boolean"}, "delete-instances": {"type": "boolean"}}
    permissions = ("rds:DeleteDBCluster", "rds:DeleteDBInstance")

    def apply(self, client, cluster):
        cid = cluster["DBClusterIdentifier"]
        if self.data.get("delete-instances", True):
            for member in cluster.get("DBClusterMembers") or ():
                try:
                    client.delete_db_instance(
                        DBInstanceIdentifier=member["DBInstanceIdentifier"],
                        SkipFinalSnapshot=True)
                except ClientError as e:
                    if code_of(e) not in ("DBInstanceNotFound", "DBInstanceNotFoundFault"):
                        raise
        params = {"DBClusterIdentifier": cid}
        if self.data.get("skip-snapshot", False):
            params["SkipFinalSnapshot"] = True
        else:
            params["FinalDBSnapshotIdentifier"] = snapshot_identifier(self.manager, "Final", cid)
        self.call(client.delete_db_cluster, **params)


@actions.register("stop", resources=CLUSTER)
class StopCluster(ClusterAction):
    permissions = ("rds:StopDBCluster",)

    def apply(self, client, cluster):
        self.call(client.stop_db_cluster, DBClusterIdentifier=cluster["DBClusterIdentifier"])


@actions.register("start", resources=CLUSTER)
class StartCluster(ClusterAction):
    permissions = ("rds:StartDBCluster",)

    def apply(self, client, cluster):
        self.call(client.start_db_cluster, DBClusterIdentifier=cluster["DBClusterIdentifier"])


@actions.register("snapshot", resources=CLUSTER)
class SnapshotCluster(ClusterAction):
    """CreateDBClusterSnapshot ``Backup-<id>-<date>``."""
    permissions = ("rds:CreateDBClusterSnapshot", "rds:DescribeDBClusterSnapshots")

    def apply(self, client, cluster):
        cid = cluster["DBClusterIdentifier"]
        name = snapshot_identifier(self.manager, "Backup", cid)

        def find():
            """The snapshot of that name when this run made it: of this cluster, since the
            run started."""
            try:
                found = client.describe_db_cluster_snapshots(
                    DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"]
            except ClientError as e:
                if code_of(e) == "DBClusterSnapshotNotFoundFault":
                    return None
                raise
            ours = [s for s in found if s.get("DBClusterIdentifier") == cid
                    and once.since_start(self.manager, s.get("SnapshotCreateTime"))]
            return {"DBClusterSnapshot": ours[0]} if ours else None

        def create(**params):
            return once.named_write(self.manager, "rds", "CreateDBClusterSnapshot", params,
                                    find, exists=("DBClusterSnapshotAlreadyExistsFault",))
        self.call(create, DBClusterIdentifier=cid, DBClusterSnapshotIdentifier=name)


@actions.register("delete", resources=("rds-cluster-snapshot",))
class DeleteClusterSnapshot(Action):
    permissions = ("rds:DeleteDBClusterSnapshot",)

    def process(self, resources):
        client = self.manager.client()

        def delete(s):
            try:
                client.delete_db_cluster_snapshot(
                    DBClusterSnapshotIdentifier=s["DBClusterSnapshotIdentifier"])
            except ClientError as e:
                if code_of(e) not in ("DBClusterSnapshotNotFoundFault",):
                    raise
        self.each(resources, delete)
        self.manager.invalidate()


@actions.register("delete", resources=("rds-subnet-group",))
class DeleteSubnetGroup(Action):
    permissions = ("rds:DeleteDBSubnetGroup",)

    def process(self, resources):
        client = self.manager.client()

        def delete(g):
            try:
                client.delete_db_subnet_group(DBSubnetGroupName=g["DBSubnetGroupName"])
            except ClientError as e:
                if code_of(e) not in ("DBSubnetGroupNotFoundFault",):
                    raise
        self.each(resources, delete)
        self.manager.invalidate()
