"""AMIs: their own filters and actions (Custodian's names, keys and defaults). Actions that
change an image act on the account's own images only; images another account owns (a
``query`` can list them) are skipped and reported."""
import datetime

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import Filter, filters
from ...filters.value import ValueFilter
from ...resources.manager import ResourceManager
from ...resources.related import AgeFilter, RelatedValueFilter, value_filter
from .. import once
from . import usage
from .usage import gone

AMI = ("ami",)


@filters.register("image-age", resources=AMI)
class AmiAge(AgeFilter):
    date_key = "CreationDate"
    schema = {"days": {"type": "number", "minimum": 0}, "op": AgeFilter.schema["op"]}


@filters.register("unused", resources=AMI)
class UnusedImage(Filter):
    """``value: true`` (default): images no instance runs from (in any state) and no Auto
    Scaling group launches from; ``false``: images in use."""
    predicate = False
    schema = {"value": {"type": "boolean"}}
    permissions = ("ec2:DescribeInstances",) + usage.LAUNCH_PERMISSIONS

    def process(self, resources, event=None):
        ctx = self.manager.ctx
        used = usage.instance_image_ids(ctx) | usage.launch_image_ids(ctx)
        unused = self.data.get("value", True)
        return [r for r in resources if (r["ImageId"] not in used) == unused]


ATTRIBUTES = ("description", "kernel", "ramdisk", "launchPermission", "launchPermissions",
              "productCodes", "blockDeviceMapping", "sriovNetSupport", "bootMode", "tpmSupport",
              "uefiData", "lastLaunchedTime", "imdsSupport")
#: Custodian's name for it, which AWS refuses
ALIASES = {"launchPermissions": "launchPermission"}


@filters.register("image-attribute", resources=AMI)
class ImageAttribute(RelatedValueFilter):
    """Value filter on one DescribeImageAttribute ``attribute`` of the image, kept as
    ``c7n:attribute-<attribute>`` (``key: Value`` for the scalar ones). Custodian's
    ``launchPermissions`` asks AWS for ``launchPermission``."""
    predicate = False
    schema = dict(ValueFilter.schema, attribute={"enum": list(ATTRIBUTES)})
    required = ("attribute",)
    permissions = ("ec2:DescribeImageAttribute",)

    def value_data(self):
        return {k: v for k, v in self.data.items() if k != "attribute"}

    def validate(self):
        from ...resources.related import value_filter_problems
        return value_filter_problems(self.value_data(), self.manager)

    def process(self, resources, event=None):
        attribute = self.data["attribute"]
        key = f"c7n:attribute-{attribute}"
        client = self.manager.client()
        vf = value_filter(self.value_data(), self.manager)
        out = []
        for r in resources:
            if key not in r:
                try:
                    answer = client.describe_image_attribute(
                        ImageId=r["ImageId"], Attribute=ALIASES.get(attribute, attribute))
                except ClientError as e:
                    if gone(e, "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"):
                        continue
                    raise
                rest = [k for k in answer if k not in ("ResponseMetadata", "ImageId")]
                r[key] = answer[rest[0]] if rest else None
            if vf.match(r[key]):
                out.append(r)
        return out

    def keys(self):
        return None


class OwnImages(Action):
    """Acts on the account's own images; the others are skipped (Custodian's filter)."""

    def own(self, resources):
        account = self.manager.ctx.account_id
        foreign = [r for r in resources if r.get("OwnerId") not in (None, account)]
        if foreign:
            self.result["skipped"] = [r["ImageId"] for r in foreign]
        return [r for r in resources if r not in foreign]


@actions.register("deregister", resources=AMI, aliases=("delete",))
class Deregister(OwnImages):
    """DeregisterImage per image (``delete`` is accepted as an alias); ``delete-snapshots``
    also deletes the image's EBS snapshots."""
    schema = {"delete-snapshots": {"type": "boolean"}}
    permissions = ("ec2:DeregisterImage", "ec2:DeleteSnapshot")

    def process(self, resources):
        client = self.manager.client()

        def deregister(image):
            client.deregister_image(ImageId=image["ImageId"])
            if not self.data.get("delete-snapshots"):
                return
            for sid in sorted(usage.device_snapshots(image.get("BlockDeviceMappings"))):
                try:
                    client.delete_snapshot(SnapshotId=sid)
                except ClientError as e:
                    if not gone(e, "InvalidSnapshot.InUse", "InvalidSnapshot.NotFound"):
                        raise
        self.each(self.own(resources), deregister)
        if self.data.get("delete-snapshots"):
            ResourceManager.for_type(self.manager.ctx, "ebs-snapshot").invalidate()


@actions.register("set-deprecation", resources=AMI)
class SetDeprecation(OwnImages):
    """Deprecates images at ``date`` (a date or time), ``days`` from now or ``age`` days
    after their creation; with none of them, cancels the deprecation. AWS refuses a time in
    the past: such a time becomes a minute from now, as in Custodian."""
    schema = {"date": {"type": "string"}, "days": {"type": "integer"},
              "age": {"type": "integer"}}
    permissions = ("ec2:EnableImageDeprecation", "ec2:DisableImageDeprecation")

    def validate(self):
        from ...filters.valuetypes import parse_date
        given = [k for k in ("date", "days", "age") if k in self.data]
        if len(given) > 1:
            return [((given[1],), f"give one of date, days or age, not {' and '.join(given)}")]
        if "date" in self.data and parse_date(self.data["date"]) is None:
            return [(("date",), f"'{self.data['date']}' is not a date")]
        for key in ("days", "age"):
            value = self.data.get(key)
            if isinstance(value, int) and not -36500 <= value <= 36500:
                return [((key,), f"{value} days is out of range")]
        return []

    def when(self, image, now):
        from ...filters.valuetypes import parse_date
        if "date" in self.data:
            return parse_date(self.data["date"])
        if "days" in self.data:
            return now + datetime.timedelta(days=self.data["days"])
        created = parse_date(image.get("CreationDate"))
        return created + datetime.timedelta(days=self.data["age"]) if created else None

    def process(self, resources):
        client = self.manager.client()
        undo = not any(k in self.data for k in ("date", "days", "age"))

        def deprecate(image):
            if undo:
                return client.disable_image_deprecation(ImageId=image["ImageId"])
            now = datetime.datetime.now(datetime.timezone.utc)
            at = self.when(image, self.manager.ctx.now or now)
            if at is None or at < now:
                at = now + datetime.timedelta(minutes=1)
            client.enable_image_deprecation(ImageId=image["ImageId"], DeprecateAt=at)
        self.each(self.own(resources), deprecate)


@actions.register("copy", resources=AMI)
class CopyImage(Action):
    """CopyImage into ``region`` (default: the policy's), named ``name`` (default: the
    image's) with ``description`` (default: the image's); ``encrypt`` with KMS key
    ``key-id`` (default: the account's EBS default key). The copies are reported by source."""
    schema = {"name": {"type": "string"}, "description": {"type": "string"},
              "region": {"type": "string"}, "encrypt": {"type": "boolean"},
              "key-id": {"type": "string"}}
    permissions = ("ec2:CopyImage",)

    def process(self, resources):
        region = self.manager.ctx.region
        client = self.manager.client(region=self.data.get("region") or region)
        self.result["copies"] = {}

        def copy(image):
            params = {"Name": self.data.get("name", image.get("Name")),
                      "Description": self.data.get("description", image.get("Description", "")),
                      "SourceRegion": region, "SourceImageId": image["ImageId"],
                      "Encrypted": self.data.get("encrypt", False)}
            if self.data.get("key-id"):   # Custodian sends "" without one, which AWS refuses
                params["KmsKeyId"] = self.data["key-id"]
            # the same token on every attempt: AWS answers a repeat with the first copy
            params["ClientToken"] = once.token(self.manager, "CopyImage", image["ImageId"],
                                               self.data.get("region") or region)
            self.result["copies"][image["ImageId"]] = client.copy_image(**params)["ImageId"]
        self.each(resources, copy)
        if (self.data.get("region") or region) == region:
            ResourceManager.for_type(self.manager.ctx, "ami").invalidate()
