"""Secrets Manager tags: TagResource/UntagResource, one secret a call (by ARN)."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("secretsmanager")
class SecretTagger(Tagger):
    batch_size = 1
    add_permissions = ("secretsmanager:TagResource",)
    remove_permissions = ("secretsmanager:UntagResource",)

    def add(self, resources, tags):
        client = self.manager.client("secretsmanager")
        for s in resources:
            client.tag_resource(SecretId=s["ARN"], Tags=[
                {"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        client = self.manager.client("secretsmanager")
        for s in resources:
            client.untag_resource(SecretId=s["ARN"], TagKeys=list(keys))
