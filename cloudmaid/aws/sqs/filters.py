"""SQS queue filters with Cloud Custodian's names and semantics: ``cross-account`` and
``has-statement`` over the queue's ``Policy`` attribute, ``dead-letter``, and the related
filters its row declares (``kms-key``)."""
import json

from ...filters.core import Filter, filters
from ...filters.crossaccount import CrossAccountFilter, HasStatementFilter
from ...resources.related import register_related
from .types import TYPES

SQS = ("sqs",)

register_related(TYPES, __name__)


@filters.register("cross-account", resources=SQS)
class QueueCrossAccount(CrossAccountFilter):
    """Queues whose policy grants access outside the account (and the allowed lists)."""
    permissions = ("sqs:GetQueueAttributes",)


@filters.register("has-statement", resources=SQS)
class QueueHasStatement(HasStatementFilter):
    """Queues whose policy has the given statements; ``{queue_arn}`` may be used in them."""
    permissions = ("sqs:GetQueueAttributes",)

    def format_args(self, resource):
        return dict(super().format_args(resource), queue_arn=resource.get("QueueArn", ""))


@filters.register("dead-letter", resources=SQS)
class DeadLetter(Filter):
    """Queues that are the dead-letter target of some queue of the region (every queue is
    read, whatever the earlier filters kept: the source queue need not match)."""
    predicate = False
    permissions = ("sqs:GetQueueAttributes",)

    def process(self, resources, event=None):
        from ...resources.manager import ResourceManager
        every = ResourceManager.for_type(self.manager.ctx, "sqs").resources()
        targets = set()
        for q in every:
            try:
                redrive = json.loads(q.get("RedrivePolicy") or "{}")
            except ValueError:
                continue
            if isinstance(redrive, dict) and redrive.get("deadLetterTargetArn"):
                targets.add(redrive["deadLetterTargetArn"])
        return [r for r in resources if r.get("QueueArn") in targets]

    def keys(self):
        return {"QueueArn"}
