"""Filters of network ACLs, peering connections and VPC endpoints (Cloud Custodian's names,
keys and annotations): ``s3-cidr``; ``cross-account`` and ``missing-route``; the endpoint
policy's ``has-statement`` and ``cross-account``, and the endpoint's ``service-details``."""
import ipaddress

import jmespath
from botocore.exceptions import ClientError

from ...filters import valuefrom
from ...filters.core import Filter, filters
from ...filters.crossaccount import CrossAccountFilter, HasStatementFilter
from ...filters.value import ValueFilter
from ...resources.manager import ResourceManager


def network(cidr):
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except (TypeError, ValueError):
        return None


@filters.register("s3-cidr", resources=("network-acl",))
class AclS3Cidrs(Filter):
    """Network ACLs by whether they allow the AWS service prefix lists' CIDRs
    (DescribePrefixLists): for each CIDR the first rule (by rule number) whose block
    contains it decides. ``present: false`` (default) matches ACLs that do not allow every
    one of them, ``true`` those that do; ``egress``/``ingress: false`` skip those rules.
    IPv6 rules are skipped (Custodian fails on them)."""
    predicate = False
    schema = {"egress": {"type": "boolean"}, "ingress": {"type": "boolean"},
              "present": {"type": "boolean"}}
    permissions = ("ec2:DescribePrefixLists",)

    def process(self, resources, event=None):
        client = self.manager.client("ec2")
        cidrs = [network(c) for c in jmespath.search(
            "PrefixLists[].Cidrs[]", client.describe_prefix_lists()) or ()]
        cidrs = [c for c in cidrs if c is not None]
        egress, ingress = self.data.get("egress", True), self.data.get("ingress", True)
        present = self.data.get("present", False)
        out = []
        for r in resources:
            allowed = {c: None for c in cidrs}
            entries = sorted(r.get("Entries") or (), key=lambda e: e.get("RuleNumber", 0))
            for entry in entries:
                if (entry.get("Egress") and not egress) or (not entry.get("Egress")
                                                            and not ingress):
                    continue
                block = network(entry.get("CidrBlock"))
                if block is None:
                    continue
                for c in allowed:
                    if allowed[c] is None and c.version == block.version and c.subnet_of(block):
                        allowed[c] = entry.get("RuleAction") == "allow"
            every = all(allowed.values())
            if every == present:
                out.append(r)
        return out

    def keys(self):
        return {"Entries"}


@filters.register("cross-account", resources=("peering-connection",))
class PeeringCrossAccount(Filter):
    """Peering connections with a side owned by an account outside this one and the
    ``whitelist`` (plus ``whitelist_from``); those accounts are kept in
    ``c7n:CrossAccountViolations``. (Custodian checks only the first connection of a batch.)"""
    predicate = False
    schema = {"whitelist": {"type": "array", "items": {"type": "string"}},
              "whitelist_from": valuefrom.SCHEMA}
    permissions = ("ec2:DescribeVpcPeeringConnections",)

    def accounts(self):
        found = set(self.data.get("whitelist") or ())
        if "whitelist_from" in self.data:
            found |= set(valuefrom.values(self.data["whitelist_from"], self.manager))
        return found | {self.manager.ctx.account_id}

    def process(self, resources, event=None):
        allowed = self.accounts()
        out = []
        for r in resources:
            outside = [owner for owner in (
                (r.get("AccepterVpcInfo") or {}).get("OwnerId"),
                (r.get("RequesterVpcInfo") or {}).get("OwnerId"))
                if owner and owner not in allowed]
            if outside:
                r.setdefault("c7n:CrossAccountViolations", []).extend(outside)
                out.append(r)
        return out

    def keys(self):
        return {"AccepterVpcInfo", "RequesterVpcInfo"}


@filters.register("missing-route", resources=("peering-connection",))
class MissingRoute(Filter):
    """Peering connections no route table routes through, or, for each side in this account
    and region, whose VPC has no route table routing through them."""
    predicate = False
    permissions = ("ec2:DescribeRouteTables",)

    def process(self, resources, event=None):
        ctx = self.manager.ctx
        tables = ResourceManager.for_type(ctx, "route-table").resources()
        routed = {}
        for t in tables:
            for route in t.get("Routes") or ():
                if route.get("VpcPeeringConnectionId"):
                    routed.setdefault(route["VpcPeeringConnectionId"], set()).add(t["VpcId"])
        out = []
        for r in resources:
            vpcs = routed.get(r["VpcPeeringConnectionId"])
            if vpcs is None:
                out.append(r)
                continue
            for side in (r.get("AccepterVpcInfo") or {}, r.get("RequesterVpcInfo") or {}):
                if side.get("OwnerId") != ctx.account_id:
                    continue
                if side.get("Region") and side["Region"] != ctx.region:
                    continue
                if side.get("VpcId") not in vpcs:
                    out.append(r)
                    break
        return out

    def keys(self):
        return {"VpcPeeringConnectionId", "AccepterVpcInfo", "RequesterVpcInfo"}


@filters.register("has-statement", resources=("vpc-endpoint",))
class EndpointHasStatement(HasStatementFilter):
    """The endpoint policy's statements; ``{endpoint_id}`` is filled in too."""
    policy_key = "PolicyDocument"
    permissions = ("ec2:DescribeVpcEndpoints",)

    def format_args(self, resource):
        return dict(super().format_args(resource), endpoint_id=resource.get("VpcEndpointId"))


@filters.register("cross-account", resources=("vpc-endpoint",))
class EndpointCrossAccount(CrossAccountFilter):
    policy_key = "PolicyDocument"
    annotation = "c7n:CrossAccountViolations"
    permissions = ("ec2:DescribeVpcEndpoints",)


@filters.register("service-details", resources=("vpc-endpoint",))
class EndpointServiceDetails(ValueFilter):
    """The value filter on the endpoint's service (DescribeVpcEndpointServices, asked in the
    service's region), kept in ``c7n:ServiceDetails`` (empty when AWS does not know it)."""
    predicate = False
    permissions = ("ec2:DescribeVpcEndpointServices",)
    annotation = "c7n:ServiceDetails"

    def process(self, resources, event=None):
        ctx = self.manager.ctx
        by_region = {}
        for r in resources:
            by_region.setdefault(r.get("ServiceRegion") or ctx.region, set()).add(
                r["ServiceName"])
        details = {}
        for region, names in by_region.items():
            details.update(self.services(self.manager.client("ec2", region), sorted(names)))
        out = []
        for r in resources:
            r[self.annotation] = details.get(r["ServiceName"]) or {}
            if self.match(r[self.annotation]):
                out.append(r)
        return out

    @staticmethod
    def services(client, names):
        """name -> service details; an unknown name fails the batch, so then one by one."""
        def ask(batch):
            answer = client.describe_vpc_endpoint_services(ServiceNames=batch)
            return {d["ServiceName"]: d for d in answer.get("ServiceDetails") or ()}
        try:
            return ask(names)
        except ClientError as e:
            if e.response["Error"]["Code"] != "InvalidServiceName":
                raise
        found = {}
        for name in names:
            try:
                found.update(ask([name]))
            except ClientError as e:
                if e.response["Error"]["Code"] != "InvalidServiceName":
                    raise
        return found

    def keys(self):
        return {"ServiceName", "ServiceRegion"}
