"""CloudTrail trail tags: AddTags/RemoveTags by trail ARN, in the trail's home region."""
from ...actions.taggers import Tagger, register_tagger
from .manager import home_region


@register_tagger("cloudtrail")
class TrailTagger(Tagger):
    batch_size = 1
    add_permissions = ("cloudtrail:AddTags",)
    remove_permissions = ("cloudtrail:RemoveTags",)

    def client(self, trail):
        return self.manager.client("cloudtrail", home_region(trail, self.manager.ctx.region))

    def add(self, resources, tags):
        for t in resources:
            self.client(t).add_tags(ResourceId=t["TrailARN"], TagsList=[
                {"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        values = values or {}
        for t in resources:
            self.client(t).remove_tags(ResourceId=t["TrailARN"], TagsList=[
                {"Key": k, "Value": values[k]} if k in values else {"Key": k} for k in keys])
