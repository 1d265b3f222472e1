"""Security groups in use: Cloud Custodian's ``unused`` and ``used`` filters.

A group is used when something names it: a network interface, another group's rule (a group
naming itself does not count), a Lambda function's VPC config, a launch configuration, an
EventBridge target running ECS tasks, a CodeBuild project, a Batch compute environment -- and,
unlike Custodian, a launch template version (an Auto Scaling group launching from a template
whose group was deleted as "unused" can no longer launch). Groups outside a VPC are never
unused; an unused candidate still referenced from a peered VPC
(DescribeSecurityGroupReferences) is used. ``used`` annotates each group with what its
in-use network interfaces are: ``c7n:InstanceOwnerIds`` (amazon-rds, amazon-elb, ...),
``c7n:InterfaceTypes`` (nat_gateway, lambda, ...), ``c7n:InterfaceResourceTypes`` (ec2,
elb-app, rds, ...).
"""
import jmespath

from ...filters.core import Filter, filters
from ...resources.manager import ResourceManager
# the declarations (and managers) of the types scanned: imported so that a function's zip,
# which holds what its modules import (mu/package.py), has them
from ..autoscaling import manager as _launch_templates, types as _autoscaling  # noqa: F401
from ..awslambda import manager as _functions, types as _lambda  # noqa: F401
from ..vpc import types as _interfaces  # noqa: F401
from ..vpc.interfaces import interface_kind

SG = ("security-group",)
#: references asked per DescribeSecurityGroupReferences call
REFERENCE_BATCH = 200
_ECS_GROUPS = jmespath.compile(
    "EcsParameters.NetworkConfiguration.awsvpcConfiguration.SecurityGroups[]")
_TEMPLATE_GROUPS = jmespath.compile(
    "LaunchTemplateData.[SecurityGroupIds[], NetworkInterfaces[].Groups[]][]")

class SGUsage(Filter):
    predicate = False
    permissions = (
        "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSecurityGroupReferences", "ec2:DescribeLaunchTemplates",
        "ec2:DescribeLaunchTemplateVersions", "lambda:ListFunctions",
        "autoscaling:DescribeLaunchConfigurations", "events:ListRules",
        "events:ListTargetsByRule", "codebuild:ListProjects", "codebuild:BatchGetProjects",
        "batch:DescribeComputeEnvironments")

    def listing(self, type_name):
        return ResourceManager.for_type(self.manager.ctx, type_name).resources()

    # -- who names which group ---------------------------------------------------------------
    def interfaces(self):
        return self.listing("eni")

    def scanners(self):
        return (self.interface_groups, self.rule_groups, self.lambda_groups,
                self.launch_config_groups, self.launch_template_groups, self.ecs_target_groups,
                self.codebuild_groups, self.batch_groups)

    def used_ids(self):
        """Every group id something names (one scan per run: later policies share it)."""
        key = ("sg-used", self.manager.ctx.region)
        cache = self.manager.ctx.cache
        if key not in cache:
            cache[key] = set().union(*(scan() for scan in self.scanners()))
        return cache[key]

    def interface_groups(self):
        return {g["GroupId"] for nic in self.interfaces() for g in nic.get("Groups") or ()}

    def rule_groups(self):
        return {pair["GroupId"] for sg in self.listing("security-group")
                for key in ("IpPermissions", "IpPermissionsEgress")
                for perm in sg.get(key) or () for pair in perm.get("UserIdGroupPairs") or ()
                if pair.get("GroupId") and pair["GroupId"] != sg["GroupId"]}

    def lambda_groups(self):
        return {g for f in self.listing("lambda")
                for g in (f.get("VpcConfig") or {}).get("SecurityGroupIds") or ()}

    def launch_config_groups(self):
        return {g for cfg in self.listing("launch-config")
                for key in ("SecurityGroups", "ClassicLinkVPCSecurityGroups")
                for g in cfg.get(key) or ()}

    def launch_template_groups(self):
        return {g for v in self.listing("launch-template-version")
                for g in _TEMPLATE_GROUPS.search(v) or () if isinstance(g, str)}

    def ecs_target_groups(self):
        client = self.manager.client("events")
        found = set()
        for page in client.get_paginator("list_rules").paginate():
            for rule in page.get("Rules") or ():
                targets = client.get_paginator("list_targets_by_rule").paginate(
                    Rule=rule["Name"], EventBusName=rule.get("EventBusName", "default"))
                for t in (t for p in targets for t in p.get("Targets") or ()):
                    found.update(_ECS_GROUPS.search(t) or ())
        return found

    def codebuild_groups(self):
        client = self.manager.client("codebuild")
        names = [n for page in client.get_paginator("list_projects").paginate()
                 for n in page.get("projects") or ()]
        found = set()
        for start in range(0, len(names), 100):
            for project in client.batch_get_projects(
                    names=names[start:start + 100]).get("projects") or ():
                found.update((project.get("vpcConfig") or {}).get("securityGroupIds") or ())
        return found

    def batch_groups(self):
        client = self.manager.client("batch")
        return {g for page in client.get_paginator("describe_compute_environments").paginate()
                for env in page.get("computeEnvironments") or ()
                for g in (env.get("computeResources") or {}).get("securityGroupIds") or ()}

    # -- unused candidates -------------------------------------------------------------------
    def references_client(self):
        return self.manager.client("ec2")

    def peered(self, groups):
        """Ids of ``groups`` that a peered VPC's group references."""
        client = self.references_client()
        ids = [g["GroupId"] for g in groups]
        found = set()
        for start in range(0, len(ids), REFERENCE_BATCH):
            answer = client.describe_security_group_references(
                GroupId=ids[start:start + REFERENCE_BATCH])
            found.update(r["GroupId"] for r in answer.get("SecurityGroupReferenceSet") or ())
        return found

    def unused(self, resources):
        used = self.used_ids()
        candidates = [r for r in resources if r["GroupId"] not in used and "VpcId" in r]
        if not candidates:
            return []
        peered = self.peered(candidates)
        return [r for r in candidates if r["GroupId"] not in peered]

    def keys(self):
        return {"GroupId", "VpcId"}


@filters.register("unused", resources=SG)
class Unused(SGUsage):
    """VPC security groups nothing uses."""

    def process(self, resources, event=None):
        return self.unused(resources)


@filters.register("used", resources=SG)
class Used(SGUsage):
    """Security groups in use (the complement of ``unused``), annotated with what their
    network interfaces belong to."""

    def annotate(self, resources):
        by_group = {}
        for nic in self.interfaces():
            in_use = nic.get("Status") == "in-use"
            owner = (nic.get("Attachment") or {}).get("InstanceOwnerId", "") if in_use else ""
            kind = interface_kind(nic) if in_use else ""
            for g in nic.get("Groups") or ():
                seen = by_group.setdefault(g["GroupId"], (set(), set(), set()))
                for bucket, value in zip(seen, (owner, nic.get("InterfaceType"), kind)):
                    if value:
                        bucket.add(value)
        empty = (set(), set(), set())
        for r in resources:
            owners, types, kinds = by_group.get(r["GroupId"], empty)
            r["c7n:InstanceOwnerIds"] = sorted(owners)
            r["c7n:InterfaceTypes"] = sorted(types)
            r["c7n:InterfaceResourceTypes"] = sorted(kinds)

    def process(self, resources, event=None):
        unused = {r["GroupId"] for r in self.unused(resources)}
        self.annotate(resources)
        return [r for r in resources if r["GroupId"] not in unused]
