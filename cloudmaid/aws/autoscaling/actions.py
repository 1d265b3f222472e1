"""Auto Scaling group actions with Cloud Custodian's names, keys and semantics. One group per
call (Auto Scaling has no batch form); ``Action.each`` records a failure and carries on. A
group already gone (ValidationError) counts as done, as in Custodian."""
import time

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from .tagger import tag_item

ASG = ("asg",)
PROCESSES = ("Launch", "Terminate", "HealthCheck", "ReplaceUnhealthy", "AZRebalance",
             "AlarmNotification", "ScheduledActions", "AddToLoadBalancer", "InstanceRefresh")
_PROCESS_LIST = {"type": "array", "items": {"enum": list(PROCESSES)}}
_SIZE = {"anyOf": [{"enum": ["current"]}, {"type": "integer", "minimum": 0}]}
#: instance errors Custodian's suspend logs and moves past (the processes are suspended)
_INSTANCE_SKIP = ("UnsupportedOperation", "InvalidInstanceID.NotFound", "IncorrectInstanceState")


def gone(error):
    return isinstance(error, ClientError) and error.response["Error"]["Code"] == "ValidationError"


def instance_ids(group):
    return [i["InstanceId"] for i in group.get("Instances") or ()]


class GroupAction(Action):
    def client(self, service="autoscaling"):
        return self.manager.client(service)

    def each_group(self, resources, call):
        def guarded(group):
            try:
                call(group)
            except ClientError as e:
                if not gone(e):
                    raise
        self.each(resources, guarded)


@actions.register("suspend", resources=ASG)
class Suspend(GroupAction):
    """Suspend the group's processes (all but ``exclude``), then stop its instances;
    ``force`` first turns off their stop protection (disableApiStop)."""
    schema = {"exclude": _PROCESS_LIST, "force": {"type": "boolean"}}
    permissions = ("autoscaling:SuspendProcesses", "ec2:StopInstances",
                   "ec2:ModifyInstanceAttribute")

    def process(self, resources):
        processes = [p for p in PROCESSES if p not in (self.data.get("exclude") or ())]
        asg, ec2 = self.client(), self.client("ec2")

        def suspend(group):
            asg.suspend_processes(AutoScalingGroupName=group["AutoScalingGroupName"],
                                  ScalingProcesses=processes)
            ids = instance_ids(group)
            if not ids:
                return
            try:
                if self.data.get("force"):
                    for i in ids:
                        ec2.modify_instance_attribute(InstanceId=i,
                                                      DisableApiStop={"Value": False})
                ec2.stop_instances(InstanceIds=ids)
            except ClientError as e:
                if e.response["Error"]["Code"] not in _INSTANCE_SKIP:
                    raise
        self.each_group(resources, suspend)


@actions.register("resume", resources=ASG)
class Resume(GroupAction):
    """Resume suspended groups: start their instances, wait ``delay`` seconds (default 30) so
    they pass health checks, then resume the processes (all but ``exclude``). Groups with no
    suspended process are left alone; the wait is skipped when no instance was stopped
    (Custodian always waits)."""
    schema = {"exclude": _PROCESS_LIST, "delay": {"type": "number"}}
    permissions = ("autoscaling:ResumeProcesses", "ec2:StartInstances")
    sleep = staticmethod(time.sleep)

    def process(self, resources):
        suspended = [g for g in resources if g.get("SuspendedProcesses")]
        self.result["skipped"] = [g["AutoScalingGroupName"] for g in resources
                                  if g not in suspended]
        ec2, asg = self.client("ec2"), self.client()
        started = []

        def start(group):
            ids = instance_ids(group)
            if ids:
                answer = ec2.start_instances(InstanceIds=ids)
                started.extend(s for s in answer.get("StartingInstances") or ()
                               if s.get("PreviousState", {}).get("Name") != "running")
        failed = []
        for group in suspended:
            try:
                start(group)
            except ClientError as e:
                failed.append(group)
                self.fail(group, e)
        if started:
            self.sleep(float(self.data.get("delay", 30)))
        processes = [p for p in PROCESSES if p not in (self.data.get("exclude") or ())]
        self.each_group([g for g in suspended if g not in failed], lambda g: asg.resume_processes(
            AutoScalingGroupName=g["AutoScalingGroupName"], ScalingProcesses=processes))


@actions.register("resize", resources=ASG)
class Resize(GroupAction):
    """Set ``min-size``/``max-size``/``desired-size`` (``current``: the instances running,
    never above the desired capacity, lowering the minimum to fit unless ``min-size`` is
    given), saving the previous sizes in tag ``save-options-tag`` first; or restore them
    from tag ``restore-options-tag`` (``MinSize=1;MaxSize=3;DesiredCapacity=2``)."""
    schema = {"min-size": {"type": "integer", "minimum": 0},
              "max-size": {"type": "integer", "minimum": 0},
              "desired-size": _SIZE, "desired_size": _SIZE,
              "save-options-tag": {"type": "string"}, "restore-options-tag": {"type": "string"}}
    permissions = ("autoscaling:UpdateAutoScalingGroup", "autoscaling:CreateOrUpdateTags")
    PARAMS = ("MinSize", "MaxSize", "DesiredCapacity")

    def update(self, group):
        tags = {t["Key"]: t.get("Value") for t in group.get("Tags") or ()}
        update = {}
        restore = self.data.get("restore-options-tag")
        if restore:
            for item in (tags.get(restore) or "").split(";"):
                param, _, value = item.partition("=")
                if param in self.PARAMS and value.strip().isdigit():
                    update[param] = int(value)
            return update
        if "min-size" in self.data:
            update["MinSize"] = self.data["min-size"]
        if "max-size" in self.data:
            update["MaxSize"] = self.data["max-size"]
        desired = self.data.get("desired-size", self.data.get("desired_size"))
        if desired == "current":
            current = len(group.get("Instances") or ())
            update["DesiredCapacity"] = min(current, group["DesiredCapacity"])
            update.setdefault("MinSize", min(current, group["MinSize"]))
        elif isinstance(desired, int):
            update["DesiredCapacity"] = desired
        return update

    def process(self, resources):
        client = self.client()
        save = self.data.get("save-options-tag")

        def resize(group):
            update = self.update(group)
            if not update:
                return
            if save:
                value = ";".join(f"{p}={group[p]}" for p in self.PARAMS)
                client.create_or_update_tags(Tags=[tag_item(group, save, value)])
            client.update_auto_scaling_group(
                AutoScalingGroupName=group["AutoScalingGroupName"], **update)
        self.each_group(resources, resize)


@actions.register("delete", resources=ASG)
class Delete(GroupAction):
    """DeleteAutoScalingGroup; ``force`` also terminates its instances (without it, a group
    with instances cannot be deleted)."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("autoscaling:DeleteAutoScalingGroup",)

    def process(self, resources):
        client = self.client()
        force = bool(self.data.get("force", False))
        self.each_group(resources, lambda g: client.delete_auto_scaling_group(
            AutoScalingGroupName=g["AutoScalingGroupName"], ForceDelete=force))


@actions.register("update", resources=ASG)
class Update(GroupAction):
    """UpdateAutoScalingGroup with the settings given (at least one)."""
    SETTINGS = {"default-cooldown": "DefaultCooldown",
                "max-instance-lifetime": "MaxInstanceLifetime",
                "new-instances-protected-from-scale-in": "NewInstancesProtectedFromScaleIn",
                "capacity-rebalance": "CapacityRebalance"}
    schema = {"default-cooldown": {"type": "integer", "minimum": 0},
              "max-instance-lifetime": {"anyOf": [{"enum": [0]},
                                                  {"type": "integer", "minimum": 86400}]},
              "new-instances-protected-from-scale-in": {"type": "boolean"},
              "capacity-rebalance": {"type": "boolean"}}
    permissions = ("autoscaling:UpdateAutoScalingGroup",)

    def settings(self):
        return {name: self.data[key] for key, name in self.SETTINGS.items() if key in self.data}

    def validate(self):
        if not self.settings():
            return [((), "update needs at least one of: " + ", ".join(sorted(self.SETTINGS)))]
        return []

    def process(self, resources):
        client, settings = self.client(), self.settings()
        self.each_group(resources, lambda g: client.update_auto_scaling_group(
            AutoScalingGroupName=g["AutoScalingGroupName"], **settings))


@actions.register("propagate-tags", resources=ASG)
class PropagateTags(GroupAction):
    """Copy the group's propagating tags (``tags``: only those keys) to its running
    instances, which AWS tags only at launch; ``trim`` also removes from them the tags that
    are on every instance but no longer on the group, and those on only some instances."""
    schema = {"tags": {"type": "array", "items": {"type": "string"}},
              "trim": {"type": "boolean"}}
    permissions = ("ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeInstances")

    def process(self, resources):
        ec2 = self.client("ec2")
        trim = self.data.get("trim", False)
        instances = self.instances(resources) if trim else {}
        wanted = self.data.get("tags")

        def propagate(group):
            tags = {t["Key"]: t.get("Value") for t in group.get("Tags") or ()
                    if t.get("PropagateAtLaunch") and not t["Key"].startswith("aws:")}
            if wanted:
                tags = {k: v for k, v in tags.items() if k in wanted}
            ids = instance_ids(group)
            if trim:
                self.prune(ec2, [instances[i] for i in ids if i in instances], set(tags))
            if ids and tags:
                ec2.create_tags(Resources=ids,
                                Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        self.each(resources, propagate)

    def instances(self, groups):
        from ...resources.related import lookup
        return lookup(self.manager.ctx, "ec2", [i for g in groups for i in instance_ids(g)])

    @staticmethod
    def prune(ec2, instances, keep):
        counts = {}
        for i in instances:
            for t in i.get("Tags") or ():
                if not t["Key"].startswith("aws:"):
                    counts[t["Key"]] = counts.get(t["Key"], 0) + 1
        remove = sorted(k for k, n in counts.items() if n < len(instances) or k not in keep)
        if remove:
            ec2.delete_tags(Resources=[i["InstanceId"] for i in instances],
                            Tags=[{"Key": k} for k in remove])


@actions.register("tag-trim", resources=ASG)
class TagTrim(GroupAction):
    """Remove tags so that ``space`` (default 3) more fit under the group tag limit, keeping
    ``preserve``; the candidates go in key order. ``space: 0`` removes every tag but
    ``preserve``. The limit is AWS's 50 tags per group (Custodian assumes 10)."""
    schema = {"space": {"type": "integer"}, "preserve": {"type": "array",
                                                         "items": {"type": "string"}}}
    permissions = ("autoscaling:DeleteTags",)
    max_tag_count = 50

    def candidates(self, group):
        keys = {t["Key"] for t in group.get("Tags") or () if not t["Key"].startswith("aws:")}
        space = self.data.get("space", 3)
        if space and len(keys) + space <= self.max_tag_count:
            return []
        preserve = set(self.data.get("preserve") or ())
        candidates = sorted(keys - preserve)
        if space:
            remove = len(candidates) - (self.max_tag_count - (space + len(preserve & keys)))
            candidates = candidates[:max(remove, 0)]
        return candidates

    def process(self, resources):
        client = self.client()

        def trim(group):
            keys = self.candidates(group)
            if keys:
                client.delete_tags(Tags=[tag_item(group, k) for k in keys])
                group["Tags"] = [t for t in group.get("Tags") or () if t["Key"] not in keys]
        self.each_group(resources, trim)
