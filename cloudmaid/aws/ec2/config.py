"""EC2 types' AWS Config items -> the describe shape, where the generic conversion is not enough."""
from ...resources.config_source import CONVERTERS


def security_group(resource, item, supplementary):
    """Config records rules with null ports, legacy ``ipRanges`` strings beside ``ipv4Ranges``,
    and no ``ipv6Ranges`` when empty; describe does neither."""
    for key in ("IpPermissions", "IpPermissionsEgress"):
        for rule in resource.get(key) or ():
            for port in ("FromPort", "ToPort"):
                if port in rule and rule[port] is None:
                    del rule[port]
            rule.setdefault("Ipv6Ranges", [])
            for pair in rule.get("UserIdGroupPairs") or ():
                for k in [k for k, v in pair.items() if v is None]:
                    del pair[k]
            if "Ipv4Ranges" in rule:
                rule["IpRanges"] = rule.pop("Ipv4Ranges")
            elif rule.get("IpRanges") and isinstance(rule["IpRanges"][0], str):
                rule["IpRanges"] = [{"CidrIp": c} for c in rule["IpRanges"]]


CONVERTERS["security-group"] = security_group
