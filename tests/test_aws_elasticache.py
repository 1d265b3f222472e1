"""ElastiCache clusters and replication groups against moto: tags by ARN, the deletes."""
import boto3
import pytest

from cloudmaid.resources.manager import ResourceManager

from .test_aws_rds import run


@pytest.fixture
def ec(aws):
    return boto3.client("elasticache", region_name="us-east-1")


def test_cluster_tags_and_delete_with_final_snapshot(ctx, ec):
    ec.create_cache_cluster(CacheClusterId="redis1", Engine="redis", NumCacheNodes=1,
                            CacheNodeType="cache.t3.micro", Tags=[{"Key": "a", "Value": "1"}])
    ec.create_cache_cluster(CacheClusterId="memc1", Engine="memcached", NumCacheNodes=1,
                            CacheNodeType="cache.t3.micro")
    m = ResourceManager.for_type(ctx, "cache-cluster")
    found = {r["CacheClusterId"]: r for r in m.resources()}
    m.ensure_details(list(found.values()), {"Tags"})
    assert found["redis1"]["Tags"] == [{"Key": "a", "Value": "1"}]
    calls = []
    ctx.session_factory.client("elasticache").meta.events.register(
        "provide-client-params.elasticache.DeleteCacheCluster",
        lambda params, **kw: calls.append(params))
    meta = run(ctx, actions=["delete"], resource="cache-cluster")
    assert meta["actions"][0]["succeeded"] == 2
    by_id = {c["CacheClusterId"]: c for c in calls}
    assert by_id["redis1"]["FinalSnapshotIdentifier"].startswith("Final-redis1-")
    assert "FinalSnapshotIdentifier" not in by_id["memc1"]    # memcached cannot snapshot
    assert {c["CacheClusterStatus"] for c in ec.describe_cache_clusters()["CacheClusters"]} \
        == {"deleting"}


def test_replication_group_delete(ctx, ec):
    ec.create_replication_group(ReplicationGroupId="rg1", ReplicationGroupDescription="d",
                                Engine="redis", CacheNodeType="cache.t3.micro")
    meta = run(ctx, actions=[{"type": "delete", "snapshot": False}],
               resource="elasticache-group")
    assert meta["actions"][0]["succeeded"] == 1
    [group] = ec.describe_replication_groups()["ReplicationGroups"]
    assert group["Status"] == "deleting"
