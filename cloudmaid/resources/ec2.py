"""EC2 instances: behaviour special to the service (state actions; filters live beside)."""
from ..actions.core import Action, actions


class InstanceStateAction(Action):
    """One EC2 call per batch of up to 100 instance ids."""
    operation = None
    extra = {}

    def process(self, resources):
        client = self.manager.client()
        call = getattr(client, self.operation)
        self.batched(resources, lambda batch: call(InstanceIds=self.resource_ids(batch), **self.params()))

    def params(self):
        return dict(self.extra)


@actions.register("stop", resources=("ec2",))
class Stop(InstanceStateAction):
    operation = "stop_instances"
    permissions = ("ec2:StopInstances",)
    schema = {"force": {"type": "boolean"}, "hibernate": {"type": "boolean"}}

    def params(self):
        p = {}
        if self.data.get("force"):
            p["Force"] = True
        if self.data.get("hibernate"):
            p["Hibernate"] = True
        return p


@actions.register("start", resources=("ec2",))
class Start(InstanceStateAction):
    operation = "start_instances"
    permissions = ("ec2:StartInstances",)


@actions.register("reboot", resources=("ec2",))
class Reboot(InstanceStateAction):
    operation = "reboot_instances"
    permissions = ("ec2:RebootInstances",)


@actions.register("terminate", resources=("ec2",))
class Terminate(InstanceStateAction):
    operation = "terminate_instances"
    permissions = ("ec2:TerminateInstances",)
    schema = {"force": {"type": "boolean"}}
