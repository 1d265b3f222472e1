"""EC2 instance actions with Cloud Custodian's names, keys and semantics: ``snapshot`` (every
attached volume at once, CreateSnapshots), ``resize`` (ModifyInstanceAttribute InstanceType,
optionally stopping and restarting) and ``autorecover-alarm`` (a CloudWatch alarm that
recovers the instance). Each instance succeeds or fails on its own."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...resources.tagsource import tag_value
from .. import once
from .instance import InstanceAction, error_code, state
from .instance_cost import recommended_type

EC2 = ("ec2",)


@actions.register("snapshot", resources=EC2)
class Snapshot(Action):
    """CreateSnapshots of the instance's volumes (``exclude-boot: true`` leaves the root
    volume out). The snapshots are tagged with ``copy-tags`` (the instance's tags of those
    keys, ``'*'`` for all, as Custodian copies them) plus ``tags`` (default
    ``custodian_snapshot: ''``); otherwise each gets its volume's tags (``copy-volume-tags``,
    default true) and ``tags`` when given. An instance gone or at the concurrent snapshot
    limit is skipped, as in Custodian. The snapshot ids are kept in ``c7n:snapshots``."""
    schema = {"copy-tags": {"type": "array", "items": {"type": "string"}},
              "copy-volume-tags": {"type": "boolean"}, "tags": {"type": "object"},
              "exclude-boot": {"type": "boolean"}}
    permissions = ("ec2:CreateSnapshots", "ec2:CreateSnapshot", "ec2:CreateTags",
                   "ec2:DescribeSnapshots")
    SKIPPED = ("InvalidInstanceId.NotFound", "InvalidInstanceID.NotFound",
               "ConcurrentSnapshotLimitExceeded", "IncorrectState")

    def validate(self):
        if self.data.get("copy-tags") and "copy-volume-tags" in self.data:
            return [(("copy-tags",), "give copy-tags or copy-volume-tags, not both")]
        return []

    def snapshot_tags(self, instance):
        """The tags TagSpecifications gives every snapshot (None: none)."""
        user = self.data.get("tags")
        if "copy-tags" not in self.data:
            return [{"Key": k, "Value": str(v)} for k, v in user.items()] if user else None
        user = user or {"custodian_snapshot": ""}
        copy = self.data.get("copy-tags") or []
        own = [t for t in instance.get("Tags") or () if not t["Key"].startswith("aws:")]
        if "*" not in copy:
            own = [t for t in own if t["Key"] in copy]
        tags = [{"Key": k, "Value": str(v)} for k, v in user.items()]
        return tags + [t for t in own if t["Key"] not in user]

    def params(self, instance):
        name = tag_value(instance, "Name") or "-"
        params = {"Description": f"Snapshot Created for {instance['InstanceId']} ({name})",
                  "InstanceSpecification": {
                      "InstanceId": instance["InstanceId"],
                      "ExcludeBootVolume": bool(self.data.get("exclude-boot", False))}}
        tags = self.snapshot_tags(instance)
        if tags:
            params["TagSpecifications"] = [{"ResourceType": "snapshot", "Tags": tags}]
        if "copy-tags" not in self.data and self.data.get("copy-volume-tags", True):
            params["CopyTagsFromSource"] = "volume"
        return params

    def process(self, resources):
        self.result["snapshots"] = []

        def snap(instance):
            try:
                found = once.ec2_snapshot_write(self.manager, "CreateSnapshots",
                                                self.params(instance),
                                                instance["InstanceId"])["Snapshots"]
            except ClientError as e:
                if error_code(e) not in self.SKIPPED:
                    raise
                self.result.setdefault("skipped", []).append(instance["InstanceId"])
                return
            instance["c7n:snapshots"] = [s["SnapshotId"] for s in found]
            self.result["snapshots"].extend(instance["c7n:snapshots"])
        self.each(resources, snap)


@actions.register("resize", resources=EC2)
class Resize(InstanceAction):
    """Change the instance type of running and stopped instances: the type a Rightsize
    recommendation of ``cost-optimization`` names, else ``type-map`` (current type -> new
    type), else ``default``; instances with no new type, or already of it, are left
    alone. AWS changes only stopped instances: with ``restart: true`` the running ones are
    stopped first (awaited) and started again after; without, a running instance fails alone.
    Only the instances that change are stopped (Custodian stops every running instance it
    matched, and starts them again even when their resize failed)."""
    valid_states = ("running", "stopped")
    schema = {"restart": {"type": "boolean"}, "type-map": {"type": "object"},
              "default": {"type": "string"}}

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.permissions = ("ec2:DescribeInstances", "ec2:ModifyInstanceAttribute") + (
            ("ec2:StopInstances", "ec2:StartInstances") if self.data.get("restart") else ())

    def validate(self):
        mapping = self.data.get("type-map") or {}
        bad = [k for k, v in mapping.items() if not isinstance(v, str)]
        if bad:
            return [(("type-map", bad[0]), "the new instance type must be a string")]
        return []

    def target(self, instance):
        new = recommended_type(instance) or (self.data.get("type-map") or {}).get(
            instance.get("InstanceType"), self.data.get("default"))
        return new if new and new != instance.get("InstanceType") else None

    def act(self, instances):
        todo = [i for i in instances if self.target(i)]
        self.result["unchanged"] = len(instances) - len(todo)
        client = self.manager.client()
        running, stopped, ready = [], set(), todo
        if self.data.get("restart"):
            running = [i for i in todo if state(i) == "running"]
            stopped = self.stop(client, running)   # the others failed there
            ready = [i for i in todo if state(i) != "running" or i["InstanceId"] in stopped]

        def modify(instance):
            client.modify_instance_attribute(InstanceId=instance["InstanceId"],
                                             InstanceType={"Value": self.target(instance)})
        self.each(ready, modify)
        again = [i for i in running if i["InstanceId"] in stopped]
        if again:
            try:
                client.start_instances(InstanceIds=[i["InstanceId"] for i in again])
            except ClientError as e:   # the resize happened; the restart is what failed
                for i in again:
                    self.fail(i, e)

    def stop(self, client, instances):
        """Stop the instances and wait until they are; the ids that stopped."""
        if not instances:
            return set()
        ids = [i["InstanceId"] for i in instances]
        try:
            client.stop_instances(InstanceIds=ids)
            client.get_waiter("instance_stopped").wait(InstanceIds=ids)
        except ClientError as e:
            for i in instances:
                self.fail(i, e)
            return set()
        except Exception as e:   # noqa: BLE001 -- the waiter gave up: those resize no further
            for i in instances:
                self.fail(i, f"not resized: stopping did not finish ({e})")
            return set()
        return set(ids)


@actions.register("autorecover-alarm", resources=EC2)
class AutorecoverAlarm(InstanceAction):
    """A CloudWatch alarm ``recover-<instance id>`` on StatusCheckFailed_System that recovers
    the instance, for instances (pending, running, stopping or stopped) outside any Auto
    Scaling group."""
    valid_states = ("running", "stopped", "pending", "stopping")
    permissions = ("cloudwatch:PutMetricAlarm",)

    def eligible(self, instance):
        return super().eligible(instance) and \
            tag_value(instance, "aws:autoscaling:groupName") is None

    def act(self, instances):
        client = self.manager.client("cloudwatch")
        partition = self.manager.ctx.partition

        def alarm(instance):
            zone = (instance.get("Placement") or {}).get("AvailabilityZone") or ""
            client.put_metric_alarm(
                AlarmName=f"recover-{instance['InstanceId']}",
                AlarmDescription=f"Auto Recover {instance['InstanceId']}",
                ActionsEnabled=True,
                AlarmActions=[f"arn:{partition}:automate:{zone[:-1]}:ec2:recover"],
                MetricName="StatusCheckFailed_System", Namespace="AWS/EC2",
                Statistic="Minimum",
                Dimensions=[{"Name": "InstanceId", "Value": instance["InstanceId"]}],
                Period=60, EvaluationPeriods=2, Threshold=0,
                ComparisonOperator="GreaterThanThreshold")
        self.each(instances, alarm)
