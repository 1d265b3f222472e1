"""ElastiCache's own tag calls (AddTagsToResource/RemoveTagsFromResource by ARN)."""
from ...actions.taggers import register_tagger
from ..rds.tagger import ArnTagger


@register_tagger("elasticache")
class ElastiCacheTagger(ArnTagger):
    add_op, remove_op = "add_tags_to_resource", "remove_tags_from_resource"
    add_permissions = ("elasticache:AddTagsToResource",)
    remove_permissions = ("elasticache:RemoveTagsFromResource",)
