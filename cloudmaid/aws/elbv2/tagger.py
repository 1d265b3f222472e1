"""ELBv2's own tag calls: AddTags/RemoveTags by ARN (20 per call), for load balancers and
target groups."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("elbv2")
class Elbv2Tagger(Tagger):
    batch_size = 20
    add_permissions = ("elasticloadbalancing:AddTags",)
    remove_permissions = ("elasticloadbalancing:RemoveTags",)

    def arns(self, resources):
        return [self.manager.resource_id(r) for r in resources]

    def add(self, resources, tags):
        self.manager.client().add_tags(
            ResourceArns=self.arns(resources),
            Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        # RemoveTags deletes a key whatever its value (the API takes no value)
        self.manager.client().remove_tags(ResourceArns=self.arns(resources), TagKeys=list(keys))
