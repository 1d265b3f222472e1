"""Redshift clusters and snapshots against moto: the actions and filters."""
import boto3
import pytest

from cloudmaid.aws.once import MARKER

from .test_aws_rds import matched, run


@pytest.fixture
def rs(aws):
    return boto3.client("redshift", region_name="us-east-1")


def cluster(rs, name, **kw):
    rs.create_cluster(ClusterIdentifier=name, NodeType="dc2.large", MasterUsername="maid",
                      MasterUserPassword="Maid-secret-1", ClusterType="single-node", **kw)


def status(rs, name):
    return rs.describe_clusters(ClusterIdentifier=name)["Clusters"][0]


def test_pause_skips_paused_and_resume_resumes(ctx, rs):
    cluster(rs, "a")
    cluster(rs, "b")
    rs.pause_cluster(ClusterIdentifier="b")
    meta = run(ctx, actions=["pause"], resource="redshift")
    assert meta["actions"][0]["succeeded"] == 1 and meta["actions"][0]["skipped"] == ["b"]
    assert status(rs, "a")["ClusterStatus"] == "paused"
    ctx.cache.clear()
    meta = run(ctx, [{"ClusterIdentifier": "b"}], ["resume"], resource="redshift")
    assert meta["actions"][0]["succeeded"] == 1
    assert status(rs, "b")["ClusterStatus"] == "available"


def test_snapshot_copies_tags_and_delete_takes_a_final_snapshot(ctx, rs):
    cluster(rs, "c", Tags=[{"Key": "app", "Value": "bi"}])
    meta = run(ctx, actions=["snapshot"], resource="redshift")
    [name] = meta["actions"][0]["snapshots"]
    assert name.startswith("Backup-c-")
    snaps = {s["SnapshotIdentifier"]: s for s in rs.describe_cluster_snapshots()["Snapshots"]}
    assert [t for t in snaps[name]["Tags"] if t["Key"] != MARKER] == [{"Key": "app", "Value": "bi"}]
    calls = []
    ctx.session_factory.client("redshift").meta.events.register(
        "provide-client-params.redshift.DeleteCluster", lambda params, **kw: calls.append(params))
    ctx.cache.clear()
    run(ctx, actions=["delete"], resource="redshift")
    assert rs.describe_clusters()["Clusters"] == []
    [call] = calls   # moto takes no final snapshot: the request says to
    assert call["FinalClusterSnapshotIdentifier"].startswith("Final-c-")


def test_set_public_access_and_snapshot_delete(ctx, rs):
    cluster(rs, "pub", PubliclyAccessible=True)
    run(ctx, actions=["set-public-access"], resource="redshift")
    assert status(rs, "pub")["PubliclyAccessible"] is False
    rs.create_cluster_snapshot(SnapshotIdentifier="old", ClusterIdentifier="pub")
    young = [{"SnapshotType": "manual"}, {"type": "age", "days": 30, "op": "lt"}]
    assert [s["SnapshotIdentifier"] for s in matched(ctx, young, "redshift-snapshot")] == ["old"]
    assert matched(ctx, [{"type": "age", "days": 30}], "redshift-snapshot") == []
    run(ctx, [{"SnapshotIdentifier": "old"}], ["delete"], resource="redshift-snapshot")
    assert "old" not in [s["SnapshotIdentifier"] for s in
                         rs.describe_cluster_snapshots()["Snapshots"]]


def test_default_vpc(ctx, rs, ec2):
    cluster(rs, "classic")
    assert matched(ctx, ["default-vpc"], "redshift") == []   # no VpcId: not in the default VPC
