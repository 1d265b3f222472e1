"""The databases suite's fleet: RDS instances, snapshots and subnet groups, DynamoDB tables,
Redshift clusters, ElastiCache clusters and OpenSearch domains, some compliant and others not,
each named for what it is (the names are the ids)."""
import json

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"
OTHER = "210987654321"
PASSWORD = "parity-secret-1"


def seed(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)

    def client(service):
        return session.client(service, endpoint_url=endpoint, region_name=REGION)
    summary = {}

    ec2 = client("ec2")
    default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    own = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    rds = client("rds")
    for name, vpc, cidr in (("subnets-default", default["VpcId"], "172.31.240.0/24"),
                            ("subnets-private", own, "10.20.1.0/24"),
                            ("subnets-idle", own, "10.20.2.0/24")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=name,
                                   SubnetIds=[subnet])
    summary["rds-subnet-group"] = 3
    for name, group, public, encrypted in (("db-public", "subnets-default", True, False),
                                           ("db-private", "subnets-private", False, True),
                                           ("db-plain", "subnets-private", False, False)):
        rds.create_db_instance(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro",
                               Engine="postgres", EngineVersion="16.3", MasterUsername="maid",
                               MasterUserPassword=PASSWORD, AllocatedStorage=20,
                               DBSubnetGroupName=group, PubliclyAccessible=public,
                               StorageEncrypted=encrypted, BackupRetentionPeriod=0)
    summary["rds"] = 3
    for name in ("snap-shared", "snap-private"):
        rds.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier="db-private")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="snap-shared",
                                     AttributeName="restore", ValuesToAdd=[OTHER])
    summary["rds-snapshot"] = 2

    ddb = client("dynamodb")
    for name in ("table-pitr", "table-nopitr"):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    ddb.update_continuous_backups(TableName="table-pitr", PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    summary["dynamodb-table"] = 2

    redshift = client("redshift")
    for name, public in (("warehouse-public", True), ("warehouse-private", False)):
        redshift.create_cluster(ClusterIdentifier=name, NodeType="dc2.large",
                                MasterUsername="maid", MasterUserPassword="Parity-secret-1",
                                ClusterType="single-node", PubliclyAccessible=public)
    summary["redshift"] = 2

    cache = client("elasticache")
    for name, engine in (("cache-redis", "redis"), ("cache-memcached", "memcached")):
        cache.create_cache_cluster(CacheClusterId=name, Engine=engine, NumCacheNodes=1,
                                   CacheNodeType="cache.t3.micro")
    summary["cache-cluster"] = 2

    es = client("es")
    for name, account in (("search-shared", OTHER), ("search-private", ACCOUNT)):
        es.create_elasticsearch_domain(DomainName=name, AccessPolicies=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Sid": "access", "Effect": "Allow", "Action": "es:ESHttpGet",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Resource": f"arn:aws:es:{REGION}:{ACCOUNT}:domain/{name}/*"}]}))
    summary["elasticsearch"] = 2
    return summary
