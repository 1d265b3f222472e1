"""EBS snapshots: their own filters and actions (Custodian's names, keys and defaults).

Snapshots backing the account's AMIs are protected by default: ``delete`` skips them and
``skip-ami-snapshots`` filters them out. ``unused`` also counts the snapshots the Auto
Scaling groups' launch configurations and templates name.
"""
import logging

from botocore.exceptions import ClientError, WaiterError

from ...actions.core import Action, actions
from ...filters.core import Filter, filters
from ...resources.manager import ResourceManager
from ...resources.related import AgeFilter, RelatedFilter
from .. import once
from . import usage
from .usage import gone

SNAPSHOT = ("ebs-snapshot",)
log = logging.getLogger("cloudmaid.ebs")


@filters.register("age", resources=SNAPSHOT)
class SnapshotAge(AgeFilter):
    date_key = "StartTime"
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}


@filters.register("skip-ami-snapshots", resources=SNAPSHOT)
class SkipAmiSnapshots(Filter):
    """Leaves out the snapshots of the account's AMIs (``value: false`` keeps them all)."""
    predicate = False
    schema = {"value": {"type": "boolean"}}
    permissions = ("ec2:DescribeImages",)

    def process(self, resources, event=None):
        if not self.data.get("value", True):
            return resources
        in_use = usage.image_snapshot_ids(self.manager.ctx)
        return [r for r in resources if r["SnapshotId"] not in in_use]


@filters.register("unused", resources=SNAPSHOT)
class UnusedSnapshot(Filter):
    """``value: true`` (default): snapshots no AMI, launch configuration or launch template
    of an Auto Scaling group names; ``false``: those that one does."""
    predicate = False
    schema = {"value": {"type": "boolean"}}
    permissions = ("ec2:DescribeImages",) + usage.LAUNCH_PERMISSIONS

    def process(self, resources, event=None):
        ctx = self.manager.ctx
        used = usage.launch_snapshot_ids(ctx) | usage.image_snapshot_ids(ctx)
        unused = self.data.get("value", True)
        return [r for r in resources if (r["SnapshotId"] not in used) == unused]


@filters.register("volume", resources=SNAPSHOT)
class SnapshotVolume(RelatedFilter):
    """Value filter on the volume a snapshot was taken from (a gone volume has every key
    absent: ``key: VolumeId, value: absent`` finds snapshots whose volume is gone)."""
    related_type = "ebs"
    ids_expression = "VolumeId"
    annotation = "Volume"
    permissions = ("ec2:DescribeVolumes",)


@actions.register("delete", resources=SNAPSHOT)
class DeleteSnapshot(Action):
    """DeleteSnapshot per snapshot. Snapshots of the account's AMIs are skipped unless
    ``skip-ami-snapshots: false`` (Custodian's safe default)."""
    schema = {"skip-ami-snapshots": {"type": "boolean"}}
    permissions = ("ec2:DeleteSnapshot", "ec2:DescribeImages")

    def process(self, resources):
        client = self.manager.client()
        if self.data.get("skip-ami-snapshots", True):
            in_use = usage.image_snapshot_ids(self.manager.ctx)
            skipped = [r["SnapshotId"] for r in resources if r["SnapshotId"] in in_use]
            resources = [r for r in resources if r["SnapshotId"] not in in_use]
            self.result["skipped"] = skipped

        def delete(snapshot):
            try:
                client.delete_snapshot(SnapshotId=snapshot["SnapshotId"])
            except ClientError as e:
                if not gone(e, "InvalidSnapshot.NotFound"):
                    raise
        self.each(resources, delete)


@actions.register("copy", resources=SNAPSHOT)
class CopySnapshot(Action):
    """CopySnapshot into ``target_region`` (default: the policy's region), with the source's
    description and tags; ``encrypted`` (default true) with KMS key ``target_key`` (required
    then). The copy's id is kept as ``c7n:CopiedSnapshot``. Across regions at most five
    copies are in flight: each five are waited for before the next."""
    schema = {"target_region": {"type": "string"}, "target_key": {"type": "string"},
              "encrypted": {"type": "boolean"}}
    permissions = ("ec2:CreateTags", "ec2:CopySnapshot", "ec2:DescribeSnapshots")
    in_flight = 5

    def validate(self):
        if self.data.get("encrypted", True) and not self.data.get("target_key"):
            return [(("target_key",), "an encrypted snapshot copy needs target_key (a KMS "
                                      "key in the target region), or encrypted: false")]
        return []

    def process(self, resources):
        region = self.manager.ctx.region
        target = self.data.get("target_region") or region
        client = self.manager.client(region=target)
        params = {"Encrypted": self.data.get("encrypted", True)}
        if params["Encrypted"]:
            params["KmsKeyId"] = self.data["target_key"]
        copies = []
        self.result["copies"] = {}

        def copy(snapshot):
            extra = dict(params)
            tags = [t for t in snapshot.get("Tags") or () if not t["Key"].startswith("aws:")]
            if tags:
                extra["TagSpecifications"] = [{"ResourceType": "snapshot", "Tags": tags}]
            new_id = once.ec2_snapshot_write(self.manager, "CopySnapshot", dict(
                SourceRegion=region, SourceSnapshotId=snapshot["SnapshotId"],
                Description=snapshot.get("Description", ""), **extra),
                snapshot["SnapshotId"], target)["SnapshotId"]
            snapshot["c7n:CopiedSnapshot"] = new_id
            self.result["copies"][snapshot["SnapshotId"]] = new_id
            copies.append(new_id)
            if target != region and len(copies) == self.in_flight:
                try:
                    client.get_waiter("snapshot_completed").wait(
                        SnapshotIds=list(copies), WaiterConfig={"Delay": 60, "MaxAttempts": 60})
                except WaiterError as e:   # the copies were made: go on, AWS queues the rest
                    log.warning("copies %s not complete yet: %s", ",".join(copies), e)
                copies.clear()
        self.each(resources, copy)
        if target == region:
            ResourceManager.for_type(self.manager.ctx, "ebs-snapshot").invalidate()
