"""EC2 instance state actions, with Cloud Custodian's keys and semantics.

Each action acts only on instances in the states it applies to (Custodian's implicit filter);
the others are listed under ``skipped`` in the action's result, and no call is made for them
(a stop on a stopped instance does nothing). Calls are batched; the instances a failing batch
names (gone, protected, in a state the call refuses) fail with AWS's error and the others are
retried in one call, so one instance never stops the others.

``force`` never means StopInstances ``Force`` (which skips the OS shutdown): as in Custodian, it
turns off the protection (``disableApiStop`` / ``disableApiTermination``) of an instance that
AWS refused with OperationNotPermitted, then retries that instance once.
"""
import re

from botocore.exceptions import ClientError

from ...actions.core import Action, actions, error_text

EC2 = ("ec2",)
STOP_PROTECTION = "DisableApiStop"
TERMINATION_PROTECTION = "DisableApiTermination"
INSTANCE_ID = re.compile(r"(?<![\w-])i-[0-9a-f]{8,17}(?![\w-])")


def state(instance):
    return (instance.get("State") or {}).get("Name")


def has_volumes(instance):
    return bool(instance.get("BlockDeviceMappings"))


def is_ephemeral(instance):
    """Instance-store root device: the instance cannot be stopped, only terminated.
    Read from RootDeviceType (Custodian guesses from a few root device names, so an EBS
    instance whose root is e.g. /dev/sda2 is never stopped); without it, from the root
    device's mapping; unknown counts as EBS (AWS refuses a wrong stop, and says so)."""
    kind = instance.get("RootDeviceType")
    if kind:
        return kind == "instance-store"
    root = instance.get("RootDeviceName")
    for bd in instance.get("BlockDeviceMappings") or ():
        if bd.get("DeviceName") == root:
            return "Ebs" not in bd
    return False


def error_code(error):
    return error.response.get("Error", {}).get("Code")


class InstanceAction(Action):
    """One EC2 call per batch of instance ids, on the instances in ``valid_states``."""
    operation = None
    valid_states = ()

    def eligible(self, instance):
        return state(instance) in self.valid_states

    def process(self, resources):
        todo = [r for r in resources if self.eligible(r)]
        self.skip([r for r in resources if not self.eligible(r)])
        self.act(todo)

    def act(self, instances):
        self.call(self.operation, instances)

    def skip(self, instances):
        if instances:
            self.result.setdefault("skipped", []).extend(self.resource_ids(instances))

    def bad_ids(self, error, ids):
        """The instances a refused batch names (InvalidInstanceID.NotFound: "The instance IDs
        'i-1, i-2' do not exist"; IncorrectInstanceState, OperationNotPermitted: "The
        instance 'i-1' ..."): they fail, the others are retried in one call."""
        return set(INSTANCE_ID.findall(error.response.get("Error", {}).get("Message") or "")) \
            & set(ids)

    def call(self, operation, instances, unprotect=(), **params):
        """``operation`` on batches of ``instances``; with ``unprotect`` (attribute names), an
        instance refused with OperationNotPermitted has them set to false and is retried."""
        if not instances:
            return
        client = self.manager.client()
        method = getattr(client, operation)
        tried = set()

        def once(batch):
            while True:
                try:
                    return method(InstanceIds=self.resource_ids(batch), **params)
                except ClientError as e:
                    if not unprotect or error_code(e) != "OperationNotPermitted":
                        raise
                    named = self.bad_ids(e, self.resource_ids(batch)) or (
                        set(self.resource_ids(batch)) if len(batch) == 1 else set())
                    # spot instances have no protection to turn off (Custodian skips them too)
                    refused = [i for i in batch if i["InstanceId"] in named - tried
                               and i.get("InstanceLifecycle") != "spot"]
                    if not refused:
                        raise
                    for i in refused:
                        tried.add(i["InstanceId"])
                        if not self.unprotect(client, i, unprotect):
                            raise   # batched() fails the instance it names, with the note
        self.batched(instances, once)

    def unprotect(self, client, instance, attributes):
        """Turn ``attributes`` off; False (and a note for the failure record) when refused."""
        for attribute in attributes:
            try:
                client.modify_instance_attribute(InstanceId=instance["InstanceId"],
                                                 **{attribute: {"Value": False}})
            except ClientError as e:
                if error_code(e) != "IncorrectInstanceState":
                    self.note(instance, f"turning {attribute} off failed: {error_text(e)}")
                    return False
        return True


@actions.register("start", resources=EC2)
class Start(InstanceAction):
    """StartInstances for stopped instances that have block devices, grouped by instance
    type and zone (an InsufficientInstanceCapacity error fails only its own group)."""
    operation = "start_instances"
    valid_states = ("stopped",)
    batch_size = 10
    permissions = ("ec2:StartInstances",)

    def eligible(self, instance):
        return super().eligible(instance) and has_volumes(instance)

    def act(self, instances):
        groups = {}
        for i in instances:
            key = (i.get("InstanceType"), (i.get("Placement") or {}).get("AvailabilityZone"))
            groups.setdefault(key, []).append(i)
        for group in groups.values():
            self.call(self.operation, group)


@actions.register("reboot", resources=EC2)
class Reboot(InstanceAction):
    """RebootInstances for running instances that have block devices."""
    operation = "reboot_instances"
    valid_states = ("running",)
    batch_size = 10
    permissions = ("ec2:RebootInstances",)

    def eligible(self, instance):
        return super().eligible(instance) and has_volumes(instance)


@actions.register("stop", resources=EC2)
class Stop(InstanceAction):
    """StopInstances for running instances. ``hibernate: true`` hibernates the instances
    configured for it (HibernationOptions.Configured) and stops the others. Instance-store
    backed instances cannot be stopped: skipped, or terminated with ``terminate-ephemeral``.
    ``force: true`` turns off stop protection (and, for a terminate, termination protection)
    of an instance AWS refused, then retries it."""
    operation = "stop_instances"
    valid_states = ("running",)
    schema = {"force": {"type": "boolean"}, "hibernate": {"type": "boolean"},
              "terminate-ephemeral": {"type": "boolean"}}
    permissions = ("ec2:StopInstances", "ec2:TerminateInstances", "ec2:ModifyInstanceAttribute")

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.permissions = ("ec2:StopInstances",) + (
            ("ec2:TerminateInstances",) if self.data.get("terminate-ephemeral") else ()) + (
            ("ec2:ModifyInstanceAttribute",) if self.data.get("force") else ())

    def act(self, instances):
        force = self.data.get("force")
        ephemeral = [i for i in instances if is_ephemeral(i)]
        persistent = [i for i in instances if not is_ephemeral(i)]
        if self.data.get("terminate-ephemeral"):
            self.call("terminate_instances", ephemeral,
                      (STOP_PROTECTION, TERMINATION_PROTECTION) if force else ())
        else:
            self.skip(ephemeral)
        unprotect = (STOP_PROTECTION,) if force else ()
        if self.data.get("hibernate"):
            configured = [(i.get("HibernationOptions") or {}).get("Configured") is True
                          for i in persistent]
            self.call(self.operation, [i for i, c in zip(persistent, configured) if c],
                      unprotect, Hibernate=True)
            persistent = [i for i, c in zip(persistent, configured) if not c]
        self.call(self.operation, persistent, unprotect)


@actions.register("terminate", resources=EC2)
class Terminate(InstanceAction):
    """TerminateInstances for running, stopped, pending and stopping instances. ``force:
    true`` turns off termination and stop protection of an instance AWS refused, then
    retries it."""
    operation = "terminate_instances"
    valid_states = ("running", "stopped", "pending", "stopping")
    schema = {"force": {"type": "boolean"}}
    permissions = ("ec2:TerminateInstances", "ec2:ModifyInstanceAttribute")

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.permissions = ("ec2:TerminateInstances",) + (
            ("ec2:ModifyInstanceAttribute",) if self.data.get("force") else ())

    def act(self, instances):
        unprotect = (TERMINATION_PROTECTION, STOP_PROTECTION) if self.data.get("force") else ()
        self.call(self.operation, instances, unprotect)
