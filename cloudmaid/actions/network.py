"""``modify-security-groups``: change the security groups of VPC-attached resources, Cloud
Custodian's keys and rules. A service registers a subclass naming where a resource's group ids
and VPC id are (``groups_expr``, ``vpc_expr``) and how groups are set (``set_groups``).

``add`` and ``remove`` take group ids or names (names are looked up in the resource's VPC);
``remove`` also takes ``matched`` (the groups a ``security-group`` filter matched,
``c7n:matched-security-groups``), ``network-location`` (the groups its annotation names) or
``all``; ``add-by-tag`` adds the groups of the resource's VPC carrying ``key`` with one of
``values``; when nothing is left, ``isolation-group`` is set (needed with ``remove: all``).
"""
import jmespath

from ..errors import PolicyError
from .core import AWS_ERRORS, Action

SYMBOLS = ("matched", "network-location", "all")
_IDS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def as_list(value):
    return [value] if isinstance(value, str) else list(value or ())


class ModifySecurityGroups(Action):
    schema = {"add": _IDS, "remove": _IDS, "isolation-group": _IDS,
              "add-by-tag": {"type": "object", "additionalProperties": False,
                             "required": ["key", "values"],
                             "properties": {"key": {"type": "string"},
                                            "values": {"type": "array",
                                                       "items": {"type": "string"}}}}}
    permissions = ("ec2:DescribeSecurityGroups",)
    groups_expr = None    # JMESPath of the group ids in the resource (or network interface)
    vpc_expr = "VpcId"

    def validate(self):
        d = self.data
        out = []
        if not any(k in d for k in ("add", "add-by-tag")) and not (
                "remove" in d and ("isolation-group" in d or "add" in d)):
            if "remove" not in d or "isolation-group" not in d:
                out.append(((), "give add, add-by-tag, or remove with isolation-group"))
        if "all" in as_list(d.get("remove")) and not as_list(d.get("isolation-group")):
            out.append((("remove",), "remove: all needs an isolation-group: a VPC resource "
                                     "keeps at least one security group"))
        return out

    def names(self):
        return [g for k in ("add", "remove", "isolation-group") for g in as_list(self.data.get(k))
                if not g.startswith("sg-") and g not in SYMBOLS]

    def lookup_groups(self, filters):
        if not filters:
            return []
        pages = self.manager.client("ec2").get_paginator("describe_security_groups").paginate(
            Filters=filters)
        return [g for page in pages for g in page.get("SecurityGroups") or ()]

    def resolve(self, resource, groups, named):
        """Group names -> ids in the resource's VPC (PolicyError when one is not there)."""
        vpc = jmespath.search(self.vpc_expr, resource)
        out = []
        for g in groups:
            if g.startswith("sg-") or g in SYMBOLS:
                out.append(g)
                continue
            found = [s["GroupId"] for s in named if s["GroupName"] == g and s.get("VpcId") == vpc]
            if not found:
                raise PolicyError(f"no security group named '{g}' in {vpc or 'the resource VPC'}")
            out.append(found[0])
        return out

    def target_groups(self, resource, named, tagged):
        current = list(jmespath.search(self.groups_expr, resource) or [])
        remove = self.resolve(resource, as_list(self.data.get("remove")), named)
        if "matched" in remove:
            remove = list(resource.get("c7n:matched-security-groups") or ())
        elif "network-location" in remove:
            remove = [g for reason in resource.get("c7n:NetworkLocation") or ()
                      if reason.get("reason") == "SecurityGroupMismatch"
                      for g in reason.get("security-groups") or ()]
        elif "all" in remove:
            remove = list(current)
        add = self.resolve(resource, as_list(self.data.get("add")), named)
        vpc = jmespath.search(self.vpc_expr, resource)
        add += [g["GroupId"] for g in tagged if g.get("VpcId") == vpc]
        groups = [g for g in current if g not in remove]
        groups += [g for g in dict.fromkeys(add) if g not in groups]
        return groups or self.resolve(resource, as_list(self.data.get("isolation-group")), named)

    def targets(self, resources):
        """The resources (or their network interfaces) whose groups are set."""
        return resources

    def process(self, resources):
        names = self.names()
        named = self.lookup_groups([{"Name": "group-name", "Values": names}] if names else [])
        tag = self.data.get("add-by-tag")
        tagged = self.lookup_groups([{"Name": f"tag:{tag['key']}", "Values": tag["values"]}]) \
            if tag else []

        for resource in resources:
            try:
                for target in self.targets([resource]):
                    groups = self.target_groups(target, named, tagged)
                    if sorted(groups) != sorted(jmespath.search(self.groups_expr, target) or []):
                        self.set_groups(target, groups)
            except (*AWS_ERRORS, PolicyError) as e:
                self.fail(resource, e)
                continue
            self.result["succeeded"] += 1

    def set_groups(self, target, groups):
        raise NotImplementedError


class InterfaceSecurityGroups(ModifySecurityGroups):
    """Groups set on network interfaces (ModifyNetworkInterfaceAttribute): the eni type's
    action, and ec2's per interface of each instance."""
    permissions = ("ec2:ModifyNetworkInterfaceAttribute", "ec2:DescribeSecurityGroups")
    groups_expr = "Groups[].GroupId"

    def set_groups(self, eni, groups):
        self.manager.client("ec2").modify_network_interface_attribute(
            NetworkInterfaceId=eni["NetworkInterfaceId"], Groups=groups)
