"""Security group permission actions: ``remove-permissions`` and ``set-permissions``, Cloud
Custodian's keys and semantics.

``matched`` means the permissions an ``ingress``/``egress`` filter of the policy matched (kept
in ``MatchedIpPermissions``/``MatchedIpPermissionsEgress``, one CIDR, prefix list or group pair
each, so exactly those are revoked); ``all`` every permission of the group; a list names the
permissions in RevokeSecurityGroup* form (IpPermission entries; ``Cidr``/``CidrV6`` there are
short for ``IpRanges``/``Ipv6Ranges`` of that one CIDR, as Custodian's documentation writes
them -- Custodian itself sends them to AWS, which refuses them).
"""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.network import InterfaceSecurityGroups

SG = ("security-group",)
_WHICH = {"enum": ["matched", "all"]}
_REMOVE = {"oneOf": [{"enum": ["all", "matched"]},
                     {"type": "array", "items": {"type": "object", "minProperties": 2}}]}
_ADD = {"type": "array", "items": {"type": "object", "minProperties": 1}}
REVOKE = ("ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress")
_SHORT = {"Cidr": ("IpRanges", "CidrIp"), "CidrV6": ("Ipv6Ranges", "CidrIpv6")}


def expand_short(perm):
    """One permission of a remove list with ``Cidr``/``CidrV6`` spelled out."""
    out = {k: v for k, v in perm.items() if k not in _SHORT}
    for short, (key, name) in _SHORT.items():
        if short in perm:
            out[key] = list(out.get(key) or ()) + [{name: perm[short]}]
    return out


def chosen(group, direction, which):
    """The permissions ``which`` names for ``direction`` (ingress | egress) of ``group``."""
    suffix = "Egress" if direction == "egress" else ""
    if which == "matched":
        return list(group.get(f"MatchedIpPermissions{suffix}") or ())
    if which == "all":
        return list(group.get(f"IpPermissions{suffix}") or ())
    return [expand_short(p) for p in which] if isinstance(which, list) else []


def ec2_model():
    import botocore.session
    return botocore.session.get_session().get_service_model("ec2")


def shape_problem(params, shape):
    """The first problem botocore finds with ``params`` for ``shape``, or None."""
    from botocore.validate import ParamValidator
    report = ParamValidator().validate(params, shape)
    return report.generate_report().splitlines()[-1].strip() if report.has_errors() else None


def revoke(client, group, ingress, egress):
    for direction, which in (("ingress", ingress), ("egress", egress)):
        perms = chosen(group, direction, which)
        if perms:
            getattr(client, f"revoke_security_group_{direction}")(
                GroupId=group["GroupId"], IpPermissions=perms)


@actions.register("remove-permissions", resources=SG)
class RemovePermissions(Action):
    """Revoke ingress and/or egress permissions: ``matched`` (the default for both) or
    ``all``."""
    schema = {"ingress": _WHICH, "egress": _WHICH}
    permissions = REVOKE

    def process(self, resources):
        client = self.manager.client()
        ingress = self.data.get("ingress", "matched")
        egress = self.data.get("egress", "matched")
        self.each(resources, lambda g: revoke(client, g, ingress, egress))


@actions.register("set-permissions", resources=SG)
class SetPermissions(Action):
    """Add permissions (``add-ingress``/``add-egress``: AuthorizeSecurityGroup* parameters
    without GroupId; one already there is fine) then remove others (``remove-ingress``/
    ``remove-egress``: matched | all | permissions)."""
    schema = {"add-ingress": _ADD, "add-egress": _ADD, "remove-ingress": _REMOVE,
              "remove-egress": _REMOVE}
    permissions = ("ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress") + REVOKE

    def validate(self):
        """Each added permission must be a valid Authorize request, each listed removal a
        valid IpPermission (botocore's model)."""
        model = ec2_model()
        out = []
        for direction in ("ingress", "egress"):
            name = f"AuthorizeSecurityGroup{direction.title()}"
            shape = model.operation_model(name).input_shape
            for i, perm in enumerate(self.data.get(f"add-{direction}") or ()):
                problem = shape_problem(dict(perm, GroupId="sg-0"), shape)
                if problem:
                    out.append(((f"add-{direction}", i),
                                f"not an Authorize{direction.title()} request: {problem}"))
            remove = self.data.get(f"remove-{direction}")
            if isinstance(remove, list):
                revoke = model.operation_model(f"RevokeSecurityGroup{direction.title()}")
                problem = shape_problem({"GroupId": "sg-0", "IpPermissions": [
                    expand_short(p) for p in remove]}, revoke.input_shape)
                if problem:
                    out.append(((f"remove-{direction}",), f"not IpPermissions: {problem}"))
        return out

    def process(self, resources):
        client = self.manager.client()

        def apply(group):
            for direction in ("egress", "ingress"):
                method = getattr(client, f"authorize_security_group_{direction}")
                for perm in self.data.get(f"add-{direction}") or ():
                    try:
                        method(GroupId=group["GroupId"], **perm)
                    except ClientError as e:
                        if e.response["Error"]["Code"] != "InvalidPermission.Duplicate":
                            raise
            revoke(client, group, self.data.get("remove-ingress", ()),
                   self.data.get("remove-egress", ()))
        self.each(resources, apply)


@actions.register("modify-security-groups", resources=("ec2",))
class InstanceSecurityGroups(InterfaceSecurityGroups):
    """Change an instance's groups, network interface by interface (actions/network.py)."""

    def targets(self, resources):
        out = []
        for instance in resources:
            for eni in instance.get("NetworkInterfaces") or ():
                eni = dict(eni, VpcId=eni.get("VpcId") or instance.get("VpcId"))
                for key in ("c7n:matched-security-groups", "c7n:NetworkLocation"):
                    if instance.get(key):
                        eni[key] = instance[key]
                out.append(eni)
        return out
