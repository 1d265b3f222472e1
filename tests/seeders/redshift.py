"""Redshift seeders: clusters and snapshots."""
from . import seeder


def cluster(world, name, tags=None):
    params = dict(ClusterIdentifier=name, NodeType="dc2.large", MasterUsername="maid",
                  MasterUserPassword="Maid-secret-1", ClusterType="single-node")
    if tags:
        params["Tags"] = tags
    return world.client("redshift").create_cluster(**params)["Cluster"]["ClusterIdentifier"]


@seeder("redshift", "cloudtrail-redshift-create-cluster.json")
def redshift(world, label):
    return [cluster(world, label, world.tag_list(label))]


@seeder("redshift-snapshot", "cloudtrail-create-cluster-snapshot.json")
def snapshot(world, label):
    source = world.shared("redshift-source", lambda w: cluster(w, "maid-snapshot-source"))
    return [world.client("redshift").create_cluster_snapshot(
        SnapshotIdentifier=label, ClusterIdentifier=source,
        Tags=world.tag_list(label))["Snapshot"]["SnapshotIdentifier"]]
