"""The sqs manager: Custodian's ``QueueName`` (the last part of the queue's ARN) on every
queue, listed or got by URL."""
from ...resources.manager import ResourceManager, register_manager


@register_manager("sqs")
class SqsManager(ResourceManager):

    def _get_each(self, ids):
        found = super()._get_each(ids)
        for queue in found.values():
            if queue.get("QueueArn"):
                queue["QueueName"] = queue["QueueArn"].rsplit(":", 1)[-1]
        return found
