"""Route 53's own tag call: ChangeTagsForResource, one hosted zone per call (by its bare id)."""
from ...actions.taggers import Tagger, register_tagger
from .manager import zone_id


@register_tagger("route53")
class Route53Tagger(Tagger):
    batch_size = 1
    add_permissions = ("route53:ChangeTagsForResource",)
    remove_permissions = ("route53:ChangeTagsForResource",)

    def change(self, resource, **changes):
        self.manager.client().change_tags_for_resource(
            ResourceType="hostedzone", ResourceId=zone_id(self.manager.resource_id(resource)),
            **changes)

    def add(self, resources, tags):
        for r in resources:
            self.change(r, AddTags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        for r in resources:
            self.change(r, RemoveTagKeys=list(keys))
