"""What uses a snapshot or an image, read once per run from the shared listings: the account's
AMIs (their block devices), its instances, and the launch configurations and launch template
versions of its Auto Scaling groups (Custodian's sources for ``unused`` and the AMI-snapshot
safety of snapshot deletes)."""
from botocore.exceptions import ClientError

from ...resources.manager import ResourceManager


def gone(error, *codes):
    return isinstance(error, ClientError) and error.response["Error"]["Code"] in codes


def listing(ctx, rtype):
    return ResourceManager.for_type(ctx, rtype).resources()


def device_snapshots(mappings):
    return {b["Ebs"]["SnapshotId"] for b in mappings or ()
            if isinstance(b, dict) and (b.get("Ebs") or {}).get("SnapshotId")}


def image_snapshot_ids(ctx):
    """Snapshots backing the account's own images (deleting those fails, and breaks AMIs)."""
    return {s for i in listing(ctx, "ami") for s in device_snapshots(i.get("BlockDeviceMappings"))}


def _launches(ctx):
    """``(groups' launch configuration names, [launch template data])`` of the account's
    Auto Scaling groups."""
    from ..autoscaling.launch import LaunchInfo
    groups = listing(ctx, "asg")
    configs = {g["LaunchConfigurationName"] for g in groups if g.get("LaunchConfigurationName")}
    info = LaunchInfo(ResourceManager.for_type(ctx, "asg"),
                      [g for g in groups if not g.get("LaunchConfigurationName")])
    return configs, [data for _, data in info.items() if data]


def launch_snapshot_ids(ctx):
    """Snapshots the groups' launch templates name, and, when any group launches from a
    launch configuration, those every launch configuration names (as Custodian counts them)."""
    configs, templates = _launches(ctx)
    found = set()
    if configs:
        for c in listing(ctx, "launch-config"):
            found |= device_snapshots(c.get("BlockDeviceMappings"))
    for data in templates:
        found |= device_snapshots(data.get("BlockDeviceMappings"))
    return found


def launch_image_ids(ctx):
    """Images the groups launch from: their launch configurations' and templates'."""
    configs, templates = _launches(ctx)
    found = {t.get("ImageId") for t in templates}
    if configs:
        found |= {c.get("ImageId") for c in listing(ctx, "launch-config")
                  if c.get("LaunchConfigurationName") in configs}
    return found - {None}


def instance_image_ids(ctx):
    return {i.get("ImageId") for i in listing(ctx, "ec2")} - {None}


#: what reading each of these needs
LAUNCH_PERMISSIONS = ("autoscaling:DescribeAutoScalingGroups",
                      "autoscaling:DescribeLaunchConfigurations",
                      "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions")


def policy_filters(manager):
    """The filter names of the policy being validated (walking or/and/not blocks); None when
    unknown (at run time: the policy validated before)."""
    data = getattr(manager, "policy_data", None)
    if not isinstance(data, dict):
        return None
    out, todo = set(), list(data.get("filters") or ())
    while todo:
        f = todo.pop(0)
        if isinstance(f, dict) and len(f) == 1 and next(iter(f)) in ("or", "and", "not"):
            todo[:0] = list(next(iter(f.values())) or ())
        elif isinstance(f, dict):
            out.add(f.get("type"))
        elif isinstance(f, str):
            out.add(f)
    return out
