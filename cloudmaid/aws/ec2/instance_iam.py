"""EC2 instance filters on the instance profile's role, Cloud Custodian's names, keys and
semantics: ``check-permissions`` (IAM's policy simulator on the role), ``has-specific-managed-
policy`` (the role's attached managed policies), ``iam-role`` (a value filter on the role) and
``iam-role-tag-mirror`` (the instance's tag against the role's).

An instance names its profile by ARN (``IamInstanceProfile.Arn``); profiles are read once per
run (GetInstanceProfile, or the listing for many) and give the role. An instance without a
profile, or whose profile has no role, never matches."""
from ...filters.core import Filter, filters
from ...filters.keys import getter
from ...resources.related import RelatedFilter, lookup
from ..iam.permissions import CheckPermissions
from ..iam.role import RoleManagedPolicy, attached

EC2 = ("ec2",)


def profile_name(instance):
    """The profile's name from the instance's profile ARN (the part after its path)."""
    arn = (instance.get("IamInstanceProfile") or {}).get("Arn") or ""
    return arn.rsplit("/", 1)[-1] if "instance-profile/" in arn else None


def profile_roles(manager, instances):
    """``{instance id: [role, ...]}`` (the roles of each instance's profile, as
    GetInstanceProfile gives them), one lookup for all instances."""
    names = [profile_name(i) for i in instances]
    found = lookup(manager.ctx, "iam-profile", [n for n in names if n])
    return {i["InstanceId"]: list((found.get(n) or {}).get("Roles") or ()) if n else []
            for i, n in zip(instances, names)}


@filters.register("check-permissions", resources=EC2)
class InstancePermissions(CheckPermissions):
    """What IAM's policy simulator decides for ``actions`` on the instance profile's role
    (``match``, ``match-operator``, ``boundaries`` as for IAM principals); each role is
    simulated once per run."""

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.permissions = ("iam:SimulatePrincipalPolicy", "iam:GetInstanceProfile",
                            "iam:ListInstanceProfiles")
        self._evaluated = {}

    def process(self, resources, event=None):
        self._roles = profile_roles(self.manager, resources)
        return super().process(resources, event)

    def evaluations(self, client, resource):
        roles = self._roles.get(resource["InstanceId"]) or ()
        if not roles or not roles[0].get("Arn"):
            return []
        arn = roles[0]["Arn"]   # a profile holds at most one role
        if arn not in self._evaluated:
            self._evaluated[arn] = super().evaluations(client, {"Arn": arn})
        return self._evaluated[arn]

    def keys(self):
        return {"IamInstanceProfile", "InstanceId"}


@filters.register("has-specific-managed-policy", resources=EC2)
class InstanceManagedPolicy(RoleManagedPolicy):
    """A value filter over the managed policies attached to the instance profile's role
    (``c7n:AttachedPolicies``; the key defaults to PolicyName); the policies matched are kept
    in ``c7n:MatchedPolicies``. Terminated instances never match, as in Custodian."""
    permissions = ("iam:GetInstanceProfile", "iam:ListInstanceProfiles",
                   "iam:ListAttachedRolePolicies")

    def process(self, resources, event=None):
        live = [r for r in resources if (r.get("State") or {}).get("Name") != "terminated"]
        self._roles = profile_roles(self.manager, live)
        return super().process(live, event)

    def fetch(self, instance):
        client = self.client()
        instance[self.annotation] = [p for role in self._roles.get(instance["InstanceId"]) or ()
                                     for p in attached(client, role["RoleName"])]

    def keys(self):
        return {"IamInstanceProfile", "InstanceId", "State"}


@filters.register("iam-role", resources=EC2)
class InstanceRole(RelatedFilter):
    """A value filter on the instance profile's role (as IAM lists it, with its tags: e.g.
    ``key: tag:Environment``)."""
    related_type = "iam-role"
    ids_expression = "IamInstanceProfile.Arn"
    annotation = "matched-iam-roles"
    permissions = ("iam:GetInstanceProfile", "iam:ListInstanceProfiles", "iam:GetRole",
                   "iam:ListRoles")

    def process(self, resources, event=None):
        self._roles = profile_roles(self.manager, resources)
        return super().process(resources, event)

    def related_ids(self, resource):
        return [r["RoleName"] for r in self._roles.get(resource["InstanceId"]) or ()
                if r.get("RoleName")]

    def keys(self):
        return {"IamInstanceProfile", "InstanceId"}


@filters.register("iam-role-tag-mirror", resources=EC2)
class RoleTagMirror(Filter):
    """Does the instance's ``key`` (e.g. ``tag:Environment``) mirror its profile role's?
    ``match: not-equal`` (default) keeps instances where the values differ or, unless
    ``missing-ok``, one side lacks it (the reasons in ``c7n:IamRoleTagMirror``); ``equal``
    those where they agree; ``in`` those whose and whose role's values are all in ``value``.
    Roles matching one of ``ignore`` (``{key: value}`` each) are left out; an instance with no
    role left never matches."""
    predicate = False
    schema = {"key": {"type": "string"}, "match": {"enum": ["equal", "not-equal", "in"]},
              "missing-ok": {"type": "boolean"},
              "ignore": {"type": "array", "items": {"type": "object"}},
              "value": {"type": "array", "items": {"type": "string"}}}
    required = ("key",)
    annotation = "c7n:IamRoleTagMirror"
    permissions = ("iam:GetInstanceProfile", "iam:GetRole", "iam:ListRoleTags")

    def roles(self, resources):
        names = profile_roles(self.manager, resources)
        found = lookup(self.manager.ctx, "iam-role",
                       [r["RoleName"] for rs in names.values() for r in rs])
        ignores = [(getter(k), v) for i in self.data.get("ignore") or () for k, v in i.items()]
        return {iid: [found[r["RoleName"]] for r in rs if r["RoleName"] in found
                      and not any(get(found[r["RoleName"]]) == v for get, v in ignores)]
                for iid, rs in names.items()}

    def process(self, resources, event=None):
        roles = self.roles(resources)
        key = self.data["key"]
        get = getter(key)
        out = []
        for r in resources:
            mine = roles.get(r["InstanceId"])
            if mine and self.decide(r, get(r), {x["RoleName"]: get(x) for x in mine}, key):
                out.append(r)
        return out

    def decide(self, resource, value, role_values, key):
        missing_ok = self.data.get("missing-ok", False)
        match = self.data.get("match", "not-equal")
        if match == "in":
            allowed = set(self.data.get("value") or ())
            if not missing_ok and (None in role_values.values() or value is None):
                return False
            return set(filter(None, role_values.values())) <= allowed and \
                (value is None or value in allowed)
        reasons = []
        if not missing_ok and None in role_values.values():
            reasons.append({"reason": "RoleMissingTag", "key": key, "iam-role": role_values})
        if not missing_ok and value is None:
            reasons.append({"reason": "ResourceMissingTag", "key": key, "resource": value})
        differ = {n: v for n, v in role_values.items() if v is not None and v != value}
        if value is not None and differ:
            reasons.append({"reason": "TagMismatch", "key": key, "resource": value,
                            "iam-roles": differ})
        if match == "not-equal" and reasons:
            resource[self.annotation] = reasons
            return True
        return match == "equal" and not reasons

    def keys(self):
        return {"IamInstanceProfile", "InstanceId", "Tags"}
