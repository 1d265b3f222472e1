"""CloudWatch alarm actions with Cloud Custodian's names: ``delete`` (DeleteAlarms, 100
alarms per call; a failing batch is retried one alarm at a time)."""
from ...actions.core import Action, actions


@actions.register("delete", resources=("alarm",))
class DeleteAlarms(Action):
    batch_size = 100
    permissions = ("cloudwatch:DeleteAlarms",)

    def process(self, resources):
        client = self.manager.client()
        self.batched(resources, lambda batch: client.delete_alarms(
            AlarmNames=[r["AlarmName"] for r in batch]))
        self.manager.invalidate()
