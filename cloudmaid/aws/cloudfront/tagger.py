"""CloudFront's own tag calls: TagResource/UntagResource by ARN, one distribution per call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("cloudfront")
class CloudFrontTagger(Tagger):
    batch_size = 1
    add_permissions = ("cloudfront:TagResource",)
    remove_permissions = ("cloudfront:UntagResource",)

    def add(self, resources, tags):
        for r in resources:
            self.manager.client().tag_resource(Resource=self.manager.arn(r), Tags={
                "Items": [{"Key": k, "Value": v} for k, v in tags.items()]})

    def remove(self, resources, keys, values=None):
        for r in resources:
            self.manager.client().untag_resource(Resource=self.manager.arn(r),
                                                 TagKeys={"Items": list(keys)})
