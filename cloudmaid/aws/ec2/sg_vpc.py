"""Security groups and their VPC: Cloud Custodian's ``default-vpc`` and ``stale``.

``stale``: groups whose rules name a group that is gone or sits behind a deleted peering
connection (DescribeStaleSecurityGroups, one VPC at a time). The stale rules become the
group's ``MatchedIpPermissions``/``MatchedIpPermissionsEgress``, as an ``ingress``/``egress``
filter leaves them, so ``remove-permissions`` revokes exactly those.
"""
from ...filters.core import Filter, filters
from ..elb.network import DefaultVpcFilter

SG = ("security-group",)


@filters.register("default-vpc", resources=SG)
class DefaultVpc(DefaultVpcFilter):
    """Groups in the region's default VPC."""


def stale_permissions(perms):
    """StaleIpPermissions in the IpPermission shape revoke calls take (there CIDRs and prefix
    lists are bare strings, and group pairs carry peering fields revoke does not want)."""
    out = []
    for p in perms or ():
        perm = {k: p[k] for k in ("IpProtocol", "FromPort", "ToPort") if k in p}
        pairs = [{k: v for k, v in pair.items() if k in ("GroupId", "GroupName", "UserId")}
                 for pair in p.get("UserIdGroupPairs") or ()]
        if pairs:
            perm["UserIdGroupPairs"] = pairs
        if p.get("IpRanges"):
            perm["IpRanges"] = [{"CidrIp": c} for c in p["IpRanges"]]
        if p.get("PrefixListIds"):
            perm["PrefixListIds"] = [{"PrefixListId": i} for i in p["PrefixListIds"]]
        out.append(perm)
    return out


@filters.register("stale", resources=SG)
class Stale(Filter):
    """VPC groups with stale rules."""
    predicate = False
    permissions = ("ec2:DescribeStaleSecurityGroups",)

    def stale_groups(self, vpc_id):
        client = self.manager.client("ec2")
        return [g for page in client.get_paginator("describe_stale_security_groups").paginate(
                VpcId=vpc_id) for g in page.get("StaleSecurityGroupSet") or ()]

    def process(self, resources, event=None):
        by_id = {r["GroupId"]: r for r in resources}
        out = []
        for vpc in sorted({r["VpcId"] for r in resources if r.get("VpcId")}):
            for stale in self.stale_groups(vpc):
                group = by_id.get(stale["GroupId"])
                if group is None:
                    continue
                for key, annotation in (("StaleIpPermissions", "MatchedIpPermissions"),
                                        ("StaleIpPermissionsEgress",
                                         "MatchedIpPermissionsEgress")):
                    if key in stale:
                        group[annotation] = stale_permissions(stale[key])
                out.append(group)
        return out

    def keys(self):
        return {"GroupId", "VpcId"}
