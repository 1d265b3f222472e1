"""RDS's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

Instances, clusters and their snapshots carry their tags inline (``TagList``, renamed
``Tags`` as Custodian does); a subnet group's are one ListTagsForResource call each. The
describe calls take one identifier, so get-by-ids uses their ``Filters`` (manager.py).
"""
from ...resources.declaration import DETAIL, Detail, Get, ParamsQuery, ResourceType, Shortcut

_ARN = "arn:{partition}:rds:{region}:{account}:"
#: ``VpcSecurityGroups``: instances and clusters
_GROUPS = "VpcSecurityGroups[].VpcSecurityGroupId"

TYPES = (
    ResourceType(
        name="rds", service="rds", enum_op="describe_db_instances", enum_path="DBInstances[]",
        id="DBInstanceIdentifier", id_filter="db-instance-id", date="InstanceCreateTime",
        dimension="DBInstanceIdentifier",
        arn=_ARN + "db:{id}", arn_key="DBInstanceArn", tags="TagList",
        config_type="AWS::RDS::DBInstance",
        trail={"CreateDBInstance": Shortcut("requestParameters.dBInstanceIdentifier")},
        report=("DBInstanceIdentifier", "DBName", "Engine", "EngineVersion", "MultiAZ",
                "AllocatedStorage", "StorageEncrypted", "PubliclyAccessible",
                "InstanceCreateTime"),
        related={"security-group": _GROUPS,
                 "subnet": "DBSubnetGroup.Subnets[].SubnetIdentifier",
                 "vpc": "DBSubnetGroup.VpcId", "kms-key": "KmsKeyId"},
        query=ParamsQuery("DescribeDBInstances"),
    ),
    ResourceType(
        name="rds-snapshot", service="rds", enum_op="describe_db_snapshots",
        enum_path="DBSnapshots[]", id="DBSnapshotIdentifier", name_key="DBSnapshotIdentifier",
        id_filter="db-snapshot-id", date="SnapshotCreateTime", arn=_ARN + "snapshot:{id}",
        arn_key="DBSnapshotArn", tags="TagList", config_type="AWS::RDS::DBSnapshot",
        trail={"CreateDBSnapshot": Shortcut("requestParameters.dBSnapshotIdentifier")},
        related={"kms-key": "KmsKeyId"},
    ),
    ResourceType(
        name="rds-cluster", service="rds", enum_op="describe_db_clusters",
        enum_path="DBClusters[]", id="DBClusterIdentifier", name_key="DBClusterIdentifier",
        id_filter="db-cluster-id", arn=_ARN + "cluster:{id}", arn_key="DBClusterArn",
        dimension="DBClusterIdentifier",
        tags="TagList", config_type="AWS::RDS::DBCluster",
        trail={"CreateDBCluster": Shortcut("requestParameters.dBClusterIdentifier")},
        related={"security-group": _GROUPS, "kms-key": "KmsKeyId"},
    ),
    ResourceType(
        name="rds-cluster-snapshot", service="rds", enum_op="describe_db_cluster_snapshots",
        enum_path="DBClusterSnapshots[]", id="DBClusterSnapshotIdentifier",
        name_key="DBClusterSnapshotIdentifier", id_filter="db-cluster-snapshot-id",
        date="SnapshotCreateTime", arn=_ARN + "cluster-snapshot:{id}",
        arn_key="DBClusterSnapshotArn", tags="TagList",
        config_type="AWS::RDS::DBClusterSnapshot",
        trail={"CreateDBClusterSnapshot":
               Shortcut("requestParameters.dBClusterSnapshotIdentifier")},
    ),
    ResourceType(
        # DescribeDBSubnetGroups has no working Filters: get-by-ids is one call per name
        name="rds-subnet-group", service="rds", enum_op="describe_db_subnet_groups",
        enum_path="DBSubnetGroups[]", id="DBSubnetGroupName", name_key="DBSubnetGroupName",
        get=Get("describe_db_subnet_groups", "DBSubnetGroupName", "DBSubnetGroups[0]"),
        arn=_ARN + "subgrp:{id}", arn_key="DBSubnetGroupArn", tags=DETAIL,
        details=(Detail("Tags", "list_tags_for_resource", "ResourceName", "TagList",
                        default=[], arn=True),),
        config_type="AWS::RDS::DBSubnetGroup",
        trail={"CreateDBSubnetGroup": Shortcut("requestParameters.dBSubnetGroupName")},
    ),
)
