"""Key pairs: Cloud Custodian's ``unused`` filter and ``delete`` action.

A key is used when an instance was launched with it or an Auto Scaling group launches with
it (its launch configuration, or the launch template version it names, also through a mixed
instances policy). Custodian refuses ``delete`` without the ``unused`` filter; here the action
itself skips keys in use, whatever the filters.
"""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import Filter, filters
from ...resources.manager import ResourceManager

KEY = ("key-pair",)


def listing(ctx, type_name):
    return ResourceManager.for_type(ctx, type_name).resources()


def template_refs(group):
    """The ``(LaunchTemplateId or Name, Version)`` an Auto Scaling group launches with."""
    specs = [group.get("LaunchTemplate"),
             ((group.get("MixedInstancesPolicy") or {}).get("LaunchTemplate") or {})
             .get("LaunchTemplateSpecification")]
    for s in specs:
        if s:
            yield (s.get("LaunchTemplateId"), s.get("LaunchTemplateName"),
                   s.get("Version") or "$Default")


def used_key_names(manager):
    """Key names of the region's instances and Auto Scaling groups (cached for the run)."""
    ctx = manager.ctx
    cache_key = ("key-pairs-used", ctx.region)
    if cache_key in ctx.cache:
        return ctx.cache[cache_key]
    names = {i.get("KeyName") for i in listing(ctx, "ec2")}
    groups = listing(ctx, "asg")
    configs = {g["LaunchConfigurationName"] for g in groups if g.get("LaunchConfigurationName")}
    if configs:
        names |= {c.get("KeyName") for c in listing(ctx, "launch-config")
                  if c.get("LaunchConfigurationName") in configs}
    ec2 = manager.client("ec2")
    for template_id, template_name, version in {r for g in groups for r in template_refs(g)}:
        params = {"LaunchTemplateId": template_id} if template_id else \
            {"LaunchTemplateName": template_name}
        try:
            answer = ec2.describe_launch_template_versions(Versions=[version], **params)
        except ClientError as e:
            if "NotFound" not in e.response["Error"]["Code"]:
                raise
            continue
        names |= {v.get("LaunchTemplateData", {}).get("KeyName")
                  for v in answer.get("LaunchTemplateVersions") or ()}
    names.discard(None)
    ctx.cache[cache_key] = names
    return names


@filters.register("unused", resources=KEY)
class UnusedKeyPairs(Filter):
    """Keys no instance or Auto Scaling group uses; ``state: false``: the keys in use."""
    predicate = False
    schema = {"state": {"type": "boolean"}}
    permissions = ("ec2:DescribeInstances", "ec2:DescribeLaunchTemplateVersions",
                   "autoscaling:DescribeAutoScalingGroups",
                   "autoscaling:DescribeLaunchConfigurations")

    def process(self, resources, event=None):
        used = used_key_names(self.manager)
        want_unused = self.data.get("state", True)
        return [r for r in resources if (r.get("KeyName") not in used) == want_unused]

    def keys(self):
        return {"KeyName"}


@actions.register("delete", resources=KEY)
class DeleteKeyPair(Action):
    """DeleteKeyPair per key; keys in use are skipped (recorded as skipped)."""
    permissions = ("ec2:DeleteKeyPair",) + UnusedKeyPairs.permissions

    def process(self, resources):
        used = used_key_names(self.manager)
        skipped = [r["KeyPairId"] for r in resources if r.get("KeyName") in used]
        if skipped:
            self.result["skipped"] = skipped
        client = self.manager.client()
        self.each([r for r in resources if r.get("KeyName") not in used],
                  lambda r: client.delete_key_pair(KeyPairId=r["KeyPairId"]))
