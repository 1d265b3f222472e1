"""Backup plan tags: TagResource/UntagResource by the plan's ARN, one plan per call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("backup")
class BackupTagger(Tagger):
    add_permissions = ("backup:TagResource",)
    remove_permissions = ("backup:UntagResource",)

    def add(self, resources, tags):
        for r in resources:
            self.manager.client().tag_resource(ResourceArn=self.manager.arn(r), Tags=dict(tags))

    def remove(self, resources, keys, values=None):
        for r in resources:
            self.manager.client().untag_resource(ResourceArn=self.manager.arn(r),
                                                 TagKeyList=list(keys))
