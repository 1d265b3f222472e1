"""``used``/``unused`` for iam-role and iam-profile (Cloud Custodian's): which roles Lambda
functions, ECS services and the instance profiles of EC2 instances and launch configurations
use, and which instance profiles instances and launch configurations use. Each scan is done
once per run and region, and reuses the run's listing of a type the catalog declares."""
from ...filters.core import filters
from ...resources import catalog
from ...resources.manager import ResourceManager
from .common import PROFILE, ROLE, BatchFilter, listed


def listing(ctx, rtype, service, op, key):
    """The run's listing of ``rtype`` when the catalog declares it, else ``op``'s items."""
    if catalog.get(rtype) is not None:
        return ResourceManager.for_type(ctx, rtype).resources()
    return listed(ctx.session_factory.client(service, ctx.region), op, key)


def scanned(ctx, name, scan):
    key = ("iam-usage", name, ctx.region)
    if key not in ctx.cache:
        ctx.cache[key] = frozenset(scan(ctx))
    return ctx.cache[key]


def instance_profiles(ctx):
    """Names and ARNs of the instance profiles running instances and launch configurations
    name."""
    found = set()
    for lc in listing(ctx, "launch-config", "autoscaling", "describe_launch_configurations",
                      "LaunchConfigurations"):
        if lc.get("IamInstanceProfile"):
            found.add(lc["IamInstanceProfile"])
    for i in listing(ctx, "ec2", "ec2", "describe_instances", "Reservations"):
        for inst in i.get("Instances", [i]):
            if (inst.get("State") or {}).get("Name") == "terminated":
                continue
            arn = (inst.get("IamInstanceProfile") or {}).get("Arn")
            if arn:
                found.update((arn, arn.split("/")[-1]))
    return found


def service_roles(ctx):
    """ARNs and names of the roles Lambda functions, ECS services and the used instance
    profiles hold."""
    found = {f["Role"] for f in listing(ctx, "lambda", "lambda", "list_functions", "Functions")
             if f.get("Role")}
    ecs = ctx.session_factory.client("ecs", ctx.region)
    for cluster in listed(ecs, "list_clusters", "clusterArns"):
        arns = listed(ecs, "list_services", "serviceArns", cluster=cluster)
        for start in range(0, len(arns), 10):
            for s in ecs.describe_services(cluster=cluster,
                                           services=arns[start:start + 10])["services"]:
                if s.get("roleArn"):
                    found.add(s["roleArn"])
    used = scanned(ctx, "profiles", instance_profiles)
    iam = ctx.session_factory.client("iam", ctx.region)
    for p in listed(iam, "list_instance_profiles", "InstanceProfiles"):
        if p["InstanceProfileName"] in used or p["Arn"] in used:
            found.update(r["RoleName"] for r in p.get("Roles") or ())
    return found


class UsageFilter(BatchFilter):
    """``state: true`` (default) keeps those in use, ``false`` those not."""
    schema = {"state": {"type": "boolean"}}
    key = scan = None

    def state(self):
        return self.data.get("state", True) if "state" in self.schema else True

    def process(self, resources, event=None):
        used = scanned(self.manager.ctx, self.key, self.scan)
        want = self.state()
        return [r for r in resources
                if (r["Arn"] in used or r[self.manager.rtype.id] in used) == want]


@filters.register("used", resources=ROLE)
class RoleUsed(UsageFilter):
    """Roles that Lambda functions, ECS services or running instances' profiles use."""
    key, scan = "roles", staticmethod(service_roles)
    permissions = ("lambda:ListFunctions", "ecs:ListClusters", "ecs:ListServices",
                   "ecs:DescribeServices", "ec2:DescribeInstances",
                   "autoscaling:DescribeLaunchConfigurations", "iam:ListInstanceProfiles")


@filters.register("unused", resources=ROLE)
class RoleUnused(RoleUsed):
    """Deprecated in Custodian for ``used: {state: false}``; the same."""
    schema = {}

    def state(self):
        return False


@filters.register("used", resources=PROFILE)
class ProfileUsed(UsageFilter):
    """Instance profiles that instances or launch configurations use."""
    key, scan = "profiles", staticmethod(instance_profiles)
    schema = {}
    permissions = ("ec2:DescribeInstances", "autoscaling:DescribeLaunchConfigurations")


@filters.register("unused", resources=PROFILE)
class ProfileUnused(ProfileUsed):

    def state(self):
        return False
