"""iam-user filters with Cloud Custodian's names, keys and annotations: ``access-key``,
``ssh-key``, ``service-specific-credentials``, ``mfa-device``, ``login-profile``, ``group``,
``policy`` and ``has-inline-policy``. Each reads what it needs once per user per run."""
from botocore.exceptions import ClientError

from ...filters.core import filters
from ...filters.value import VALUE_SCHEMA, ValueFilter
from ...resources import details
from .common import (GONE, USER, InlinePolicies, ItemValueFilter, code, ignore_gone, listed,
                     merge_annotation)
from .credential import MATCHED


@filters.register("access-key", resources=USER)
class AccessKey(ItemValueFilter):
    """The user's access keys (``c7n:AccessKeys``); matched keys go to ``c7n:matched-keys``.
    ``match-operator: and`` matches only among the keys earlier filters matched, so several
    access-key filters must hold for one key."""
    schema = dict(VALUE_SCHEMA, **{"match-operator": {"enum": ["and", "or"]}})
    own = ("match-operator",)
    annotation = "c7n:AccessKeys"
    matched_annotation = MATCHED
    permissions = ("iam:ListAccessKeys",)

    def fetch(self, user):
        user[self.annotation] = ignore_gone(listed, self.client(), "list_access_keys",
                                            "AccessKeyMetadata", UserName=user["UserName"]) or []

    def items(self, user):
        if self.data.get("match-operator", "or") == "and" and MATCHED in user:
            return user[MATCHED]
        return user.get(self.annotation) or []

    def on_match(self, user, found):
        for k in found:
            k["c7n:match-type"] = "access"
        merge_annotation(user, MATCHED, found)


@filters.register("ssh-key", resources=USER)
class SshKey(ItemValueFilter):
    """The user's SSH public keys (``c7n:SSHKeys``), matched ones in ``c7n:matched-ssh-keys``."""
    annotation = "c7n:SSHKeys"
    matched_annotation = "c7n:matched-ssh-keys"
    permissions = ("iam:ListSSHPublicKeys",)

    def fetch(self, user):
        user[self.annotation] = ignore_gone(listed, self.client(), "list_ssh_public_keys",
                                            "SSHPublicKeys", UserName=user["UserName"]) or []


@filters.register("service-specific-credentials", resources=USER)
class ServiceSpecificCredentials(ItemValueFilter):
    """The user's service-specific credentials (CodeCommit, Keyspaces ...), matched ones in
    ``c7n:matched-service-specific-credentials``; a user without any never matches."""
    annotation = "c7n:ServiceSpecificCredentials"
    matched_annotation = "c7n:matched-service-specific-credentials"
    permissions = ("iam:ListServiceSpecificCredentials",)

    def fetch(self, user):
        found = ignore_gone(self.client().list_service_specific_credentials,
                            UserName=user["UserName"]) or {}
        user[self.annotation] = found.get("ServiceSpecificCredentials") or []


@filters.register("group", resources=USER)
class Group(ItemValueFilter):
    """A value filter over the groups the user is in (``c7n:Groups``)."""
    annotation = "c7n:Groups"
    permissions = ("iam:ListGroupsForUser",)

    def fetch(self, user):
        user[self.annotation] = ignore_gone(listed, self.client(), "list_groups_for_user",
                                            "Groups", UserName=user["UserName"]) or []


@filters.register("policy", resources=USER)
class UserPolicy(ItemValueFilter):
    """A value filter over the managed policies attached to the user (``c7n:Policies``, each
    as GetPolicy returns it); ``include-via: true`` adds those attached to its groups."""
    schema = dict(VALUE_SCHEMA, **{"include-via": {"type": "boolean"}})
    own = ("include-via",)
    annotation = "c7n:Policies"
    permissions = ("iam:ListAttachedUserPolicies", "iam:ListGroupsForUser",
                   "iam:ListAttachedGroupPolicies", "iam:GetPolicy")

    def process(self, resources, event=None):
        # fetched afresh: with and without include-via the lists differ
        self.policies, self.groups = {}, {}
        details.pmap(self.fetch, resources)
        match = self.vf.matcher(self.clock(), event)
        return [r for r in resources if any(match(p) for p in r[self.annotation])]

    def fetch(self, user):
        client = self.client()
        arns = [p["PolicyArn"] for p in ignore_gone(
            listed, client, "list_attached_user_policies", "AttachedPolicies",
            UserName=user["UserName"]) or ()]
        if self.data.get("include-via"):
            groups = ignore_gone(listed, client, "list_groups_for_user", "Groups",
                                 UserName=user["UserName"]) or []
            user["c7n:Groups"] = groups
            for g in groups:
                arns.extend(a for a in self.group_policies(client, g) if a not in arns)
        user[self.annotation] = [p for p in (self.policy(client, a) for a in arns) if p]

    def group_policies(self, client, group):
        name = group["GroupName"]
        if name not in self.groups:
            self.groups[name] = [p["PolicyArn"] for p in ignore_gone(
                listed, client, "list_attached_group_policies", "AttachedPolicies",
                GroupName=name) or ()]
        group["AttachedPolicies"] = [{"PolicyArn": a} for a in self.groups[name]]
        return self.groups[name]

    def policy(self, client, arn):
        if arn not in self.policies:
            found = ignore_gone(client.get_policy, PolicyArn=arn)
            self.policies[arn] = (found or {}).get("Policy")
        return self.policies[arn]


@filters.register("mfa-device", resources=USER)
class MfaDevice(ItemValueFilter):
    """A value filter on the user's ``MFADevices`` list: without a ``key`` (or with key
    MFADevices), on the list itself (``value: empty`` finds users without a device,
    ``not-null`` those with one); with another key, on each device (``SerialNumber``,
    ``EnableDate``). Custodian always reads the list, whatever the key."""
    annotation = "MFADevices"
    permissions = ("iam:ListMFADevices",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.whole = self.data.get("key", self.annotation) == self.annotation
        if self.whole:
            self.vf = ValueFilter(dict(self.vf.data, key=self.annotation), manager)

    def fetch(self, user):
        user[self.annotation] = ignore_gone(listed, self.client(), "list_mfa_devices",
                                            "MFADevices", UserName=user["UserName"]) or []

    def process(self, resources, event=None):
        if not self.whole:
            return super().process(resources, event)
        self.manager.cached(resources, self.annotation, self.fetch)
        match = self.vf.matcher(self.clock(), event)
        return [r for r in resources if match(r)]


@filters.register("login-profile", resources=USER)
class LoginProfile(ItemValueFilter):
    """Users with a console password (``c7n:LoginProfile`` true). With a ``key``, the value
    filter also applies to the login profile (CreateDate, PasswordResetRequired), kept in
    ``c7n:LoginProfileDetail``; Custodian accepts the value filter keys and ignores them."""
    annotation = "c7n:LoginProfileDetail"
    permissions = ("iam:GetLoginProfile",)

    def validate(self):
        return super().validate() if "key" in self.data else []

    def fetch(self, user):
        try:
            found = self.client().get_login_profile(UserName=user["UserName"])["LoginProfile"]
        except ClientError as e:
            if code(e) not in GONE:
                raise
            found = None
        user[self.annotation] = [found] if found else []

    def process(self, resources, event=None):
        if "key" not in self.data:
            self.manager.cached(resources, self.annotation, self.fetch)
            out = [r for r in resources if r.get(self.annotation)]
        else:
            out = super().process(resources, event)
        for r in resources:
            r["c7n:LoginProfile"] = bool(r.get(self.annotation))
        return out


@filters.register("has-inline-policy", resources=USER)
class UserInlinePolicies(InlinePolicies):
    permissions = ("iam:ListUserPolicies",)
    op, param, key = "list_user_policies", "UserName", "UserName"
