"""Related-resource filters of the VPC family (Cloud Custodian's names and annotations).

The ``security-group``/``subnet``/``vpc`` filters the rows declare are registered from the
rows. A VPC's own ``security-group``, ``subnet``, ``nat-gateway``, ``internet-gateway`` and
``vpc-endpoint`` filters go the other way: the related resources are those naming the VPC,
found in the related type's listing (shared by the run). A route table's ``subnet`` filter
counts the subnets it serves as the VPC's main table too.
"""
import jmespath

from ...filters.core import Filter, filters
from ...filters.value import ValueFilter
from ...resources.manager import ResourceManager
from ...resources.related import RelatedFilter, register_related
from .types import TYPES

register_related(TYPES, __name__)


def listing(manager, type_name):
    return ResourceManager.for_type(manager.ctx, type_name).resources()


class InVpcFilter(RelatedFilter):
    """A value filter on the resources of ``related_type`` whose ``vpc_ids`` name the VPC."""
    ids_expression = "VpcId"
    vpc_ids = "VpcId"          # JMESPath of the VPC ids in a related resource

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._by_vpc = None
        self._related = None

    def index(self):
        if self._by_vpc is None:
            row = ResourceManager.for_type(self.manager.ctx, self.related_type).rtype
            expr = jmespath.compile(self.vpc_ids)
            self._by_vpc, self._related = {}, {}
            for r in listing(self.manager, self.related_type):
                found = expr.search(r)
                for vpc in [found] if isinstance(found, str) else found or ():
                    self._by_vpc.setdefault(vpc, []).append(r[row.id])
                self._related[r[row.id]] = r
        return self._by_vpc

    def related_ids(self, resource):
        return list(dict.fromkeys(self.index().get(resource.get("VpcId"), ())))

    def related(self, resources):
        self.index()
        return self._related


def in_vpc(name, related_type, annotation, permission, vpc_ids="VpcId"):
    cls = type(f"Vpc_{related_type}".replace("-", "_"), (InVpcFilter,), {
        "related_type": related_type, "annotation": annotation, "vpc_ids": vpc_ids,
        "permissions": (permission,), "__module__": __name__,
        "__doc__": f"Custodian's vpc {name} filter: a value filter on the {related_type}s "
                   f"in the VPC."})
    return filters.register(name, resources=("vpc",))(cls)


in_vpc("security-group", "security-group", "matched-vpcs", "ec2:DescribeSecurityGroups")
in_vpc("subnet", "subnet", "MatchedVpcsSubnets", "ec2:DescribeSubnets")
in_vpc("nat-gateway", "nat-gateway", "MatchedVpcsNatGateways", "ec2:DescribeNatGateways")
in_vpc("internet-gateway", "internet-gateway", "MatchedVpcsIgws",
       "ec2:DescribeInternetGateways", vpc_ids="Attachments[].VpcId")
in_vpc("vpc-endpoint", "vpc-endpoint", "matched-vpc-endpoint", "ec2:DescribeVpcEndpoints")


@filters.register("subnet", resources=("route-table",))
class RouteTableSubnet(RelatedFilter):
    """Value filter on the subnets a route table serves: those associated with it, and, for
    the VPC's main table, the VPC's subnets associated with no table."""
    related_type = "subnet"
    ids_expression = "Associations[].SubnetId"
    annotation = "matched-subnets"
    permissions = ("ec2:DescribeSubnets", "ec2:DescribeRouteTables")

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._served = None

    def served(self):
        """route table id -> subnet ids, from the full route table and subnet listings (an
        implicit association exists only there)."""
        if self._served is None:
            tables = listing(self.manager, "route-table")
            served, main = {}, {}
            for t in tables:
                served[t["RouteTableId"]] = []
                for a in t.get("Associations") or ():
                    if a.get("SubnetId"):
                        served[t["RouteTableId"]].append(a["SubnetId"])
                    elif a.get("Main"):
                        main[t["VpcId"]] = t["RouteTableId"]
            explicit = {s for ids in served.values() for s in ids}
            self._subnets = {s["SubnetId"]: s for s in listing(self.manager, "subnet")}
            for s in self._subnets.values():
                if s["SubnetId"] not in explicit and s.get("VpcId") in main:
                    served[main[s["VpcId"]]].append(s["SubnetId"])
            self._served = served
        return self._served

    def related_ids(self, resource):
        found = self.served().get(resource["RouteTableId"])
        return found if found is not None else super().related_ids(resource)

    def related(self, resources):
        self.served()
        return self._subnets

    def keys(self):
        return {"RouteTableId", "Associations", "VpcId"}


@filters.register("route", resources=("route-table",))
class Route(ValueFilter):
    """The value filter on each route of the table; matched routes are kept in
    ``c7n:matched-routes``."""
    predicate = False

    def process(self, resources, event=None):
        out = []
        for r in resources:
            matched = [route for route in r.get("Routes") or () if self.match(route)]
            if matched:
                r.setdefault("c7n:matched-routes", []).extend(matched)
                out.append(r)
        return out

    def keys(self):
        return {"Routes"}


@filters.register("cross-az-nat-gateway-route", resources=("route-table",))
class CrossAzNatGatewayRoute(Filter):
    """Route tables with an active route to a NAT gateway in another availability zone than
    a subnet the table serves (explicitly, or as its VPC's main table); the mismatches are
    kept in ``c7n:nat-az-mismatch`` as ``{nat id: {NatGatewayAz, Subnets: {subnet: az}}}``.
    Regional NAT gateways (no SubnetId) are left out."""
    predicate = False
    permissions = ("ec2:DescribeRouteTables", "ec2:DescribeNatGateways", "ec2:DescribeSubnets")

    def process(self, resources, event=None):
        subnets = {s["SubnetId"]: s for s in listing(self.manager, "subnet")}
        nat_subnet = {n["NatGatewayId"]: n["SubnetId"]
                      for n in listing(self.manager, "nat-gateway") if n.get("SubnetId")}
        table_of, main = {}, {}
        for t in resources:
            for a in t.get("Associations") or ():
                if a.get("SubnetId"):
                    table_of[a["SubnetId"]] = t["RouteTableId"]
                if a.get("Main"):
                    main.setdefault(t.get("VpcId"), t["RouteTableId"])
        for s in subnets.values():
            if s["SubnetId"] not in table_of and s.get("VpcId") in main:
                table_of[s["SubnetId"]] = main[s["VpcId"]]
        out = []
        for t in resources:
            served = [s for s, table in table_of.items() if table == t["RouteTableId"]]
            matched = {}
            for route in t.get("Routes") or ():
                nat = route.get("NatGatewayId")
                if not nat or route.get("State") != "active" or nat_subnet.get(nat) not in subnets:
                    continue
                nat_az = subnets[nat_subnet[nat]].get("AvailabilityZone")
                away = {s: subnets[s].get("AvailabilityZone") for s in served
                        if s in subnets and subnets[s].get("AvailabilityZone") != nat_az}
                if away:
                    entry = matched.setdefault(nat, {"NatGatewayAz": nat_az})
                    entry.setdefault("Subnets", {}).update(away)
            if matched:
                t["c7n:nat-az-mismatch"] = matched
                out.append(t)
        return out

    def keys(self):
        return {"RouteTableId", "Routes", "Associations", "VpcId"}
