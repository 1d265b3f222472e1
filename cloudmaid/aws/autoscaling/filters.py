"""Auto Scaling group filters with Cloud Custodian's names, keys and semantics: what groups
launch (launch-config, image, image-age, not-encrypted, user-data), whether they could launch
at all (invalid, valid), their capacity and VPC. Launch configurations and templates are read
once per filter run for all groups (launch.py)."""
import base64
import zlib

from ...filters.core import filters, now_of
from ...filters.valuetypes import parse_date
from ...resources.related import AgeFilter, RelatedFilter, RelatedValueFilter, value_filter
from .launch import LaunchInfo

ASG = ("asg",)
_VALUE = dict(RelatedFilter.schema)
_VALUE.pop("match-resource")
_VALUE.pop("operator")
#: value filters whose key is fixed (Custodian overrides whatever key a policy gives)
_VALUE_NO_KEY = {k: v for k, v in _VALUE.items() if k != "key"}


def group_subnets(group):
    return [s.strip() for s in (group.get("VPCZoneIdentifier") or "").split(",") if s.strip()]


@filters.register("launch-config", resources=ASG)
class LaunchConfigFilter(RelatedValueFilter):
    """Value filter on the group's launch configuration or launch template data; a group
    whose configuration is gone never matches."""
    predicate = False
    schema = _VALUE
    permissions = LaunchInfo.permissions

    def process(self, resources, event=None):
        info = LaunchInfo(self.manager, resources)
        match = value_filter(self.data, self.manager).match
        return [r for r in resources if info.get(r) is not None and match(info.get(r))]


class ImageFilters:
    def images_of(self, groups):
        info = LaunchInfo(self.manager, groups)
        images = info.images()
        return {g["AutoScalingGroupName"]: images.get((info.get(g) or {}).get("ImageId"))
                for g in groups}


@filters.register("image", resources=ASG)
class ImageFilter(ImageFilters, RelatedValueFilter):
    """Value filter on the image the group launches; a group whose image is gone never
    matches."""
    predicate = False
    schema = _VALUE
    permissions = ("ec2:DescribeImages",) + LaunchInfo.permissions

    def process(self, resources, event=None):
        images = self.images_of(resources)
        match = value_filter(self.data, self.manager).match
        return [r for r in resources if images[r["AutoScalingGroupName"]] is not None
                and match(images[r["AutoScalingGroupName"]])]


@filters.register("image-age", resources=ASG)
class ImageAgeFilter(ImageFilters, AgeFilter):
    """Age of the image the group launches (CreationDate); an image that is gone counts as
    created in 2000, as Custodian does."""
    predicate = False
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}
    permissions = ("ec2:DescribeImages",) + LaunchInfo.permissions

    def run(self, resources, event, now):
        self._images = self.images_of(resources)
        match = self.matcher(now, event)
        return [r for r in resources if match(r)]

    def process(self, resources, event=None):
        return self.run(resources, event, now_of(self.manager))

    def resource_date(self, resource):
        image = self._images.get(resource["AutoScalingGroupName"])
        return parse_date(image.get("CreationDate") if image else "2000-01-01T01:01:01.000Z")

    def keys(self):
        return None


@filters.register("not-encrypted", resources=ASG)
class NotEncrypted(ImageFilters, RelatedValueFilter):
    """Groups launching unencrypted volumes: from the image's snapshots (``Image``, unless
    ``exclude_image``) or from the configuration's own block devices (``LaunchConfig``: a
    device without a snapshot and not encrypted, or from an unencrypted snapshot; devices the
    image defines take precedence). The reasons are kept in ``Unencrypted``."""
    predicate = False
    schema = {"exclude_image": {"type": "boolean"}}
    permissions = ("ec2:DescribeImages", "ec2:DescribeSnapshots",
                   "autoscaling:DescribeLaunchConfigurations")

    def validate(self):
        return []

    def process(self, resources, event=None):
        info = LaunchInfo(self.manager, resources)
        images = info.images()
        snapshot_ids = [b["Ebs"]["SnapshotId"].strip() for _, c in info.items()
                        for b in c.get("BlockDeviceMappings") or ()
                        if "SnapshotId" in (b.get("Ebs") or {})]
        snapshots = info.snapshots(snapshot_ids)
        out = []
        for g in resources:
            config = info.get(g)
            if not config:
                continue
            reasons = []
            image = images.get(config.get("ImageId"))
            if not self.data.get("exclude_image") and image is not None and any(
                    "Ebs" in b and not b["Ebs"].get("Encrypted")
                    for b in image.get("BlockDeviceMappings") or ()):
                reasons.append("Image")
            if self.config_unencrypted(config, image, snapshots):
                reasons.append("LaunchConfig")
            if reasons:
                g["Unencrypted"] = reasons
                out.append(g)
        return out

    @staticmethod
    def config_unencrypted(config, image, snapshots):
        image_devices = {b["DeviceName"] for b in (image or {}).get("BlockDeviceMappings") or ()
                         if "Ebs" in b}
        for b in config.get("BlockDeviceMappings") or ():
            ebs = b.get("Ebs")
            if ebs is None or b.get("DeviceName") in image_devices:
                continue
            if "SnapshotId" in ebs:
                snap = snapshots.get(ebs["SnapshotId"].strip())
                if snap is not None and not snap.get("Encrypted"):
                    return True
            elif not ebs.get("Encrypted"):
                return True
        return False


@filters.register("capacity-delta", resources=ASG)
class CapacityDelta(RelatedValueFilter):
    """Groups with fewer instances than desired or than their minimum."""
    schema = {}

    def validate(self):
        return []

    def match(self, resource, event=None):
        count = len(resource.get("Instances") or ())
        return count < resource.get("DesiredCapacity", 0) or count < resource.get("MinSize", 0)

    def keys(self):
        return {"Instances", "DesiredCapacity", "MinSize"}


@filters.register("vpc-id", resources=ASG)
class VpcId(RelatedValueFilter):
    """Value filter on the VPC of the group's first subnet, kept in ``VpcId``; groups outside
    a VPC (or whose subnet is gone) are compared as lacking it."""
    predicate = False
    schema = _VALUE_NO_KEY
    permissions = ("ec2:DescribeSubnets",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.data = dict(self.data, key="VpcId")

    def process(self, resources, event=None):
        from ...resources.manager import ResourceManager
        subnets = {s["SubnetId"]: s for s in
                   ResourceManager.for_type(self.manager.ctx, "subnet").resources()}
        for g in resources:
            first = (group_subnets(g) or [None])[0]
            if first in subnets:
                g["VpcId"] = subnets[first]["VpcId"]
        match = value_filter(self.data, self.manager).match
        return [g for g in resources if match(g)]


def user_data(encoded):
    """Launch user data as text: base64, possibly gzip-compressed."""
    raw = base64.b64decode(encoded)
    if raw[:2] == b"\x1f\x8b":
        raw = zlib.decompress(raw, 16 + zlib.MAX_WBITS)
    return raw.decode("utf-8", "replace")


@filters.register("user-data", resources=ASG)
class UserData(RelatedValueFilter):
    """Value filter on the decoded user data the group launches with, kept in
    ``c7n:user-data`` (None when it has none). Custodian's regexes use ``re.match``: start
    them with ``(?smi).*`` to search multi-line user data."""
    predicate = False
    schema = _VALUE_NO_KEY
    permissions = LaunchInfo.permissions
    annotation = "c7n:user-data"

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.data = dict(self.data, key='"c7n:user-data"')

    def process(self, resources, event=None):
        info = LaunchInfo(self.manager, resources)
        match = value_filter(self.data, self.manager).match
        out = []
        for g in resources:
            config = info.get(g) or {}
            encoded = config.get("UserData")
            g[self.annotation] = user_data(encoded) if encoded else None
            if match(g):
                out.append(g)
        return out


@filters.register("propagated-tags", resources=ASG, aliases=("progagated-tags",))
class PropagatedTags(RelatedValueFilter):
    """Groups where every tag of ``keys`` is set and propagates at launch (``propagate:
    true``, the default) or does not (``false``); ``match: false`` selects the others."""
    schema = {"keys": {"type": "array", "items": {"type": "string"}},
              "match": {"type": "boolean"}, "propagate": {"type": "boolean"}}
    permissions = ("autoscaling:DescribeAutoScalingGroups",)

    def validate(self):
        return []

    def match(self, resource, event=None):
        keys = self.data.get("keys") or []
        propagate = self.data.get("propagate", True)
        found = {t["Key"] for t in resource.get("Tags") or ()
                 if t["Key"] in keys and bool(t.get("PropagateAtLaunch")) == propagate}
        return all(k in found for k in keys) == self.data.get("match", True)

    def keys(self):
        return {"Tags"}
