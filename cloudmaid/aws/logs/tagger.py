"""Log group tags: TagResource/UntagResource by the group's ARN, one group per call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("logs")
class LogsTagger(Tagger):
    add_permissions = ("logs:TagResource",)
    remove_permissions = ("logs:UntagResource",)

    def add(self, resources, tags):
        for r in resources:
            self.manager.client().tag_resource(resourceArn=self.manager.arn(r), tags=dict(tags))

    def remove(self, resources, keys, values=None):
        for r in resources:
            self.manager.client().untag_resource(resourceArn=self.manager.arn(r),
                                                 tagKeys=list(keys))
