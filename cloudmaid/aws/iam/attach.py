"""Managed policy attachments and permissions boundaries, with Cloud Custodian's names and
keys: ``set-policy`` (iam-role, iam-user, iam-group, iam-profile: the profile's role) and
``set-boundary`` (iam-role, iam-user)."""
from ...actions.core import Action, actions
from .common import GROUP, PROFILE, ROLE, USER, ignore_gone, listed, policy_arn


class SetPolicy(Action):
    """Attach (``state: attached``) or detach (``detached``) the managed policy ``arn`` (an
    ARN, or the name of one of the account's policies); ``arn: "*"`` with ``detached``
    detaches every attached policy. Detaching a policy that is not attached is a no-op."""
    schema = {"state": {"enum": ["attached", "detached"]}, "arn": {"type": "string"}}
    required = ("state", "arn")
    kind = param = key = None    # attach_<kind>_policy, its parameter, the resource key

    def validate(self):
        if self.data.get("state") == "attached" and self.data.get("arn") == "*":
            return [(("arn",), "'*' can only be detached (state: detached)")]
        return []

    def entity(self, resource):
        return resource[self.key]

    def process(self, resources):
        arn = self.data["arn"]
        arn = arn if arn == "*" else policy_arn(self.manager, arn)
        state = self.data["state"]
        client = self.manager.client("iam")

        def one(r):
            name = self.entity(r)
            if name is None:
                return
            who = {self.param: name}
            if state == "attached":
                getattr(client, f"attach_{self.kind}_policy")(PolicyArn=arn, **who)
                return
            arns = [arn] if arn != "*" else [p["PolicyArn"] for p in ignore_gone(
                listed, client, f"list_attached_{self.kind}_policies", "AttachedPolicies",
                **who) or ()]
            for a in arns:
                ignore_gone(getattr(client, f"detach_{self.kind}_policy"), PolicyArn=a, **who)
        self.each(resources, one)


@actions.register("set-policy", resources=ROLE)
class SetRolePolicy(SetPolicy):
    kind, param, key = "role", "RoleName", "RoleName"
    permissions = ("iam:AttachRolePolicy", "iam:DetachRolePolicy",
                   "iam:ListAttachedRolePolicies")


@actions.register("set-policy", resources=USER)
class SetUserPolicy(SetPolicy):
    kind, param, key = "user", "UserName", "UserName"
    permissions = ("iam:AttachUserPolicy", "iam:DetachUserPolicy",
                   "iam:ListAttachedUserPolicies")


@actions.register("set-policy", resources=GROUP)
class SetGroupPolicy(SetPolicy):
    kind, param, key = "group", "GroupName", "GroupName"
    permissions = ("iam:AttachGroupPolicy", "iam:DetachGroupPolicy",
                   "iam:ListAttachedGroupPolicies")


@actions.register("set-policy", resources=PROFILE)
class SetProfileRolePolicy(SetPolicy):
    """On the instance profile's role; a profile without a role is left alone (Custodian
    fails on it)."""
    kind, param = "role", "RoleName"
    permissions = SetRolePolicy.permissions

    def entity(self, profile):
        roles = profile.get("Roles") or ()
        return roles[0]["RoleName"] if roles else None


class SetBoundary(Action):
    """Set (``state: present``, the default) the permissions boundary ``policy`` (an ARN, or
    the name of one of the account's policies), or remove it (``absent``)."""
    schema = {"state": {"enum": ["present", "absent"]}, "policy": {"type": "string"}}
    kind = param = None

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        present = self.data.get("state", "present") == "present"
        verb = "Put" if present else "Delete"
        self.permissions = (f"iam:{verb}{self.kind.title()}PermissionsBoundary",)

    def validate(self):
        if self.data.get("state", "present") == "present" and not self.data.get("policy"):
            return [((), "set-boundary with state present needs 'policy' (a policy ARN or name)")]
        if self.data.get("state") == "absent" and "policy" in self.data:
            return [(("policy",), "'policy' is not used with state: absent (remove it)")]
        return []

    def process(self, resources):
        client = self.manager.client("iam")
        if self.data.get("state", "present") == "present":
            arn = policy_arn(self.manager, self.data["policy"])
            call = getattr(client, f"put_{self.kind}_permissions_boundary")
            self.each(resources, lambda r: ignore_gone(
                call, PermissionsBoundary=arn, **{self.param: r[self.param]}))
        else:
            call = getattr(client, f"delete_{self.kind}_permissions_boundary")
            self.each(resources, lambda r: ignore_gone(call, **{self.param: r[self.param]}))


@actions.register("set-boundary", resources=ROLE)
class SetRoleBoundary(SetBoundary):
    kind, param = "role", "RoleName"
    permissions = ("iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary")


@actions.register("set-boundary", resources=USER)
class SetUserBoundary(SetBoundary):
    kind, param = "user", "UserName"
    permissions = ("iam:PutUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary")
