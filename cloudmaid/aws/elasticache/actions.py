"""ElastiCache actions with Cloud Custodian's names, keys and defaults: cache-cluster
``delete``, elasticache-group ``delete``. Members of a global datastore are skipped."""
import re

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ..rds.actions import snapshot_identifier

#: node types that cannot snapshot
NO_SNAPSHOT_NODES = re.compile("cache.t1")
GROUP_GONE = ("ReplicationGroupNotFoundFault",)


def code_of(error):
    return error.response.get("Error", {}).get("Code", "")


def can_snapshot(cluster):
    return cluster.get("Engine") != "memcached" and \
        not NO_SNAPSHOT_NODES.match(cluster.get("CacheNodeType") or "")


def global_groups(groups):
    return {g["ReplicationGroupId"] for g in groups
            if (g.get("GlobalReplicationGroupInfo") or {}).get("GlobalReplicationGroupId")}


@actions.register("delete", resources=("cache-cluster",))
class DeleteCluster(Action):
    """DeleteCacheCluster, with a final snapshot ``Final-<id>-<date>`` (where the engine and
    node type allow one) unless ``skip-snapshot``. A member of a replication group deletes its
    group instead, and only when every member of the group is being deleted."""
    schema = {"skip-snapshot": {"type": "boolean"}}
    permissions = ("elasticache:DeleteCacheCluster", "elasticache:DeleteReplicationGroup",
                   "elasticache:DescribeReplicationGroups")

    def process(self, resources):
        from ...resources.manager import ResourceManager
        client = self.manager.client()
        skip = self.data.get("skip-snapshot", False)
        groups = ResourceManager.for_type(self.manager.ctx, "elasticache-group")
        in_global = global_groups(groups.resources()) if any(
            r.get("ReplicationGroupId") for r in resources) else set()
        skipped = [r["CacheClusterId"] for r in resources
                   if r.get("ReplicationGroupId") in in_global]
        alone = [r for r in resources if not r.get("ReplicationGroupId")]
        members = {}
        for r in resources:
            if r.get("ReplicationGroupId") and r["CacheClusterId"] not in skipped:
                members.setdefault(r["ReplicationGroupId"], []).append(r)

        def delete(cluster):
            params = {"CacheClusterId": cluster["CacheClusterId"]}
            if can_snapshot(cluster) and not skip:
                params["FinalSnapshotIdentifier"] = snapshot_identifier(
                    self.manager, "Final", cluster["CacheClusterId"])
            try:
                client.delete_cache_cluster(**params)
            except ClientError as e:
                if code_of(e) != "CacheClusterNotFound":
                    raise
        self.each(alone, delete)
        deleting = {r["CacheClusterId"] for r in resources}
        for group_id, clusters in sorted(members.items()):
            try:
                group = client.describe_replication_groups(
                    ReplicationGroupId=group_id)["ReplicationGroups"][0]
                if not set(group.get("MemberClusters") or ()) <= deleting:
                    for c in clusters:   # Custodian's notice: the members kept the group
                        c["MemberClusters"] = group.get("MemberClusters")
                    skipped.extend(c["CacheClusterId"] for c in clusters)
                    continue
                params = {"ReplicationGroupId": group_id, "RetainPrimaryCluster": False}
                if not skip:
                    params["FinalSnapshotIdentifier"] = snapshot_identifier(
                        self.manager, "Final", group_id)
                client.delete_replication_group(**params)
                self.result["succeeded"] += len(clusters)
            except ClientError as e:
                if code_of(e) in GROUP_GONE:
                    self.result["succeeded"] += len(clusters)
                    continue
                for c in clusters:
                    self.fail(c, e)
        if skipped:
            self.result["skipped"] = skipped
        self.manager.invalidate()
        groups.invalidate()


@actions.register("delete", resources=("elasticache-group",))
class DeleteGroup(Action):
    """DeleteReplicationGroup of available groups not in a global datastore; ``snapshot:
    true`` takes a final snapshot ``<id>-snapshot`` (default: none)."""
    schema = {"snapshot": {"type": "boolean"}}
    permissions = ("elasticache:DeleteReplicationGroup",)

    def process(self, resources):
        in_global = global_groups(resources)
        todo = [r for r in resources
                if r.get("Status") == "available" and r["ReplicationGroupId"] not in in_global]
        skipped = [r["ReplicationGroupId"] for r in resources if r not in todo]
        if skipped:
            self.result["skipped"] = skipped
        client = self.manager.client()

        def delete(group):
            params = {"ReplicationGroupId": group["ReplicationGroupId"]}
            if self.data.get("snapshot", False):
                params["FinalSnapshotIdentifier"] = group["ReplicationGroupId"] + "-snapshot"
            try:
                client.delete_replication_group(**params)
            except ClientError as e:
                if code_of(e) not in GROUP_GONE:
                    raise
        self.each(todo, delete)
        self.manager.invalidate()
