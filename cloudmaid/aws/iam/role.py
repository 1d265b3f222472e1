"""iam-role filters and actions with Cloud Custodian's names, keys and semantics:
``has-inline-policy``, ``has-specific-managed-policy``, ``no-specific-managed-policy``,
``cross-account`` (the trust policy), and ``delete`` (``force``: detach and remove what AWS
requires gone first); iam-profile's ``has-specific-managed-policy`` (its role's policies)."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.core import filters
from ...filters.crossaccount import CrossAccountFilter
from .common import (GONE, PROFILE, ROLE, BatchFilter, InlinePolicies, ItemValueFilter, code,
                     ignore_gone, listed)


def attached(client, role_name):
    return ignore_gone(listed, client, "list_attached_role_policies", "AttachedPolicies",
                       RoleName=role_name) or []


@filters.register("has-inline-policy", resources=ROLE)
class RoleInlinePolicies(InlinePolicies):
    permissions = ("iam:ListRolePolicies",)
    op, param, key = "list_role_policies", "RoleName", "RoleName"


@filters.register("has-specific-managed-policy", resources=ROLE)
class RoleManagedPolicy(ItemValueFilter):
    """A value filter over the role's attached managed policies (``c7n:AttachedPolicies``,
    each ``{PolicyName, PolicyArn}``; the key defaults to PolicyName); the policies matched
    are kept in ``c7n:MatchedPolicies``."""
    annotation = "c7n:AttachedPolicies"
    matched_annotation = "c7n:MatchedPolicies"
    default_key = "PolicyName"
    permissions = ("iam:ListAttachedRolePolicies",)

    def fetch(self, role):
        role[self.annotation] = attached(self.client(), role["RoleName"])


@filters.register("has-specific-managed-policy", resources=PROFILE)
class ProfileManagedPolicy(RoleManagedPolicy):
    """The same over the policies attached to the instance profile's role (a profile
    without a role has none)."""

    def fetch(self, profile):
        client = self.client()
        profile[self.annotation] = [p for r in profile.get("Roles") or ()
                                    for p in attached(client, r["RoleName"])]


@filters.register("no-specific-managed-policy", resources=ROLE)
class RoleWithoutManagedPolicy(BatchFilter):
    """Roles without the managed policy named ``value`` attached (no ``value``, no match)."""
    schema = {"value": {"type": "string"}}
    permissions = ("iam:ListAttachedRolePolicies",)
    annotation = "c7n:AttachedPolicies"

    def fetch(self, role):
        role[self.annotation] = attached(self.client(), role["RoleName"])

    def process(self, resources, event=None):
        name = self.data.get("value")
        if not name:
            return []
        self.manager.cached(resources, self.annotation, self.fetch)
        return [r for r in resources
                if name not in [p.get("PolicyName") for p in r.get(self.annotation) or ()]]


@filters.register("cross-account", resources=ROLE)
class RoleCrossAccount(CrossAccountFilter):
    """Roles whose trust policy lets principals outside the account (and ``whitelist``)
    assume them."""
    policy_key = "AssumeRolePolicyDocument"
    permissions = ("iam:ListRoles",)


@actions.register("delete", resources=ROLE)
class DeleteRole(Action):
    """Delete roles. With ``force: true`` first detach its managed policies, delete its
    inline policies and remove it from (and delete) its instance profiles; without, a role
    that still has them fails alone (DeleteConflict). Service-linked roles cannot be deleted
    this way (UnmodifiableEntity): they are skipped, as gone roles are."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("iam:DeleteRole", "iam:DeleteInstanceProfile", "iam:ListRolePolicies",
                   "iam:DeleteRolePolicy", "iam:ListAttachedRolePolicies",
                   "iam:DetachRolePolicy", "iam:ListInstanceProfilesForRole",
                   "iam:RemoveRoleFromInstanceProfile")

    def process(self, resources):
        client = self.manager.client("iam")
        force = self.data.get("force", False)

        def one(role):
            name = role["RoleName"]
            if force:
                self.strip(client, name)
            try:
                client.delete_role(RoleName=name)
            except ClientError as e:
                if code(e) not in GONE + ("UnmodifiableEntity", "UnmodifiableEntityException"):
                    raise
        self.each(resources, one)

    def strip(self, client, name):
        for p in attached(client, name):
            ignore_gone(client.detach_role_policy, RoleName=name, PolicyArn=p["PolicyArn"])
        for p in ignore_gone(listed, client, "list_role_policies", "PolicyNames",
                             RoleName=name) or ():
            ignore_gone(client.delete_role_policy, RoleName=name, PolicyName=p)
        for p in ignore_gone(listed, client, "list_instance_profiles_for_role",
                             "InstanceProfiles", RoleName=name) or ():
            ignore_gone(client.remove_role_from_instance_profile, RoleName=name,
                        InstanceProfileName=p["InstanceProfileName"])
            ignore_gone(client.delete_instance_profile,
                        InstanceProfileName=p["InstanceProfileName"])
