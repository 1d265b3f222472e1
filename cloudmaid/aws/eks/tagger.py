"""EKS tags: TagResource / UntagResource by ARN, one resource per call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("eks")
class EksTagger(Tagger):
    batch_size = 1
    add_permissions = ("eks:TagResource",)
    remove_permissions = ("eks:UntagResource",)

    def add(self, resources, tags):
        for r in resources:
            self.manager.client().tag_resource(resourceArn=self.manager.arn(r), tags=dict(tags))

    def remove(self, resources, keys, values=None):
        for r in resources:
            self.manager.client().untag_resource(resourceArn=self.manager.arn(r),
                                                 tagKeys=list(keys))
