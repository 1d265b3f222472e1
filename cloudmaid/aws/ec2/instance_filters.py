"""EC2 instance filters with Cloud Custodian's names, keys and semantics: ages (instance-age,
instance-uptime, state-age) and related resources (ebs, security-group, subnet, image,
image-age, image-metadata, vpc, default-vpc). Related lookups are batched for all instances
and cached for the run."""
import re

from ...filters.core import filters, now_of
from ...filters.valuetypes import parse_date
from ...resources.related import (
    AgeFilter, RelatedFilter, RelatedValueFilter, lookup, value_filter)
from ..elb.network import DefaultVpcFilter

EC2 = ("ec2",)


@filters.register("instance-age", resources=EC2)
class InstanceAge(AgeFilter):
    """Age from the oldest attached EBS volume's AttachTime (LaunchTime changes on every
    start), falling back to LaunchTime for instance-store instances."""
    date_key = "LaunchTime"

    def resource_date(self, resource):
        attach = [b["Ebs"].get("AttachTime") for b in resource.get("BlockDeviceMappings") or ()
                  if "Ebs" in b]
        dates = [d for d in (parse_date(a) for a in attach) if d is not None]
        if dates:
            return min(dates)
        return super().resource_date(resource)

    def keys(self):
        return {"LaunchTime", "BlockDeviceMappings"}


@filters.register("instance-uptime", resources=EC2)
class InstanceUptime(AgeFilter):
    date_key = "LaunchTime"
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}


@filters.register("state-age", resources=EC2)
class StateAge(AgeFilter):
    """Time in the current state, from the date in StateTransitionReason, e.g.
    ``User initiated (2016-05-04 10:22:01 GMT)``; no date, no match."""
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}
    date_key = "StateTransitionReason"
    _paren = re.compile(r"\((.*?)\)")

    def resource_date(self, resource):
        reason = resource.get("StateTransitionReason")
        found = self._paren.findall(reason) if isinstance(reason, str) else ()
        return parse_date(found[0]) if found else None


@filters.register("ebs", resources=EC2)
class AttachedVolumes(RelatedValueFilter):
    """Value filter over an instance's attached EBS volumes: ``operator: or`` (default) matches
    when one volume matches, ``and`` when all do; ``skip-devices`` ignores devices such as
    ``/dev/sda1``. All instances' volumes come from one batched DescribeVolumes."""
    predicate = False
    schema = dict(RelatedFilter.schema, **{
        "skip-devices": {"type": "array", "items": {"type": "string"}}})
    schema.pop("match-resource")
    permissions = ("ec2:DescribeVolumes",)

    def process(self, resources, event=None):
        ids = [b["Ebs"]["VolumeId"] for r in resources
               for b in r.get("BlockDeviceMappings") or () if "VolumeId" in b.get("Ebs", {})]
        by_instance = {}
        for v in lookup(self.manager.ctx, "ebs", ids).values():
            if v.get("Attachments"):
                by_instance.setdefault(v["Attachments"][0].get("InstanceId"), []).append(v)
        skip = set(self.data.get("skip-devices") or ())
        match = value_filter(self.data, self.manager).match
        combine = all if self.data.get("operator", "or") == "and" else any
        out = []
        for r in resources:
            volumes = by_instance.get(r.get("InstanceId"))
            if not volumes:
                continue
            # skipped devices are dropped after the emptiness check, as Custodian does: with
            # operator 'and' an instance whose every volume is skipped matches (all of none)
            volumes = [v for v in volumes
                       if not any(a.get("Device") in skip for a in v.get("Attachments", ()))]
            if combine(match(v) for v in volumes):
                out.append(r)
        return out

    def keys(self):
        return {"BlockDeviceMappings", "InstanceId"}


@filters.register("security-group", resources=EC2)
class SecurityGroup(RelatedFilter):
    related_type = "security-group"
    ids_expression = "NetworkInterfaces[].Groups[].GroupId"
    annotation = "matched-security-groups"
    permissions = ("ec2:DescribeSecurityGroups",)


@filters.register("subnet", resources=EC2)
class Subnet(RelatedFilter):
    """Value filter on the instance's subnets. ``igw``/``nat`` (true or false) also ask whether
    the subnet's route table (its own, else its VPC's main one) routes to an internet or NAT
    gateway; ``operator`` combines those checks and the value filter per subnet (default
    ``and``) as well as the subnets (default ``or``), as in Custodian. Without ``key`` and
    ``value`` the value filter takes no part (Custodian counts it as passed, so with
    ``operator: or`` every subnet would match)."""
    related_type = "subnet"
    ids_expression = "NetworkInterfaces[].SubnetId"
    annotation = "matched-subnets"
    permissions = ("ec2:DescribeSubnets", "ec2:DescribeRouteTables")
    schema = dict(RelatedFilter.schema, igw={"enum": [True, False]},
                  nat={"enum": [True, False]})

    def validate(self):
        if self.gateways() and not ({"key", "value"} & set(self.data)):
            return []
        return super().validate()

    def gateways(self):
        return {k: self.data[k] for k in ("igw", "nat") if self.data.get(k) in (True, False)}

    def process(self, resources, event=None):
        if self.gateways():
            self._tables = route_tables(self.manager.ctx)
        return super().process(resources, event)

    def matcher(self, resource):
        wanted = self.gateways()
        if not wanted:
            return super().matcher(resource)
        value = super().matcher(resource) if {"key", "value"} & set(self.data) else None
        combine = any if self.data.get("operator", "and") == "or" else all

        def match(subnet):
            table = self._tables.get(subnet.get("SubnetId")) or \
                self._tables.get(subnet.get("VpcId"))
            routes = (table or {}).get("Routes") or ()
            has = {"igw": any((r.get("GatewayId") or "").startswith("igw-") for r in routes),
                   "nat": any(r.get("NatGatewayId") for r in routes)}
            checks = [table is not None and has[k] == want for k, want in wanted.items()]
            return combine(checks + ([value(subnet)] if value else []))
        return match


def route_tables(ctx):
    """Route tables by the subnet they are associated with, and main ones by VPC."""
    from ...resources.manager import ResourceManager
    out = {}
    for table in ResourceManager.for_type(ctx, "route-table").resources():
        for a in table.get("Associations") or ():
            if a.get("Main"):
                out[table.get("VpcId")] = table
            elif a.get("SubnetId"):
                out[a["SubnetId"]] = table
    return out


class InstanceImage:
    """The instance's AMI, looked up once for all instances, kept in ``c7n:instance-image``."""
    ANNOTATION = "c7n:instance-image"

    def images(self, resources):
        ids = [r.get("ImageId") for r in resources if self.ANNOTATION not in r]
        found = lookup(self.manager.ctx, "ami", ids)
        for r in resources:
            if self.ANNOTATION not in r:
                image = found.get(r.get("ImageId"))
                if image is not None:
                    r[self.ANNOTATION] = image
        return resources


@filters.register("image", resources=EC2)
class Image(InstanceImage, RelatedValueFilter):
    """Value filter on the instance's image; an instance whose image is gone never matches."""
    predicate = False
    schema = dict(RelatedFilter.schema)
    schema.pop("match-resource")
    schema.pop("operator")
    permissions = ("ec2:DescribeImages",)

    def process(self, resources, event=None):
        match = value_filter(self.data, self.manager).match
        return [r for r in self.images(resources)
                if r.get(self.ANNOTATION) is not None and match(r[self.ANNOTATION])]

    def keys(self):
        return {"ImageId"}


@filters.register("image-age", resources=EC2)
class ImageAge(InstanceImage, AgeFilter):
    """Age of the instance's image (CreationDate); an image that is gone counts as created
    in 2000, as Custodian does."""
    predicate = False
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}
    permissions = ("ec2:DescribeImages",)

    def run(self, resources, event, now):
        match = self.matcher(now, event)
        return [r for r in self.images(resources) if match(r)]

    def process(self, resources, event=None):
        return self.run(resources, event, now_of(self.manager))

    def resource_date(self, resource):
        image = resource.get(self.ANNOTATION)
        return parse_date(image.get("CreationDate") if image else "2000-01-01T01:01:01.000Z")

    def keys(self):
        return {"ImageId"}


@filters.register("image-metadata", resources=EC2)
class ImageMetadata(RelatedValueFilter):
    """Value filter on the instance's image as EC2 remembers it for the instance
    (DescribeInstanceImageMetadata: ``State``, ``DeprecationTime``, ``IsPublic`` ..., even for
    a deregistered image), kept in ``c7n:image-metadata``; none known is an empty one."""
    predicate = False
    schema = dict(RelatedFilter.schema)
    schema.pop("match-resource")
    schema.pop("operator")
    annotation = "c7n:image-metadata"
    permissions = ("ec2:DescribeInstanceImageMetadata",)
    batch = 50

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._vf = value_filter(self.data, manager)

    def fetch(self, instances):
        client = self.manager.client()
        for start in range(0, len(instances), self.batch):
            chunk = instances[start:start + self.batch]
            found = client.describe_instance_image_metadata(
                InstanceIds=[i["InstanceId"] for i in chunk]).get("InstanceImageMetadata") or ()
            known = {m.get("InstanceId"): m.get("ImageMetadata") or {} for m in found}
            for i in chunk:
                i[self.annotation] = known.get(i["InstanceId"], {})

    def process(self, resources, event=None):
        self.fetch([r for r in resources if self.annotation not in r])
        return [r for r in resources if self._vf.match(r[self.annotation])]

    def keys(self):
        return {"InstanceId"}


@filters.register("vpc", resources=EC2)
class Vpc(RelatedFilter):
    related_type = "vpc"
    ids_expression = "VpcId"
    annotation = "matched-vpcs"
    permissions = ("ec2:DescribeVpcs",)


@filters.register("default-vpc", resources=EC2)
class DefaultVpc(DefaultVpcFilter):
    """Instances in the region's default VPC."""
