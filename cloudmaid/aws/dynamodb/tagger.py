"""DynamoDB's own tag calls (TagResource/UntagResource by ARN)."""
from ...actions.taggers import register_tagger
from ..rds.tagger import ArnTagger


@register_tagger("dynamodb")
class DynamoDbTagger(ArnTagger):
    add_op, remove_op = "tag_resource", "untag_resource"
    arn_param = "ResourceArn"
    add_permissions = ("dynamodb:TagResource",)
    remove_permissions = ("dynamodb:UntagResource",)
