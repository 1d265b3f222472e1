"""EBS volumes and snapshots, and AMIs: their own filters and actions (Custodian's names).

Deletions go one resource per call (EC2 has no batch delete); ``Action.each`` records a failure
and carries on with the others. A resource already gone counts as done, as in Custodian.
"""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import filters
from ...resources.related import AgeFilter, RelatedFilter, lookup


def gone(error, *codes):
    return isinstance(error, ClientError) and error.response["Error"]["Code"] in codes


# -- ebs ------------------------------------------------------------------------------------
@filters.register("instance", resources=("ebs",))
class AttachedInstance(RelatedFilter):
    """Value filter on the instance a volume is attached to; unattached volumes never match.
    A match keeps the instance in the volume's ``Instance`` key, as Custodian does."""
    related_type = "ec2"
    ids_expression = "Attachments[0].InstanceId"
    permissions = ("ec2:DescribeInstances",)
    schema = dict(RelatedFilter.schema)
    schema.pop("match-resource")
    schema.pop("operator")

    def process(self, resources, event=None):
        attached = [r for r in resources if r.get("Attachments")]
        instances = lookup(self.manager.ctx, "ec2",
                           [r["Attachments"][0].get("InstanceId") for r in attached])
        match = self.matcher(None)
        out = []
        for r in attached:
            instance = instances.get(r["Attachments"][0].get("InstanceId"))
            if instance is not None and match(instance):
                r["Instance"] = instance
                out.append(r)
        return out

    def keys(self):
        return {"Attachments"}


@actions.register("snapshot", resources=("ebs",))
class Snapshot(Action):
    """CreateSnapshot per volume, tagged at creation: the volume's tags (``copy-volume-tags``,
    default true, or the ``copy-tags`` list, ``'*'`` for all) plus ``tags`` (default
    ``custodian_snapshot: ''``, so Custodian's own snapshot policies recognise them)."""
    schema = {"copy-tags": {"type": "array", "items": {"type": "string"}},
              "copy-volume-tags": {"type": "boolean"}, "tags": {"type": "object"},
              "description": {"type": "string"}}
    permissions = ("ec2:CreateSnapshot", "ec2:CreateTags")

    def validate(self):
        if self.data.get("copy-tags") and "copy-volume-tags" in self.data:
            return [(("copy-tags",), "give copy-tags or copy-volume-tags, not both")]
        return []

    def snapshot_tags(self, volume):
        user = dict(self.data.get("tags") or {"custodian_snapshot": ""})
        copy = self.data.get("copy-tags") or self.data.get("copy-volume-tags", True)
        own = [t for t in volume.get("Tags") or () if not t["Key"].startswith("aws:")]
        if isinstance(copy, list) and "*" not in copy:
            own = [t for t in volume.get("Tags") or () if t["Key"] in copy]
        elif copy is False:
            own = []
        tags = [{"Key": k, "Value": str(v)} for k, v in user.items()]
        tags += [t for t in own if t["Key"] not in user]
        return tags

    def process(self, resources):
        client = self.manager.client()
        policy = getattr(self.manager, "policy_name", None)
        default = "Automated snapshot by cloudmaid"
        description = self.data.get("description") or (
            f"{default} - {policy}" if policy else default)
        self.result["snapshots"] = []

        def snap(volume):
            params = {"VolumeId": volume["VolumeId"], "Description": description}
            tags = self.snapshot_tags(volume)
            if tags:
                params["TagSpecifications"] = [{"ResourceType": "snapshot", "Tags": tags}]
            try:
                self.result["snapshots"].append(client.create_snapshot(**params)["SnapshotId"])
            except ClientError as e:
                if not gone(e, "InvalidVolume.NotFound"):
                    raise
        self.each(resources, snap)


@actions.register("delete", resources=("ebs",))
class DeleteVolume(Action):
    """DeleteVolume per volume; ``force: true`` first force-detaches an attached volume
    (from every instance, for a Multi-Attach volume) and waits until it is available. A
    running instance's root volume cannot be detached: that volume fails alone."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("ec2:DetachVolume", "ec2:DeleteVolume", "ec2:DescribeVolumes")

    def process(self, resources):
        client = self.manager.client()

        def delete(volume):
            try:
                attachments = volume.get("Attachments") or ()
                if self.data.get("force") and attachments:
                    for a in attachments:
                        client.detach_volume(VolumeId=volume["VolumeId"], Force=True,
                                             InstanceId=a["InstanceId"], Device=a["Device"])
                    client.get_waiter("volume_available").wait(VolumeIds=[volume["VolumeId"]])
                client.delete_volume(VolumeId=volume["VolumeId"])
            except ClientError as e:
                if not gone(e, "InvalidVolume.NotFound"):
                    raise
        self.each(resources, delete)


# -- ebs-snapshot ---------------------------------------------------------------------------
@filters.register("age", resources=("ebs-snapshot",))
class SnapshotAge(AgeFilter):
    date_key = "StartTime"
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}


def image_snapshot_ids(ctx):
    """Snapshots backing the account's own images (deleting those fails, and breaks AMIs)."""
    from ...resources.manager import ResourceManager
    images = ResourceManager.for_type(ctx, "ami").resources()
    return {b["Ebs"]["SnapshotId"] for i in images for b in i.get("BlockDeviceMappings") or ()
            if b.get("Ebs", {}).get("SnapshotId")}


@actions.register("delete", resources=("ebs-snapshot",))
class DeleteSnapshot(Action):
    """DeleteSnapshot per snapshot. Snapshots of the account's AMIs are skipped unless
    ``skip-ami-snapshots: false`` (Custodian's safe default)."""
    schema = {"skip-ami-snapshots": {"type": "boolean"}}
    permissions = ("ec2:DeleteSnapshot", "ec2:DescribeImages")

    def process(self, resources):
        client = self.manager.client()
        if self.data.get("skip-ami-snapshots", True):
            in_use = image_snapshot_ids(self.manager.ctx)
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


# -- ami ------------------------------------------------------------------------------------
@filters.register("image-age", resources=("ami",))
class AmiAge(AgeFilter):
    date_key = "CreationDate"
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}


@actions.register("deregister", resources=("ami",), aliases=("delete",))
class Deregister(Action):
    """DeregisterImage per image (``delete`` is accepted as an alias); ``delete-snapshots``
    also deletes the image's EBS snapshots. Images owned by another account are skipped."""
    schema = {"delete-snapshots": {"type": "boolean"}}
    permissions = ("ec2:DeregisterImage", "ec2:DeleteSnapshot")

    def process(self, resources):
        client = self.manager.client()
        account = self.manager.ctx.account_id
        foreign = [r for r in resources if r.get("OwnerId") not in (None, account)]
        if foreign:
            self.result["skipped"] = [r["ImageId"] for r in foreign]
        own = [r for r in resources if r not in foreign]

        def deregister(image):
            client.deregister_image(ImageId=image["ImageId"])
            if not self.data.get("delete-snapshots"):
                return
            for b in image.get("BlockDeviceMappings") or ():
                sid = b.get("Ebs", {}).get("SnapshotId")
                if not sid:
                    continue
                try:
                    client.delete_snapshot(SnapshotId=sid)
                except ClientError as e:
                    if not gone(e, "InvalidSnapshot.InUse", "InvalidSnapshot.NotFound"):
                        raise
        self.each(own, deregister)
        if self.data.get("delete-snapshots"):
            from ...resources.manager import ResourceManager
            ResourceManager.for_type(self.manager.ctx, "ebs-snapshot").invalidate()
