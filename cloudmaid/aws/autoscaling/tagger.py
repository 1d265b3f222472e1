"""Auto Scaling group tags: CreateOrUpdateTags / DeleteTags, several groups per call.

A new tag does not propagate to new instances (``PropagateAtLaunch: false``) and an existing
one keeps its setting, unless the action says (the asg ``tag`` action's ``propagate``, which
sets it on every tag written; Custodian also resets existing tags to false without it).
"""
from ...actions.taggers import Tagger, register_tagger

GROUP = "auto-scaling-group"


def tag_item(group, key, value=None, propagate=False):
    item = {"ResourceId": group["AutoScalingGroupName"], "ResourceType": GROUP, "Key": key}
    if value is not None:
        item.update(Value=value, PropagateAtLaunch=propagate)
    return item


def propagates(group, key):
    return any(t.get("Key") == key and t.get("PropagateAtLaunch")
               for t in group.get("Tags") or ())


@register_tagger("autoscaling")
class AutoScalingTagger(Tagger):
    batch_size = 20
    add_permissions = ("autoscaling:CreateOrUpdateTags",)
    remove_permissions = ("autoscaling:DeleteTags",)
    #: PropagateAtLaunch of the tags written; None: new tags false, existing ones unchanged
    propagate = None

    def client(self):
        return self.manager.client("autoscaling")

    def add(self, resources, tags):
        self.client().create_or_update_tags(Tags=[
            tag_item(g, k, v, propagates(g, k) if self.propagate is None else self.propagate)
            for g in resources for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        self.client().delete_tags(Tags=[tag_item(g, k) for g in resources for k in keys])

