"""RDS seeders: instances, snapshots, clusters, cluster snapshots, subnet groups."""
from . import ZONE, action_options, seeder

PASSWORD = "maid-secret-1"


def rds_vpc(world):
    """A VPC of the RDS seeds' own, so their subnets conflict with no other seeder's."""
    return world.shared("rds-vpc", lambda w: w.ec2.create_vpc(CidrBlock="10.77.0.0/16")
                        ["Vpc"]["VpcId"])


def subnet_group(world):
    ec2 = world.ec2
    subnets = [ec2.create_subnet(VpcId=rds_vpc(world), CidrBlock=cidr, AvailabilityZone=zone)
               ["Subnet"]["SubnetId"]
               for cidr, zone in (("10.77.255.0/28", ZONE), ("10.77.255.16/28", "us-east-1b"))]
    world.client("rds").create_db_subnet_group(
        DBSubnetGroupName="maid-rds-subnets", DBSubnetGroupDescription="maid",
        SubnetIds=subnets)
    return "maid-rds-subnets"


def db_instance(world, name, tags=None, **extra):
    params = dict(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
                  EngineVersion="16.3", MasterUsername="maid", MasterUserPassword=PASSWORD,
                  AllocatedStorage=20, BackupRetentionPeriod=1,
                  DBSubnetGroupName=world.shared("rds-subnets", subnet_group))
    if tags:
        params["Tags"] = tags
    return world.client("rds").create_db_instance(**{**params, **extra})["DBInstance"]


@seeder("rds", "cloudtrail-create-db-instance.json")
def instance(world, label):
    return [db_instance(world, label, world.tag_list(label))["DBInstanceIdentifier"]]


@seeder("rds-snapshot", "cloudtrail-create-db-snapshot.json")
def snapshot(world, label):
    source = world.shared("rds-source", lambda w: db_instance(w, "maid-snapshot-source")
                          ["DBInstanceIdentifier"])
    return [world.client("rds").create_db_snapshot(
        DBSnapshotIdentifier=label, DBInstanceIdentifier=source,
        Tags=world.tag_list(label))["DBSnapshot"]["DBSnapshotIdentifier"]]


def db_cluster(world, name, tags=None):
    params = dict(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="maid",
                  MasterUserPassword=PASSWORD)
    if tags:
        params["Tags"] = tags
    return world.client("rds").create_db_cluster(**params)["DBCluster"]["DBClusterIdentifier"]


@seeder("rds-cluster", "cloudtrail-create-db-cluster.json")
def cluster(world, label):
    return [db_cluster(world, label, world.tag_list(label))]


@seeder("rds-cluster-snapshot", "cloudtrail-create-db-cluster-snapshot.json")
def cluster_snapshot(world, label):
    source = world.shared("rds-cluster-source", lambda w: db_cluster(w, "maid-cluster-source"))
    return [world.client("rds").create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier=label, DBClusterIdentifier=source,
        Tags=world.tag_list(label))["DBClusterSnapshot"]["DBClusterSnapshotIdentifier"]]


@seeder("rds-subnet-group", "cloudtrail-create-db-subnet-group.json")
def db_subnet_group(world, label):
    n = world.number(label)
    subnet = world.ec2.create_subnet(VpcId=rds_vpc(world), CidrBlock=f"10.77.{n // 16 % 255}."
                                     f"{n % 16 * 16}/28", AvailabilityZone=ZONE)
    return [world.client("rds").create_db_subnet_group(
        DBSubnetGroupName=label, DBSubnetGroupDescription=label,
        SubnetIds=[subnet["Subnet"]["SubnetId"]],
        Tags=world.tag_list(label))["DBSubnetGroup"]["DBSubnetGroupName"]]


action_options("rds", {
    "resize": {"percent": 10},
    "retention": {"days": 7},
    "modify-db": {"update": [{"property": "CopyTagsToSnapshot", "value": True}]},
})
action_options("rds-snapshot", {
    "set-permissions": {"add": ["111122223333"]},
    "region-copy": {"target_region": "us-west-2"},
})
