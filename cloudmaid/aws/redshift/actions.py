"""Redshift actions with Cloud Custodian's names, keys and defaults: redshift ``delete``,
``pause``, ``resume``, ``set-public-access``, ``snapshot``; redshift-snapshot ``delete``.
One call per resource; ``Action.each`` records a failure and carries on."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from .. import once
from ..rds.actions import snapshot_identifier

CLUSTER = ("redshift",)
ID = "ClusterIdentifier"


def code_of(error):
    return error.response.get("Error", {}).get("Code", "")


class ClusterAction(Action):
    #: ClusterStatus values the action applies to (None: any); the others are skipped
    states = None

    def apply(self, client, cluster):
        raise NotImplementedError

    def process(self, resources):
        todo = [r for r in resources if self.states is None or r.get("ClusterStatus")
                in self.states]
        skipped = [r[ID] for r in resources if r not in todo]
        if skipped:
            self.result["skipped"] = skipped
        client = self.manager.client()
        self.each(todo, lambda c: self.apply(client, c))
        self.manager.invalidate()


@actions.register("delete", resources=CLUSTER)
class Delete(ClusterAction):
    """DeleteCluster, with a final snapshot ``Final-<id>-<date>`` unless ``skip-snapshot``;
    a cluster not in a deletable state is skipped (as in Custodian)."""
    schema = {"skip-snapshot": {"type": "boolean"}}
    permissions = ("redshift:DeleteCluster",)

    def apply(self, client, cluster):
        params = {ID: cluster[ID]}
        if self.data.get("skip-snapshot", False):
            params["SkipFinalClusterSnapshot"] = True
        else:
            params["FinalClusterSnapshotIdentifier"] = snapshot_identifier(
                self.manager, "Final", cluster[ID])
        try:
            client.delete_cluster(**params)
        except ClientError as e:
            if code_of(e) not in ("InvalidClusterState", "InvalidClusterStateFault"):
                raise
            self.result.setdefault("skipped", []).append(cluster[ID])


@actions.register("pause", resources=CLUSTER)
class Pause(ClusterAction):
    """PauseCluster on available clusters."""
    states = ("available",)
    permissions = ("redshift:PauseCluster",)

    def apply(self, client, cluster):
        client.pause_cluster(ClusterIdentifier=cluster[ID])


@actions.register("resume", resources=CLUSTER)
class Resume(ClusterAction):
    """ResumeCluster on paused clusters."""
    states = ("paused",)
    permissions = ("redshift:ResumeCluster",)

    def apply(self, client, cluster):
        client.resume_cluster(ClusterIdentifier=cluster[ID])


@actions.register("set-public-access", resources=CLUSTER)
class SetPublicAccess(ClusterAction):
    """PubliclyAccessible set to ``state`` (default false)."""
    schema = {"state": {"type": "boolean"}}
    permissions = ("redshift:ModifyCluster",)

    def apply(self, client, cluster):
        client.modify_cluster(ClusterIdentifier=cluster[ID],
                              PubliclyAccessible=self.data.get("state", False))


@actions.register("snapshot", resources=CLUSTER)
class Snapshot(ClusterAction):
    """CreateClusterSnapshot ``Backup-<id>-<date>``, tagged with the cluster's tags."""
    permissions = ("redshift:CreateClusterSnapshot", "redshift:CreateTags",
                   "redshift:DescribeClusterSnapshots")

    def apply(self, client, cluster):
        params = {"SnapshotIdentifier": snapshot_identifier(self.manager, "Backup",
                                                            cluster[ID]),
                  ID: cluster[ID]}
        tags = [t for t in cluster.get("Tags") or () if not t["Key"].startswith("aws:")]
        mark = once.marker(self.manager, cluster[ID])
        if len(tags) < 50:     # the mark tells this run's snapshot from another's
            tags = tags + [mark]
        if tags:
            params["Tags"] = tags

        def find():
            try:
                found = client.describe_cluster_snapshots(
                    SnapshotIdentifier=params["SnapshotIdentifier"])["Snapshots"]
            except ClientError as e:
                if code_of(e) in ("ClusterSnapshotNotFound", "ClusterSnapshotNotFoundFault"):
                    return None
                raise
            ours = [s for s in found if once.has_marker(s, mark)]
            return {"Snapshot": ours[0]} if ours else None
        once.named_write(self.manager, "redshift", "CreateClusterSnapshot", params, find,
                         exists=("ClusterSnapshotAlreadyExists",
                                 "ClusterSnapshotAlreadyExistsFault"))
        self.result.setdefault("snapshots", []).append(params["SnapshotIdentifier"])


@actions.register("delete", resources=("redshift-snapshot",))
class DeleteSnapshot(Action):
    """DeleteClusterSnapshot; a snapshot gone counts as done."""
    permissions = ("redshift:DeleteClusterSnapshot",)

    def process(self, resources):
        client = self.manager.client()

        def delete(s):
            try:
                client.delete_cluster_snapshot(SnapshotIdentifier=s["SnapshotIdentifier"],
                                               SnapshotClusterIdentifier=s[ID])
            except ClientError as e:
                if code_of(e) not in ("ClusterSnapshotNotFound",
                                      "ClusterSnapshotNotFoundFault"):
                    raise
        self.each(resources, delete)
        self.manager.invalidate()
