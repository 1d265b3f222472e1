"""VPCs: the ``vpc-attributes`` and ``dhcp-options`` filters and the ``modify`` and
``delete-empty`` actions, ``resolver-query-logging`` (Cloud Custodian's names, keys and
annotations)."""
import ipaddress

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import Filter, filters

VPC = ("vpc",)
#: policy key -> DescribeVpcAttribute / ModifyVpcAttribute attribute
ATTRIBUTES = (("dnshostnames", "enableDnsHostnames"), ("dnssupport", "enableDnsSupport"),
              ("addressusage", "enableNetworkAddressUsageMetrics"))


@filters.register("vpc-attributes", resources=VPC)
class VpcAttributes(Filter):
    """VPCs whose DNS attributes have the given values (one DescribeVpcAttribute per
    attribute asked); the values read are kept in ``c7n:attributes``."""
    predicate = False
    schema = {k: {"type": "boolean"} for k, _ in ATTRIBUTES}
    permissions = ("ec2:DescribeVpcAttribute",)

    def process(self, resources, event=None):
        client = self.manager.client("ec2")
        out = []
        for r in resources:
            found = True
            for key, attribute in ATTRIBUTES:
                if key not in self.data:
                    continue
                answer = client.describe_vpc_attribute(VpcId=r["VpcId"], Attribute=attribute)
                value = answer[attribute[0].upper() + attribute[1:]]["Value"]
                r.setdefault("c7n:attributes", {})[key] = value
                if value != self.data[key]:
                    found = False
                    break
            if found:
                out.append(r)
        return out

    def keys(self):
        return {"VpcId"}


OPTION_KEYS = ("domain-name", "domain-name-servers", "ntp-servers")
AMAZON = "amazon"


def amazon_dns(vpc):
    """Amazon-provided DNS addresses of a VPC: AmazonProvidedDNS, 169.254.169.253 and the
    base + 2 address of each associated CIDR block."""
    out = ["AmazonProvidedDNS", "169.254.169.253"]
    blocks = [vpc.get("CidrBlock")] + [
        a.get("CidrBlock") for a in vpc.get("CidrBlockAssociationSet") or ()
        if (a.get("CidrBlockState") or {}).get("State") == "associated"]
    for block in blocks:
        try:
            out.append(str(ipaddress.ip_network(block, strict=False).network_address + 2))
        except (TypeError, ValueError):
            continue
    return list(dict.fromkeys(out))


@filters.register("dhcp-options", resources=VPC)
class DhcpOptions(Filter):
    """VPCs by their DHCP options set: a string must be one of the option's values, a list
    must equal them (in any order); ``amazon`` stands for the Amazon-provided DNS servers
    (one of them, or all the option's values with ``match-operator: all``). Every option
    given must hold; ``present: false`` inverts. The options are kept in
    ``c7n:DhcpConfiguration``. Custodian lets a later option's result replace an earlier
    failed one; here all must hold."""
    predicate = False
    schema = {k: {"oneOf": [{"type": "array", "items": {"type": "string"}},
                            {"type": "string"}]} for k in OPTION_KEYS}
    schema.update({"present": {"type": "boolean"}, "match-operator": {"enum": ["all", "any"]}})
    permissions = ("ec2:DescribeDhcpOptions",)

    def validate(self):
        if not any(self.data.get(k) for k in OPTION_KEYS):
            return [((), f"dhcp-options needs one of {', '.join(OPTION_KEYS)}")]
        return []

    def process(self, resources, event=None):
        client = self.manager.client("ec2")
        # "default": the VPC has no options set (Custodian fails on such a VPC)
        ids = sorted({r["DhcpOptionsId"] for r in resources
                      if r.get("DhcpOptionsId") not in (None, "default")})
        options = {}
        if ids:
            answer = client.describe_dhcp_options(
                Filters=[{"Name": "dhcp-options-id", "Values": ids}])
            for o in answer.get("DhcpOptions") or ():
                options[o["DhcpOptionsId"]] = {
                    c["Key"]: [v.get("Value") for v in c.get("Values") or ()]
                    for c in o.get("DhcpConfigurations") or ()}
        return [r for r in resources if self.check(r, options.get(r.get("DhcpOptionsId"), {}))]

    def check(self, vpc, dhcp):
        vpc["c7n:DhcpConfiguration"] = dhcp
        every = self.data.get("match-operator", "any") == "all"
        found = True
        for k in OPTION_KEYS:
            if k not in self.data:
                continue
            want, have = self.data[k], dhcp.get(k)
            if have is None:
                found = False
            elif want == AMAZON:
                dns = amazon_dns(vpc)
                found = (all if every else any)(v in dns for v in have)
            elif isinstance(want, list) and AMAZON in want:
                dns = amazon_dns(vpc)
                others = [v for v in want if v != AMAZON]
                found = set(others) <= set(have) and any(v in dns for v in have) and \
                    all(v in dns or v in others for v in have)
            elif isinstance(want, list):
                found = sorted(have) == sorted(want)
            else:
                found = want in have
            if not found:
                break
        return found if self.data.get("present", True) else not found

    def keys(self):
        return {"DhcpOptionsId", "CidrBlock", "CidrBlockAssociationSet"}


@actions.register("modify", resources=VPC)
class ModifyVpc(Action):
    """ModifyVpcAttribute per VPC and attribute given (one attribute per call)."""
    schema = {k: {"type": "boolean"} for k, _ in ATTRIBUTES}
    permissions = ("ec2:ModifyVpcAttribute",)

    def process(self, resources):
        client = self.manager.client()
        params = [(attr[0].upper() + attr[1:], self.data[key]) for key, attr in ATTRIBUTES
                  if key in self.data]

        def modify(vpc):
            for name, value in params:
                client.modify_vpc_attribute(VpcId=vpc["VpcId"], **{name: {"Value": value}})
        self.each(resources, modify)


@actions.register("delete-empty", resources=VPC)
class DeleteEmptyVpc(Action):
    """DeleteVpc per VPC: AWS refuses one still holding resources (DependencyViolation,
    recorded for that VPC); one already gone counts as done."""
    permissions = ("ec2:DeleteVpc",)

    def process(self, resources):
        client = self.manager.client()

        def delete(vpc):
            try:
                client.delete_vpc(VpcId=vpc["VpcId"])
            except ClientError as e:
                if e.response["Error"]["Code"] != "InvalidVpcID.NotFound":
                    raise
        self.each(resources, delete)


@filters.register("resolver-query-logging", resources=VPC)
class ResolverQueryLogging(Filter):
    """VPCs associated (ACTIVE or CREATING) with a Route 53 Resolver query logging config
    (``state: false``: those that are not); the config is kept in ``c7n:resolver-logging``."""
    predicate = False
    schema = {"state": {"type": "boolean"}}
    permissions = ("route53resolver:ListResolverQueryLogConfigs",
                   "route53resolver:ListResolverQueryLogConfigAssociations")
    annotation = "c7n:resolver-logging"

    def process(self, resources, event=None):
        client = self.manager.client("route53resolver")
        associations = {}
        vpc_ids = [r["VpcId"] for r in resources]
        for start in range(0, len(vpc_ids), 100):
            pages = client.get_paginator("list_resolver_query_log_config_associations").paginate(
                Filters=[{"Name": "ResourceId", "Values": vpc_ids[start:start + 100]},
                         {"Name": "Status", "Values": ["ACTIVE", "CREATING"]}])
            for page in pages:
                for a in page.get("ResolverQueryLogConfigAssociations") or ():
                    associations[a["ResourceId"]] = a
        configs = {}
        config_ids = sorted({a["ResolverQueryLogConfigId"] for a in associations.values()})
        if config_ids:
            pages = client.get_paginator("list_resolver_query_log_configs").paginate(
                Filters=[{"Name": "Id", "Values": config_ids}])
            for page in pages:
                configs.update({c["Id"]: c for c in page.get("ResolverQueryLogConfigs") or ()})
        want = self.data.get("state", True)
        out = []
        for r in resources:
            association = associations.get(r["VpcId"])
            if association:
                r[self.annotation] = configs.get(association["ResolverQueryLogConfigId"], {})
            if (self.annotation in r) == want:
                out.append(r)
        return out

    def keys(self):
        return {"VpcId"}
