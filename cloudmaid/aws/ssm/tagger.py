"""SSM parameter tags: AddTagsToResource/RemoveTagsFromResource, one parameter a call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("ssm")
class SsmTagger(Tagger):
    batch_size = 1
    add_permissions = ("ssm:AddTagsToResource",)
    remove_permissions = ("ssm:RemoveTagsFromResource",)

    def add(self, resources, tags):
        client = self.manager.client("ssm")
        for p in resources:
            client.add_tags_to_resource(ResourceType="Parameter", ResourceId=p["Name"], Tags=[
                {"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        client = self.manager.client("ssm")
        for p in resources:
            client.remove_tags_from_resource(ResourceType="Parameter", ResourceId=p["Name"],
                                             TagKeys=list(keys))
