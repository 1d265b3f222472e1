"""``network-location`` (Cloud Custodian's) for ec2: do the instance, its subnets and its
security groups agree on ``key`` (e.g. ``tag:TEAM_NAME``)?

``compare`` (default all of resource, subnet, security-group) names what counts. ``match:
not-equal`` (default) keeps the instances where they disagree, the reasons in
``c7n:NetworkLocation`` (``remove: network-location`` of modify-security-groups removes the
groups a SecurityGroupMismatch names); ``equal`` those where they agree; ``in`` those whose
values all lie in ``value``. A missing value is a disagreement unless ``missing-ok``; more than
``max-cardinality`` distinct values among the subnets (or groups) is one too. Subnets and
groups matching one of ``ignore`` (``{key: value}`` each) are left out. Only pending, running,
shutting-down, stopping and stopped instances are considered."""
import jmespath

from ...filters.core import Filter, filters
from ...filters.keys import getter
from ...resources.related import lookup

EC2 = ("ec2",)
STATES = ("pending", "running", "shutting-down", "stopping", "stopped")
GROUPS = jmespath.compile("NetworkInterfaces[].Groups[].GroupId")
SUBNETS = jmespath.compile("NetworkInterfaces[].SubnetId")
PARTS = ["resource", "subnet", "security-group"]


def related_ids(resources, expr):
    return list(dict.fromkeys(i for r in resources for i in expr.search(r) or () if i))


@filters.register("network-location", resources=EC2)
class NetworkLocation(Filter):
    predicate = False
    schema = {"missing-ok": {"type": "boolean"},
              "match": {"enum": ["equal", "not-equal", "in"]},
              "compare": {"type": "array", "items": {"enum": PARTS}},
              "key": {"type": "string"},
              "max-cardinality": {"type": "integer"},
              "ignore": {"type": "array", "items": {"type": "object"}},
              "value": {"type": "array", "items": {"type": "string"}}}
    required = ("key",)
    annotation = "c7n:NetworkLocation"
    permissions = ("ec2:DescribeSecurityGroups", "ec2:DescribeSubnets")

    def kept(self, items):
        ignores = [(getter(k), v) for i in self.data.get("ignore") or () for k, v in i.items()]
        return [x for x in items if not any(get(x) == v for get, v in ignores)]

    def process(self, resources, event=None):
        live = [r for r in resources if (r.get("State") or {}).get("Name") in STATES]
        groups = lookup(self.manager.ctx, "security-group", related_ids(live, GROUPS))
        subnets = lookup(self.manager.ctx, "subnet", related_ids(live, SUBNETS))
        get = getter(self.data["key"])
        out = []
        for r in live:
            sgs = {g["GroupId"]: get(g) for g in self.kept(
                [groups[i] for i in dict.fromkeys(GROUPS.search(r) or ()) if i in groups])}
            nets = {s["SubnetId"]: get(s) for s in self.kept(
                [subnets[i] for i in dict.fromkeys(SUBNETS.search(r) or ()) if i in subnets])}
            if self.decide(r, get(r), sgs, nets):
                out.append(r)
        return out

    def decide(self, resource, value, sgs, nets):
        compare = self.data.get("compare") or PARTS
        missing_ok = self.data.get("missing-ok", False)
        if self.data.get("match", "not-equal") == "in":
            allowed = set(self.data.get("value") or ())
            for part, values in (("subnet", nets), ("security-group", sgs)):
                if part in compare and ((not missing_ok and None in values.values())
                                        or not set(filter(None, values.values())) <= allowed):
                    return False
            if "resource" in compare:
                if value is None and not missing_ok:
                    return False
                if value not in allowed:
                    return False
            return True
        reasons = self.reasons(compare, missing_ok, value, sgs, nets)
        if self.data.get("match", "not-equal") == "not-equal":
            if reasons:
                resource[self.annotation] = reasons
            return bool(reasons)
        return not reasons

    def reasons(self, compare, missing_ok, value, sgs, nets):
        most = self.data.get("max-cardinality", 1)
        out = []
        spaces = {}
        for part, values, label, name in (("subnet", nets, "subnets", "Subnet"),
                                          ("security-group", sgs, "security-groups",
                                           "SecurityGroup")):
            if part not in compare:
                continue
            if not missing_ok and None in values.values():
                out.append({"reason": f"{name}LocationAbsent", label: values})
            spaces[part] = set(filter(None, values.values()))
            if len(spaces[part]) > most:
                out.append({"reason": f"{name}LocationCardinality", label: values})
        if len(spaces) == 2 and spaces["subnet"] != spaces["security-group"]:
            out.append({"reason": "LocationMismatch", "subnets": nets, "security-groups": sgs})
        if "resource" not in compare:
            return out
        if value is None and not missing_ok:
            out.append({"reason": "ResourceLocationAbsent", "resource": value})
        elif "security-group" in compare and sgs and value not in spaces["security-group"]:
            out.append({"reason": "ResourceLocationMismatch", "resource": value,
                        "security-groups": sgs})
        elif "subnet" in compare and nets and value not in spaces["subnet"]:
            out.append({"reason": "ResourceLocationMismatch", "resource": value,
                        "subnet": nets})
        if "security-group" in compare and sgs:
            differ = {g: v for g, v in sgs.items() if v != value}
            if differ:
                out.append({"reason": "SecurityGroupMismatch", "resource": value,
                            "security-groups": differ})
        return out

    def keys(self):
        return {"State", "NetworkInterfaces", "Tags"}
