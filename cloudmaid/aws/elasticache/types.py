"""ElastiCache's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

The listings carry no tags: one ListTagsForResource call per resource reads them (Custodian
reads them from the Resource Groups Tagging API).
"""
from ...resources.declaration import DETAIL, Detail, Get, ResourceType, Shortcut

_ARN = "arn:{partition}:elasticache:{region}:{account}:"
_TAGS = (Detail("Tags", "list_tags_for_resource", "ResourceName", "TagList", default=[],
                arn=True),)

TYPES = (
    ResourceType(
        name="cache-cluster", service="elasticache", enum_op="describe_cache_clusters",
        enum_path="CacheClusters[]", id="CacheClusterId", name_key="CacheClusterId",
        get=Get("describe_cache_clusters", "CacheClusterId", "CacheClusters[0]"),
        dimension="CacheClusterId", date="CacheClusterCreateTime", arn=_ARN + "cluster:{id}",
        arn_key="ARN",
        tags=DETAIL, details=_TAGS,
        trail={"CreateCacheCluster": Shortcut("requestParameters.cacheClusterId")},
        related={"security-group": "SecurityGroups[].SecurityGroupId"},
    ),
    ResourceType(
        name="elasticache-group", service="elasticache", enum_op="describe_replication_groups",
        enum_path="ReplicationGroups[]", id="ReplicationGroupId", name_key="ReplicationGroupId",
        get=Get("describe_replication_groups", "ReplicationGroupId", "ReplicationGroups[0]"),
        dimension="ReplicationGroupId", arn=_ARN + "replicationgroup:{id}", arn_key="ARN",
        tags=DETAIL, details=_TAGS,
        trail={"CreateReplicationGroup": Shortcut("requestParameters.replicationGroupId")},
        related={"kms-key": "KmsKeyId"},
    ),
)
