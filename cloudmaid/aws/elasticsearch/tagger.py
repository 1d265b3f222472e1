"""OpenSearch's own tag calls (AddTags/RemoveTags by ARN)."""
from ...actions.taggers import register_tagger
from ..rds.tagger import ArnTagger


@register_tagger("es")
class EsTagger(ArnTagger):
    add_op, remove_op = "add_tags", "remove_tags"
    arn_param, tags_param = "ARN", "TagList"
    add_permissions = ("es:AddTags",)
    remove_permissions = ("es:RemoveTags",)
