"""Classic ELB's own tag calls: AddTags/RemoveTags by load balancer name (20 per call)."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("elb")
class ElbTagger(Tagger):
    batch_size = 20
    add_permissions = ("elasticloadbalancing:AddTags",)
    remove_permissions = ("elasticloadbalancing:RemoveTags",)

    def names(self, resources):
        return [r["LoadBalancerName"] for r in resources]

    def add(self, resources, tags):
        self.manager.client().add_tags(
            LoadBalancerNames=self.names(resources),
            Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        # RemoveTags deletes a key whatever its value (the API takes no value)
        self.manager.client().remove_tags(
            LoadBalancerNames=self.names(resources), Tags=[{"Key": k} for k in keys])
