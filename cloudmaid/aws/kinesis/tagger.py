"""Kinesis stream tags: AddTagsToStream/RemoveTagsFromStream, one stream per call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("kinesis")
class KinesisTagger(Tagger):
    add_permissions = ("kinesis:AddTagsToStream",)
    remove_permissions = ("kinesis:RemoveTagsFromStream",)

    def add(self, resources, tags):
        for r in resources:
            self.manager.client().add_tags_to_stream(StreamName=r["StreamName"], Tags=dict(tags))

    def remove(self, resources, keys, values=None):
        for r in resources:
            self.manager.client().remove_tags_from_stream(StreamName=r["StreamName"],
                                                          TagKeys=list(keys))
