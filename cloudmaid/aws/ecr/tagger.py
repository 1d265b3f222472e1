"""ECR repository tags: TagResource/UntagResource by repository ARN, one per call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("ecr")
class EcrTagger(Tagger):
    add_permissions = ("ecr:TagResource",)
    remove_permissions = ("ecr:UntagResource",)

    def add(self, resources, tags):
        for r in resources:
            self.manager.client().tag_resource(
                resourceArn=self.manager.arn(r),
                tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        for r in resources:
            self.manager.client().untag_resource(resourceArn=self.manager.arn(r),
                                                 tagKeys=list(keys))
