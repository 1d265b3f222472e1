"""``default-vpc``, shared by the load balancer types: is the resource in the region's default
VPC (one DescribeVpcs per run, cached)?"""
from ...filters.core import Filter


def default_vpc(manager):
    """The default VPC's id in the manager's region, or None; once per run."""
    key = ("default-vpc", manager.ctx.region)
    if key not in manager.ctx.cache:
        vpcs = manager.client("ec2").describe_vpcs(
            Filters=[{"Name": "isDefault", "Values": ["true"]}]).get("Vpcs") or ()
        manager.ctx.cache[key] = next((v["VpcId"] for v in vpcs if v.get("IsDefault")), None)
    return manager.ctx.cache[key]


class DefaultVpcFilter(Filter):
    """Custodian's default-vpc: the resource's ``vpc_key`` names the default VPC."""
    predicate = False
    vpc_key = "VpcId"
    permissions = ("ec2:DescribeVpcs",)

    def process(self, resources, event=None):
        vpc = default_vpc(self.manager) if resources else None
        return [r for r in resources if vpc and r.get(self.vpc_key) == vpc]

    def keys(self):
        return {self.vpc_key}
