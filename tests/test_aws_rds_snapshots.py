"""RDS snapshots, clusters, cluster snapshots and subnet groups against moto."""
import boto3
import pytest

from .test_aws_rds import PASSWORD, db, matched, problems, run


@pytest.fixture
def rds(aws):
    return boto3.client("rds", region_name="us-east-1")


def snapshot(rds, name, source="src", **kw):
    if not rds.describe_db_instances(Filters=[{"Name": "db-instance-id",
                                               "Values": [source]}])["DBInstances"]:
        db(rds, source)
    return rds.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier=source,
                                  **kw)["DBSnapshot"]


def manual(rds):
    return sorted(s["DBSnapshotIdentifier"].lower()
                  for s in rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"])


def restore(rds, name):
    attrs = rds.describe_db_snapshot_attributes(DBSnapshotIdentifier=name)[
        "DBSnapshotAttributesResult"]["DBSnapshotAttributes"]
    return sorted(next((a["AttributeValues"] for a in attrs
                        if a["AttributeName"] == "restore"), []))


def test_delete_removes_manual_snapshots_only(ctx, rds):
    snapshot(rds, "m1")
    meta = run(ctx, [{"SnapshotType": "manual"}], ["delete"], resource="rds-snapshot")
    assert meta["actions"][0]["succeeded"] == 1 and manual(rds) == []
    ctx.cache.clear()
    meta = run(ctx, [{"SnapshotType": "automated"}], ["delete"], resource="rds-snapshot")
    assert meta["actions"][0]["succeeded"] == 0 and meta["actions"][0].get("skipped")


def test_cross_account_and_set_permissions(ctx, rds):
    snapshot(rds, "shared")
    snapshot(rds, "private")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="shared", AttributeName="restore",
                                     ValuesToAdd=["111122223333", "444455556666"])
    found = matched(ctx, [{"type": "cross-account", "whitelist": ["444455556666"]}],
                    "rds-snapshot")
    assert [(r["DBSnapshotIdentifier"], r["c7n:CrossAccountViolations"]) for r in found] == \
        [("shared", ["111122223333"])]
    run(ctx, [{"type": "cross-account", "whitelist": ["444455556666"]}],
        [{"type": "set-permissions", "remove": "matched"}], resource="rds-snapshot")
    assert restore(rds, "shared") == ["444455556666"]
    ctx.cache.clear()
    run(ctx, [{"DBSnapshotIdentifier": "private"}],
        [{"type": "set-permissions", "add": ["777788889999"]}], resource="rds-snapshot")
    assert restore(rds, "private") == ["777788889999"]
    ctx.cache.clear()
    run(ctx, [{"DBSnapshotIdentifier": "shared"}], ["set-permissions"], resource="rds-snapshot")
    assert restore(rds, "shared") == []   # the default removes every account


def test_region_copy_copies_with_tags(ctx, rds):
    snapshot(rds, "dr", Tags=[{"Key": "app", "Value": "orders"}])
    meta = run(ctx, [{"DBSnapshotIdentifier": "dr"}],
               [{"type": "region-copy", "target_region": "us-west-2",
                 "tags": {"OriginRegion": "us-east-1"}}], resource="rds-snapshot")
    assert meta["actions"][0]["succeeded"] == 1, meta["actions"]
    west = boto3.client("rds", region_name="us-west-2")
    [copy] = west.describe_db_snapshots()["DBSnapshots"]
    assert copy["DBSnapshotIdentifier"].lower() == "dr"
    assert problems({"type": "region-copy"}, "rds-snapshot")


def test_latest_and_instance_filters(ctx, rds):
    snapshot(rds, "first", source="a")
    snapshot(rds, "second", source="a")
    snapshot(rds, "orphan", source="b")
    rds.delete_db_instance(DBInstanceIdentifier="b", SkipFinalSnapshot=True)
    latest = matched(ctx, [{"SnapshotType": "manual"}, {"type": "latest"}], "rds-snapshot")
    assert sorted(r["DBSnapshotIdentifier"] for r in latest) == ["orphan", "second"]
    orphans = matched(ctx, [{"SnapshotType": "manual"},
                            {"type": "instance", "value_type": "resource_count", "value": 0}],
                      "rds-snapshot")
    assert [r["DBSnapshotIdentifier"] for r in orphans] == ["orphan"]
    of_pg = matched(ctx, [{"type": "instance", "key": "Engine", "value": "postgres"}],
                    "rds-snapshot")
    assert {r["DBInstanceIdentifier"] for r in of_pg} == {"a"}


def test_subnet_group_unused_and_delete(ctx, rds, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    for i, name in enumerate(("used", "idle")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24")["Subnet"]["SubnetId"]
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=name,
                                   SubnetIds=[subnet])
    db(rds, "user", DBSubnetGroupName="used")
    assert [g["DBSubnetGroupName"] for g in matched(ctx, ["unused"], "rds-subnet-group")] == \
        ["idle"]
    run(ctx, ["unused"], ["delete"], resource="rds-subnet-group")
    assert [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]] \
        == ["used"]


def cluster(rds, name):
    rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql",
                          MasterUsername="maid", MasterUserPassword=PASSWORD)


def test_cluster_snapshot_and_delete_with_final_snapshot(ctx, rds):
    cluster(rds, "c1")
    cluster(rds, "c2")
    meta = run(ctx, [{"DBClusterIdentifier": "c1"}], ["snapshot"], resource="rds-cluster")
    assert meta["actions"][0]["succeeded"] == 1
    ctx.cache.clear()
    run(ctx, [{"DBClusterIdentifier": "c1"}], ["delete"], resource="rds-cluster")
    run(ctx, [{"DBClusterIdentifier": "c2"}], [{"type": "delete", "skip-snapshot": True}],
        resource="rds-cluster")
    assert rds.describe_db_clusters()["DBClusters"] == []
    names = sorted(s["DBClusterSnapshotIdentifier"].lower() for s in
                   rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]
                   if s["SnapshotType"] == "manual")
    assert [n.split("-c1-")[0] for n in names] == ["backup", "final"]


def test_cluster_snapshot_delete(ctx, rds):
    cluster(rds, "c3")
    rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="cs1", DBClusterIdentifier="c3")
    run(ctx, [{"DBClusterSnapshotIdentifier": "cs1"}], ["delete"],
        resource="rds-cluster-snapshot")
    assert [s["DBClusterSnapshotIdentifier"] for s in
            rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]
            if s["SnapshotType"] == "manual"] == []


def test_set_permissions_matched_needs_cross_account():
    found = problems({"type": "set-permissions", "remove": "matched"}, "rds-snapshot")
    assert any("cross-account" in m for _, m, _ in found), found
    from cloudmaid.validate import PolicyChecker
    assert not PolicyChecker({"name": "p", "resource": "rds-snapshot",
                              "filters": [{"type": "cross-account"}],
                              "actions": [{"type": "set-permissions",
                                           "remove": "matched"}]}).run()
