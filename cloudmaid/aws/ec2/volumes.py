"""EBS volumes: filters on what they are attached to and how they may change, and the actions
changing them one volume at a time (Custodian's names, keys and defaults).

``Action.each`` records a failure and carries on with the other volumes; a volume already
gone counts as done, as in Custodian.
"""
import datetime

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import Filter, filters
from ...filters.listitem import ListItemFilter
from ...filters.value import ValueFilter
from ...resources.manager import ResourceManager
from ...resources.related import RelatedFilter, RelatedValueFilter, lookup, value_filter
from .. import once
from .usage import gone, policy_filters

EBS = ("ebs",)


@filters.register("instance", resources=EBS)
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


@filters.register("kms-alias", resources=EBS)
class KmsAlias(RelatedValueFilter):
    """Value filter on the KMS alias of the volume's key (kept as ``KeyAlias``); volumes
    without a key never match."""
    predicate = False
    schema = ValueFilter.schema
    permissions = ("kms:ListAliases",)

    def process(self, resources, event=None):
        aliases = {a.get("TargetKeyId"): a
                   for a in ResourceManager.for_type(self.manager.ctx, "kms").resources()
                   if a.get("TargetKeyId")}
        vf = value_filter(self.data, self.manager)
        out = []
        for r in resources:
            if r.get("KmsKeyId"):
                r["KeyAlias"] = aliases.get(r["KmsKeyId"].split("key/", 1)[-1])
                if vf.match(r["KeyAlias"] or {}):
                    out.append(r)
        return out


@filters.register("snapshots", resources=EBS)
class VolumeSnapshots(ListItemFilter):
    """Filters on the volume's snapshots (``attrs``, ``count``/``count_op`` as list-item),
    read with one DescribeSnapshots per 30 volumes and kept as ``c7n:Snapshots``."""
    schema = {k: v for k, v in ListItemFilter.schema.items() if k != "key"}
    required = ()
    permissions = ("ec2:DescribeSnapshots",)
    annotation = "c7n:Snapshots"

    def __init__(self, data, manager=None, path=()):
        data = data if isinstance(data, dict) else {"type": data}
        super().__init__(dict(data, key=f'"{self.annotation}"'), manager, path)

    def run(self, resources, event, now):
        client = self.manager.client()
        for start in range(0, len(resources), 30):
            batch = resources[start:start + 30]
            found = {}
            pages = client.get_paginator("describe_snapshots").paginate(
                Filters=[{"Name": "volume-id", "Values": [r["VolumeId"] for r in batch]}])
            for page in pages:
                for s in page.get("Snapshots") or ():
                    found.setdefault(s.get("VolumeId"), []).append(s)
            for r in batch:
                r[self.annotation] = found.get(r["VolumeId"], [])
        return super().run(resources, event, now)

    def keys(self):
        return {"VolumeId"}


@filters.register("fault-tolerant", resources=EBS)
class FaultTolerant(Filter):
    """Volumes with (``tolerant: true``, the default) or without a recent snapshot, as
    Trusted Advisor's "Amazon EBS Snapshots" check flags them. The check is refreshed first,
    except in dry runs (refreshing is a write)."""
    predicate = False
    check_id = "H7IgTzjTYb"
    schema = {"tolerant": {"type": "boolean"}}
    permissions = ("support:RefreshTrustedAdvisorCheck",
                   "support:DescribeTrustedAdvisorCheckResult")

    def flagged(self):
        from ..account.limits import SUPPORT_REGIONS
        ctx = self.manager.ctx
        client = self.manager.client("support", SUPPORT_REGIONS.get(ctx.partition, "us-east-1"))
        if not ctx.dryrun:
            client.refresh_trusted_advisor_check(checkId=self.check_id)
        result = client.describe_trusted_advisor_check_result(
            checkId=self.check_id, language="en")["result"]
        return {r["metadata"][1] for r in result.get("flaggedResources") or ()
                if len(r.get("metadata") or ()) > 1}

    def process(self, resources, event=None):
        flagged = self.flagged()
        tolerant = self.data.get("tolerant", True)
        return [r for r in resources if (r["VolumeId"] not in flagged) == tolerant]


#: instance types that cannot modify an attached volume online
OLDER_GENERATION = {
    "m1.small", "m1.medium", "m1.large", "m1.xlarge", "c1.medium", "c1.xlarge", "cc2.8xlarge",
    "m2.xlarge", "m2.2xlarge", "m2.4xlarge", "cr1.8xlarge", "hi1.4xlarge", "hs1.8xlarge",
    "cg1.4xlarge", "t1.micro", "m3.large", "m3.xlarge", "m3.2xlarge"}
#: attachments older than this predate online modification
ELASTIC_VOLUMES = datetime.datetime(2016, 11, 1, tzinfo=datetime.timezone.utc)


@filters.register("modifyable", resources=EBS)
class Modifyable(Filter):
    """Volumes that can be modified online: not ``standard`` (magnetic), unattached or attached
    after 2016-11-01 to a current-generation instance, and not being modified now
    (DescribeVolumesModifications: modifying, optimizing or failed)."""
    predicate = False
    schema = {}
    permissions = ("ec2:DescribeInstances", "ec2:DescribeVolumesModifications")

    def process(self, resources, event=None):
        from ...filters.valuetypes import parse_date
        out, attached = [], []
        for r in resources:
            if r.get("VolumeType") == "standard":
                continue
            if not r.get("Attachments"):
                out.append(r)
                continue
            when = parse_date(r["Attachments"][0].get("AttachTime"))
            if when is None or when >= ELASTIC_VOLUMES:
                attached.append(r)
        instances = lookup(self.manager.ctx, "ec2",
                           [r["Attachments"][0].get("InstanceId") for r in attached])
        for r in attached:
            instance = instances.get(r["Attachments"][0].get("InstanceId"))
            if instance is not None and instance.get("InstanceType") not in OLDER_GENERATION:
                out.append(r)
        busy = set()
        client = self.manager.client()
        for start in range(0, len(out), 197):   # 200 filter values, 3 of them states
            answer = client.describe_volumes_modifications(Filters=[
                {"Name": "volume-id", "Values": [r["VolumeId"] for r in out[start:start + 197]]},
                {"Name": "modification-state", "Values": ["modifying", "optimizing", "failed"]}])
            busy |= {m["VolumeId"] for m in answer.get("VolumesModifications") or ()}
        return [r for r in out if r["VolumeId"] not in busy]

    def keys(self):
        return {"VolumeType", "Attachments"}


@actions.register("modify", resources=EBS)
class Modify(Action):
    """ModifyVolume per volume: ``volume-type``, ``size-percent`` (of the current size; below
    100 needs ``shrink: true``) and ``iops-percent`` (of the current IOPS, on io1/io2/gp3
    targets: at least 100 for io1/io2, 3000 for gp3). The policy needs the ``modifyable``
    filter, as in Custodian."""
    schema = {"volume-type": {"enum": ["io1", "io2", "gp2", "gp3", "st1", "sc1"]},
              "shrink": {"type": "boolean"}, "size-percent": {"type": "number"},
              "iops-percent": {"type": "number"}}
    permissions = ("ec2:ModifyVolume",)

    def validate(self):
        out = []
        names = policy_filters(self.manager)
        if names is not None and "modifyable" not in names:
            out.append(((), "the modify action needs the modifyable filter in the policy"))
        if self.data.get("size-percent", 100) < 100 and not self.data.get("shrink", False):
            out.append((("size-percent",), "shrinking a volume needs OS and file system "
                                           "support, or data is lost: add shrink: true"))
        return out

    def params(self, volume):
        vtype = self.data.get("volume-type")
        size, iops = self.data.get("size-percent"), self.data.get("iops-percent")
        params = {"VolumeId": volume["VolumeId"]}
        target = vtype or volume.get("VolumeType")
        if iops and target in ("io1", "io2", "gp3"):
            base, least = (int(volume.get("Iops") or 3000), 3000) if target == "gp3" else \
                (int(volume.get("Iops") or 10), 100)
            params["Iops"] = max(int(base * iops / 100.0), least)
        if size:
            params["Size"] = max(int(volume["Size"] * size / 100.0), 1)
        if vtype:
            params["VolumeType"] = vtype
        return params

    def process(self, resources):
        client = self.manager.client()
        self.each(resources, lambda v: client.modify_volume(**self.params(v)))


@actions.register("detach", resources=EBS)
class Detach(Action):
    """DetachVolume for each attachment of the volume (``force``: a forced detach)."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("ec2:DetachVolume",)

    def process(self, resources):
        client = self.manager.client()
        force = bool(self.data.get("force", False))

        def detach(volume):
            for a in volume.get("Attachments") or ():
                try:
                    client.detach_volume(InstanceId=a["InstanceId"], VolumeId=volume["VolumeId"],
                                         Force=force)
                except ClientError as e:
                    if not gone(e, "InvalidVolume.NotFound", "IncorrectState",
                                "InvalidAttachment.NotFound"):
                        raise
        self.each([r for r in resources if r.get("Attachments")], detach)


@actions.register("copy-instance-tags", resources=EBS)
class CopyInstanceTags(Action):
    """Copies the attached instance's tags (only those in ``tags`` when given; not ``aws:``
    ones, nor those the volume already has with the same value) to the volume, with
    ``LastAttachTime`` and ``LastAttachInstance`` unless the volume already names that
    instance. Unattached volumes are skipped; more than 40 tags to copy are not copied."""
    schema = {"tags": {"type": "array", "items": {"type": "string"}}}
    permissions = ("ec2:DescribeInstances", "ec2:CreateTags")

    def volume_tags(self, volume, instance):
        only = self.data.get("tags") or []
        have = {t["Key"]: t["Value"] for t in volume.get("Tags") or ()}
        copy = [t for t in instance.get("Tags") or ()
                if (not only or t["Key"] in only) and have.get(t["Key"], object()) != t["Value"]
                and not t["Key"].startswith("aws:")]
        attachment = volume["Attachments"][0]
        if have.get("LastAttachInstance") != attachment["InstanceId"]:
            when = attachment.get("AttachTime")
            copy.append({"Key": "LastAttachTime",
                         "Value": when.isoformat() if hasattr(when, "isoformat") else str(when)})
            copy.append({"Key": "LastAttachInstance", "Value": attachment["InstanceId"]})
        return copy

    def process(self, resources):
        attached = [v for v in resources
                    if v.get("Attachments") and v["Attachments"][0].get("InstanceId")]
        self.result["skipped"] = [v["VolumeId"] for v in resources if v not in attached]
        instances = {i["InstanceId"]: i for i in ResourceManager.for_type(
            self.manager.ctx, "ec2").get_resources(
                [v["Attachments"][0]["InstanceId"] for v in attached])}
        client = self.manager.client()

        def copy(volume):
            instance = instances.get(volume["Attachments"][0]["InstanceId"])
            tags = self.volume_tags(volume, instance) if instance else []
            if not tags or len(tags) > 40:
                return
            try:
                client.create_tags(Resources=[volume["VolumeId"]], Tags=tags)
            except ClientError as e:
                if not gone(e, "InvalidVolume.NotFound"):
                    raise
        self.each(attached, copy)
        ResourceManager.for_type(self.manager.ctx, "ebs").invalidate()


@actions.register("snapshot", resources=EBS)
class Snapshot(Action):
    """CreateSnapshot per volume, tagged at creation: the volume's tags (``copy-volume-tags``,
    default true, or the ``copy-tags`` list, ``'*'`` for all) plus ``tags`` (default
    ``custodian_snapshot: ''``, so Custodian's own snapshot policies recognise them)."""
    schema = {"copy-tags": {"type": "array", "items": {"type": "string"}},
              "copy-volume-tags": {"type": "boolean"}, "tags": {"type": "object"},
              "description": {"type": "string"}}
    permissions = ("ec2:CreateSnapshot", "ec2:CreateTags", "ec2:DescribeSnapshots")

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
                self.result["snapshots"].append(once.ec2_snapshot_write(
                    self.manager, "CreateSnapshot", params, volume["VolumeId"])["SnapshotId"])
            except ClientError as e:
                if not gone(e, "InvalidVolume.NotFound"):
                    raise
        self.each(resources, snap)


@actions.register("delete", resources=EBS)
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
