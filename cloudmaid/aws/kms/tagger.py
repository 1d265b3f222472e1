"""KMS key tags: TagResource/UntagResource take one key and ``TagKey``/``TagValue`` pairs.
AWS managed keys cannot be tagged: they are skipped, as Custodian skips them."""
from ...actions.taggers import Tagger, register_tagger


def customer_keys(resources):
    return [k for k in resources if k.get("KeyManager") != "AWS"]


@register_tagger("kms")
class KmsTagger(Tagger):
    batch_size = 1
    add_permissions = ("kms:TagResource",)
    remove_permissions = ("kms:UntagResource",)

    def add(self, resources, tags):
        client = self.manager.client("kms")
        for k in customer_keys(resources):
            client.tag_resource(KeyId=k["KeyId"], Tags=[
                {"TagKey": key, "TagValue": value} for key, value in tags.items()])

    def remove(self, resources, keys, values=None):
        client = self.manager.client("kms")
        for k in customer_keys(resources):
            client.untag_resource(KeyId=k["KeyId"], TagKeys=list(keys))
