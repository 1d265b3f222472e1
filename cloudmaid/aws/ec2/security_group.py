"""Security groups: ``ingress``/``egress`` permission filters and ``delete``, with Cloud
Custodian's keys and semantics.

Each permission is expanded per CIDR / prefix list / group pair (as the console shows them);
a group matches when one expanded permission satisfies every given key (``match-operator:
and``, the default) or any of them (``or``). ``Ports``: the permission's range holds one of
the ports; ``OnlyPorts``: it allows a port outside the list. Matched permissions are kept in
``MatchedIpPermissions`` / ``MatchedIpPermissionsEgress``.
"""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import Filter, filters
from ...filters.value import ValueFilter
from ...resources.related import lookup

SG = ("security-group",)
PERM_ATTRS = ("FromPort", "IpProtocol", "IpRanges", "PrefixListIds", "ToPort", "UserIdGroupPairs")
RANGE_KEYS = ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")


def vfilter(key, spec, manager):
    """``spec`` is a value filter dict (its key is set) or a plain value (equality)."""
    data = dict(spec) if isinstance(spec, dict) else {"value": spec}
    data.update(type="value", key=key)
    return ValueFilter(data, manager).match


def expand(permissions):
    for p in permissions or ():
        base = dict(p)
        values = {k: base.pop(k, None) or () for k in RANGE_KEYS}
        base.update({k: [] for k in RANGE_KEYS})
        for k, items in values.items():
            for item in items:
                yield dict(base, **{k: [item]})


class SGPermission(Filter):
    perm_key = None
    schema = {k: {} for k in PERM_ATTRS}
    schema.update({
        "Ports": {"type": "array", "items": {"type": "integer"}},
        "OnlyPorts": {"type": "array", "items": {"type": "integer"}},
        "SelfReference": {"type": "boolean"}, "Cidr": {}, "CidrV6": {},
        "Description": {"type": "object"}, "SGReferences": {"type": "object"},
        "match-operator": {"enum": ["and", "or"]},
    })
    permissions = ("ec2:DescribeSecurityGroups",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        d = self.data
        self.vfilters = [vfilter(k, d[k], manager) for k in PERM_ATTRS if k in d]
        self.ports = d.get("Ports") or ()
        self.only_ports = d.get("OnlyPorts") or ()
        self.cidr = vfilter("CidrIp", d["Cidr"], manager) if "Cidr" in d else None
        self.cidr6 = vfilter("CidrIpv6", d["CidrV6"], manager) if "CidrV6" in d else None
        self.description = vfilter("Description", d["Description"], manager) \
            if "Description" in d else None
        self.sg_refs = vfilter(d["SGReferences"].get("key"), {
            k: v for k, v in d["SGReferences"].items() if k != "key"}, manager) \
            if d.get("SGReferences") else None
        self.combine = any if d.get("match-operator", "and") == "or" else all
        self.annotation = f"Matched{self.perm_key}"
        # SGReferences needs the referenced groups: a batch lookup first
        self.predicate = self.sg_refs is None
        self._groups = {}

    def validate(self):
        unknown = set(self.data) - set(self.schema) - {"type"}
        return [((k,), f"unknown key '{k}' for {self.type}") for k in sorted(unknown)]

    def process(self, resources, event=None):
        if self.sg_refs is not None:
            ids = [p["GroupId"] for r in resources for perm in r.get(self.perm_key) or ()
                   for p in perm.get("UserIdGroupPairs") or () if p.get("GroupId")]
            self._groups = lookup(self.manager.ctx, "security-group", ids)
        return [r for r in resources if self.match(r, event)]

    # -- per expanded permission: True/False, or None when the key is not asked -----------
    def check_ports(self, perm):
        found = None
        if "FromPort" in perm and "ToPort" in perm:
            for port in self.ports:
                if perm["FromPort"] <= port <= perm["ToPort"]:
                    found = True
                    break
                found = False
            only_found = any(port == perm["FromPort"] == perm["ToPort"]
                             for port in self.only_ports)
            if self.only_ports:
                found = False if only_found else (found is None or found)
        return found

    def check_cidrs(self, perm):
        results = []
        for match, key in ((self.cidr6, "Ipv6Ranges"), (self.cidr, "IpRanges")):
            if match is not None:
                results.append(any(match(r) for r in perm.get(key) or ()))
        return self.combine(results) if results else None

    def check_description(self, perm):
        if self.description is None:
            return None
        for k in ("Ipv6Ranges", "IpRanges", "UserIdGroupPairs", "PrefixListIds"):
            if perm.get(k):
                return self.description(perm[k][0])
        return False

    def check_self_reference(self, perm, group_id):
        want = self.data.get("SelfReference")
        if want is None:
            return None
        refers = group_id in [p.get("GroupId") for p in perm.get("UserIdGroupPairs") or ()]
        return refers == want

    def check_sg_references(self, perm, owner_id):
        if self.sg_refs is None:
            return None
        ids = [p["GroupId"] for p in perm.get("UserIdGroupPairs") or ()
               if p.get("UserId", "") == owner_id]
        return any(self.sg_refs(self._groups[i]) for i in ids if i in self._groups)

    def match(self, resource, event=None):
        matched = []
        gid, owner = resource.get("GroupId"), resource.get("OwnerId")
        for perm in expand(resource.get(self.perm_key)):
            checks = [bool(f(perm)) for f in self.vfilters]
            checks += [c for c in (self.check_description(perm), self.check_ports(perm),
                                   self.check_cidrs(perm), self.check_self_reference(perm, gid),
                                   self.check_sg_references(perm, owner)) if c is not None]
            if not checks and self.combine is all:
                continue   # nothing asked of this permission: all([]) must not match
            if self.combine(checks):
                matched.append(perm)
        if matched:
            seen = resource.setdefault(self.annotation, [])
            seen.extend(m for m in matched if m not in seen)
            return True
        return False

    def keys(self):
        return {self.perm_key, "GroupId", "OwnerId"}


@filters.register("ingress", resources=SG)
class Ingress(SGPermission):
    perm_key = "IpPermissions"


@filters.register("egress", resources=SG)
class Egress(SGPermission):
    perm_key = "IpPermissionsEgress"


@actions.register("delete", resources=SG)
class Delete(Action):
    """DeleteSecurityGroup per group; a group still in use fails alone (DependencyViolation),
    one already gone counts as deleted."""
    permissions = ("ec2:DeleteSecurityGroup",)

    def process(self, resources):
        client = self.manager.client()

        def delete(group):
            try:
                client.delete_security_group(GroupId=group["GroupId"])
            except ClientError as e:
                if e.response.get("Error", {}).get("Code") != "InvalidGroup.NotFound":
                    raise
        self.each(resources, delete)
