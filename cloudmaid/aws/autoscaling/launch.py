"""What an Auto Scaling group launches from: its launch configuration, or its launch template
version's data (directly or through a mixed instances policy), read once per filter run.

Custodian's LaunchInfo: a group without either is looked up as a launch configuration named
after the group (a corner case AWS has produced).
"""
from ...resources.manager import ResourceManager


def launch_id(group):
    """A launch configuration name, or ``(template id, version)``."""
    name = group.get("LaunchConfigurationName")
    if name is not None:
        return name.strip()
    template = group.get("LaunchTemplate")
    if template is None and "MixedInstancesPolicy" in group:
        template = group["MixedInstancesPolicy"]["LaunchTemplate"]["LaunchTemplateSpecification"]
    if template is not None:
        return (template.get("LaunchTemplateId"), str(template.get("Version", "$Default")))
    return group["AutoScalingGroupName"]


class LaunchInfo:
    permissions = ("ec2:DescribeLaunchTemplateVersions",
                   "autoscaling:DescribeLaunchConfigurations")

    def __init__(self, manager, groups):
        self.ctx = manager.ctx
        ids = {launch_id(g) for g in groups}
        self.templates = self._templates([i for i in ids if isinstance(i, tuple)])
        self.configs = self._configs(sorted(i for i in ids if isinstance(i, str)))

    def _templates(self, pairs):
        if not pairs:
            return {}
        m = ResourceManager.for_type(self.ctx, "launch-template-version")
        return {(t["LaunchTemplateId"], str(t.get("c7n:VersionAlias", t["VersionNumber"]))):
                t["LaunchTemplateData"] for t in m.get_resources(pairs)}

    def _configs(self, names):
        if not names:
            return {}
        m = ResourceManager.for_type(self.ctx, "launch-config")
        found = m.get_resources(names) if len(names) < 5 else m.resources()
        return {c["LaunchConfigurationName"]: c for c in found
                if c["LaunchConfigurationName"] in names}

    def get(self, group):
        """The group's launch configuration or template data, None when it is gone."""
        lid = launch_id(group)
        return (self.templates if isinstance(lid, tuple) else self.configs).get(lid)

    def items(self):
        return list(self.configs.items()) + list(self.templates.items())

    def image_ids(self):
        return sorted({c["ImageId"] for _, c in self.items() if c.get("ImageId")})

    def images(self):
        """``{image id: image}`` of the images launched, own or not (describe by id: an
        unknown id is simply absent)."""
        ids = self.image_ids()
        if not ids:
            return {}
        client = self.ctx.session_factory.client("ec2", self.ctx.region)
        found = {}
        for start in range(0, len(ids), 200):
            answer = client.describe_images(
                Filters=[{"Name": "image-id", "Values": ids[start:start + 200]}])
            found.update({i["ImageId"]: i for i in answer.get("Images") or ()})
        return found

    def snapshots(self, ids):
        """``{snapshot id: snapshot}`` for ``ids`` (unknown ids absent)."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        client = self.ctx.session_factory.client("ec2", self.ctx.region)
        found = {}
        for start in range(0, len(ids), 200):
            answer = client.describe_snapshots(
                Filters=[{"Name": "snapshot-id", "Values": ids[start:start + 200]}])
            found.update({s["SnapshotId"]: s for s in answer.get("Snapshots") or ()})
        return found
