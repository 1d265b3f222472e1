"""Redshift's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

Clusters and snapshots carry their tags inline; DescribeClusters and
DescribeClusterSnapshots take one identifier, so get-by-ids is one call per id.
"""
from ...resources.declaration import Get, ResourceType, Shortcut

_ARN = "arn:{partition}:redshift:{region}:{account}:"

TYPES = (
    ResourceType(
        name="redshift", service="redshift", enum_op="describe_clusters", enum_path="Clusters[]",
        id="ClusterIdentifier", name_key="ClusterIdentifier",
        get=Get("describe_clusters", "ClusterIdentifier", "Clusters[0]"),
        date="ClusterCreateTime", arn=_ARN + "cluster:{id}", dimension="ClusterIdentifier",
        config_type="AWS::Redshift::Cluster",
        trail={"CreateCluster": Shortcut("requestParameters.clusterIdentifier")},
        related={"security-group": "VpcSecurityGroups[].VpcSecurityGroupId",
                 "kms-key": "KmsKeyId"},
    ),
    ResourceType(
        # the ARN names the cluster too (snapshot:<cluster>/<snapshot>): SnapshotArn
        name="redshift-snapshot", service="redshift", enum_op="describe_cluster_snapshots",
        enum_path="Snapshots[]", id="SnapshotIdentifier", name_key="SnapshotIdentifier",
        get=Get("describe_cluster_snapshots", "SnapshotIdentifier", "Snapshots[0]"),
        date="SnapshotCreateTime", arn=_ARN + "snapshot:{id}", arn_key="SnapshotArn",
        config_type="AWS::Redshift::ClusterSnapshot",
        trail={"CreateClusterSnapshot": Shortcut("requestParameters.snapshotIdentifier")},
    ),
)
