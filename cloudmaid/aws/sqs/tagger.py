"""SQS queue tags: TagQueue/UntagQueue, one queue per call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("sqs")
class SqsTagger(Tagger):
    add_permissions = ("sqs:TagQueue",)
    remove_permissions = ("sqs:UntagQueue",)

    def add(self, resources, tags):
        for q in resources:
            self.manager.client().tag_queue(QueueUrl=q["QueueUrl"], Tags=dict(tags))

    def remove(self, resources, keys, values=None):
        for q in resources:
            self.manager.client().untag_queue(QueueUrl=q["QueueUrl"], TagKeys=list(keys))
