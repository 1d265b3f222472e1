"""``invalid`` and ``valid`` (Cloud Custodian's): Auto Scaling groups that could not launch an
instance as configured -- a subnet, security group, key pair, load balancer, target group,
image or snapshot they name is gone, or their launch configuration/template is. The reasons
are kept in ``Invalid`` (``[check, id]`` pairs). Only what the groups name is looked up
(Custodian lists every subnet, group, key pair, ... of the account), so the filters also run
in Lambda, which Custodian refuses."""
from ...filters.core import filters
from ...resources.related import RelatedValueFilter
from .filters import group_subnets
from .launch import LaunchInfo, launch_id

ASG = ("asg",)


def _described(client, op, key, id_key, name, ids):
    """The ids among ``ids`` that ``op`` finds with describe filter ``name``."""
    ids = sorted(set(ids))
    found = set()
    for start in range(0, len(ids), 200):
        answer = getattr(client, op)(Filters=[{"Name": name, "Values": ids[start:start + 200]}])
        found.update(i[id_key] for i in answer.get(key) or ())
    return found


def _listed(client, op, key, id_key):
    return {i[id_key] for page in client.get_paginator(op).paginate() for i in page.get(key) or ()}


class Known:
    """What exists of the things ``groups`` and their configurations name."""

    def __init__(self, manager, groups):
        ctx = manager.ctx
        self.info = LaunchInfo(manager, groups)
        configs = [c for _, c in self.info.items()]
        ec2 = ctx.session_factory.client("ec2", ctx.region)
        self.subnets = _described(ec2, "describe_subnets", "Subnets", "SubnetId", "subnet-id",
                                  [s for g in groups for s in group_subnets(g)])
        self.default_zones = set()
        if any(not group_subnets(g) for g in groups):
            self.default_zones = {s["AvailabilityZone"] for s in ec2.describe_subnets(Filters=[
                {"Name": "default-for-az", "Values": ["true"]}]).get("Subnets") or ()}
        self.security_groups = _described(
            ec2, "describe_security_groups", "SecurityGroups", "GroupId", "group-id",
            [s.strip() for c in configs for s in security_groups(c)])
        self.key_pairs = _described(ec2, "describe_key_pairs", "KeyPairs", "KeyName", "key-name",
                                    [c["KeyName"].strip() for c in configs if c.get("KeyName")])
        self.elbs = _listed(ctx.session_factory.client("elb", ctx.region),
                            "describe_load_balancers", "LoadBalancerDescriptions",
                            "LoadBalancerName") if any(g.get("LoadBalancerNames") for g in groups) else set()
        self.target_groups = _listed(ctx.session_factory.client("elbv2", ctx.region),
                                     "describe_target_groups", "TargetGroups", "TargetGroupArn") \
            if any(g.get("TargetGroupARNs") for g in groups) else set()
        images = self.info.images()
        self.images = set(images)
        self.image_snapshots = {b["Ebs"]["SnapshotId"].strip() for i in images.values()
                                for b in i.get("BlockDeviceMappings") or ()
                                if "SnapshotId" in (b.get("Ebs") or {})}
        self.snapshots = set(self.info.snapshots(
            [s for c in configs for s in snapshot_ids(c)]))

    def errors(self, group):
        errors = []
        subnets = group_subnets(group)
        config = self.info.get(group)
        for s in subnets:
            if s not in self.subnets:
                errors.append(["invalid-subnet", s])
        if not subnets and "NetworkInterfaces" not in (config or {}):
            errors.extend(["invalid-availability-zone", z]
                          for z in group.get("AvailabilityZones") or () if z not in self.default_zones)
        errors.extend(["invalid-elb", e.strip()] for e in group.get("LoadBalancerNames") or ()
                      if e.strip() not in self.elbs)
        errors.extend(["invalid-appelb-target-group", t.strip()]
                      for t in group.get("TargetGroupARNs") or () if t.strip() not in self.target_groups)
        if config is None:
            lid = launch_id(group)
            errors.append(["invalid-config", list(lid) if isinstance(lid, tuple) else lid])
            return errors
        errors.extend(["invalid-security-group", s.strip()] for s in security_groups(config)
                      if s.strip() not in self.security_groups)
        if config.get("KeyName") and config["KeyName"].strip() not in self.key_pairs:
            errors.append(["invalid-key-pair", config["KeyName"]])
        if config.get("ImageId") and config["ImageId"].strip() not in self.images:
            errors.append(["invalid-image", config["ImageId"]])
        errors.extend(["invalid-snapshot", s] for s in snapshot_ids(config)
                      if s not in self.image_snapshots and s not in self.snapshots)
        return errors


def security_groups(config):
    return list(config.get("SecurityGroups") or ()) + list(config.get("SecurityGroupIds") or ())


def snapshot_ids(config):
    return [b["Ebs"]["SnapshotId"].strip() for b in config.get("BlockDeviceMappings") or ()
            if "SnapshotId" in (b.get("Ebs") or {})]


class Validity(RelatedValueFilter):
    predicate = False
    schema = {}
    permissions = ("ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeKeyPairs",
                   "ec2:DescribeImages", "ec2:DescribeSnapshots",
                   "elasticloadbalancing:DescribeLoadBalancers",
                   "elasticloadbalancing:DescribeTargetGroups") + LaunchInfo.permissions
    invalid = True

    def validate(self):
        return []

    def process(self, resources, event=None):
        if not resources:
            return []
        known = Known(self.manager, resources)
        out = []
        for g in resources:
            errors = known.errors(g)
            if errors and self.invalid:
                g["Invalid"] = errors
            if bool(errors) == self.invalid:
                out.append(g)
        return out


@filters.register("invalid", resources=ASG)
class Invalid(Validity):
    """Groups that could not launch as configured; the reasons in ``Invalid``."""


@filters.register("valid", resources=ASG)
class Valid(Validity):
    """Groups whose subnets, security groups, key pair, load balancers, image and snapshots
    all exist (the inverse of ``invalid``)."""
    invalid = False
