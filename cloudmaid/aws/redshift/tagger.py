"""Redshift's own tag calls (CreateTags/DeleteTags by ARN)."""
from ...actions.taggers import register_tagger
from ..rds.tagger import ArnTagger


@register_tagger("redshift")
class RedshiftTagger(ArnTagger):
    add_op, remove_op = "create_tags", "delete_tags"
    add_permissions = ("redshift:CreateTags",)
    remove_permissions = ("redshift:DeleteTags",)
