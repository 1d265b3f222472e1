"""Tag writers for services whose tag calls name one resource by ARN (RDS, ElastiCache,
Redshift, DynamoDB, OpenSearch): the same shape, different operation and parameter names."""
from ...actions.taggers import Tagger, register_tagger


class ArnTagger(Tagger):
    """One call per resource: ``add_op(**{arn_param: arn, tags_param: [{Key, Value}]})`` and
    ``remove_op(**{arn_param: arn, keys_param: [keys]})``."""
    batch_size = 1
    add_op = remove_op = None
    arn_param = "ResourceName"
    tags_param = "Tags"
    keys_param = "TagKeys"

    def client(self):
        return self.manager.client()

    def add(self, resources, tags):
        client = self.client()
        for r in resources:
            getattr(client, self.add_op)(**{
                self.arn_param: self.manager.arn(r),
                self.tags_param: [{"Key": k, "Value": v} for k, v in tags.items()]})

    def remove(self, resources, keys, values=None):
        client = self.client()
        for r in resources:
            getattr(client, self.remove_op)(**{self.arn_param: self.manager.arn(r),
                                               self.keys_param: list(keys)})


@register_tagger("rds")
class RdsTagger(ArnTagger):
    add_op, remove_op = "add_tags_to_resource", "remove_tags_from_resource"
    add_permissions = ("rds:AddTagsToResource",)
    remove_permissions = ("rds:RemoveTagsFromResource",)
