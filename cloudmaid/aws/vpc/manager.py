"""Elastic IPs: VPC addresses only, as Custodian lists them (an EC2-Classic address has no
AllocationId, the type's id)."""
from ...resources.manager import ResourceManager, register_manager


@register_manager("elastic-ip")
class ElasticIpManager(ResourceManager):
    def describe(self, params):
        return [r for r in super().describe(params) if r.get(self.rtype.id)]
