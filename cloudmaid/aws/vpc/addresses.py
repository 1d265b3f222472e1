"""Elastic IPs: Cloud Custodian's ``used-by`` filter, by the kind of resource the address's
network interface belongs to (told from the interface's attachment and description, as
Custodian tells it: ``ec2``, ``elb-net``, ``nat``, ``lambda``, ...)."""
from ...filters.core import Filter, filters
from ...resources.manager import ResourceManager
from .interfaces import interface_kind

@filters.register("used-by", resources=("elastic-ip",))
class UsedBy(Filter):
    """Addresses whose network interface belongs to a ``resource-type`` kind."""
    predicate = False
    schema = {"resource-type": {"type": "string"}}
    required = ("resource-type",)
    permissions = ("ec2:DescribeNetworkInterfaces",)

    def process(self, resources, event=None):
        ids = [r["NetworkInterfaceId"] for r in resources if r.get("NetworkInterfaceId")]
        enis = {e["NetworkInterfaceId"]: e for e in
                ResourceManager.for_type(self.manager.ctx, "eni").get_resources(ids)}
        want = self.data.get("resource-type")
        return [r for r in resources if r.get("NetworkInterfaceId") in enis
                and interface_kind(enis[r["NetworkInterfaceId"]]) == want]

    def keys(self):
        return {"NetworkInterfaceId"}
