"""ElastiCache seeders: cache clusters and replication groups."""
from . import seeder


@seeder("cache-cluster", "cloudtrail-create-cache-cluster.json")
def cache_cluster(world, label):
    return [world.client("elasticache").create_cache_cluster(
        CacheClusterId=label, Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1,
        Tags=world.tag_list(label))["CacheCluster"]["CacheClusterId"]]


@seeder("elasticache-group", "cloudtrail-create-replication-group.json")
def replication_group(world, label):
    return [world.client("elasticache").create_replication_group(
        ReplicationGroupId=label, ReplicationGroupDescription=label, Engine="redis",
        CacheNodeType="cache.t3.micro",
        Tags=world.tag_list(label))["ReplicationGroup"]["ReplicationGroupId"]]
