"""iam-group filters and actions with Cloud Custodian's names and semantics: ``has-users``,
``has-inline-policy``, ``has-specific-managed-policy``, ``delete`` and
``delete-inline-policies``."""
from ...actions.core import Action, actions
from ...filters.core import filters
from .common import GROUP, BatchFilter, InlinePolicies, ignore_gone, listed


def members(client, group):
    return ignore_gone(listed, client, "get_group", "Users", GroupName=group) or []


@filters.register("has-users", resources=GROUP)
class HasUsers(BatchFilter):
    """``value`` true (default): groups with members; false: empty groups. The members are
    kept in ``c7n:Users``."""
    schema = {"value": {"type": "boolean"}}
    permissions = ("iam:GetGroup",)
    annotation = "c7n:Users"

    def fetch(self, group):
        group[self.annotation] = members(self.client(), group["GroupName"])

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation, self.fetch)
        want = self.data.get("value", True)
        return [g for g in resources if bool(g.get(self.annotation)) == bool(want)]


@filters.register("has-inline-policy", resources=GROUP)
class GroupInlinePolicies(InlinePolicies):
    permissions = ("iam:ListGroupPolicies",)
    op, param, key = "list_group_policies", "GroupName", "GroupName"


@filters.register("has-specific-managed-policy", resources=GROUP)
class GroupManagedPolicy(BatchFilter):
    """Groups with the managed policy named ``value`` attached (no ``value``, no match); the
    attached policies' names are kept in ``ManagedPolicies``."""
    schema = {"value": {"type": "string"}}
    permissions = ("iam:ListAttachedGroupPolicies",)
    annotation = "ManagedPolicies"

    def fetch(self, group):
        group[self.annotation] = [p["PolicyName"] for p in ignore_gone(
            listed, self.client(), "list_attached_group_policies", "AttachedPolicies",
            GroupName=group["GroupName"]) or ()]

    def process(self, resources, event=None):
        name = self.data.get("value")
        if not name:
            return []
        self.manager.cached(resources, self.annotation, self.fetch)
        return [g for g in resources if name in (g.get(self.annotation) or ())]


@actions.register("delete-inline-policies", resources=GROUP)
class DeleteGroupInlinePolicies(Action):
    """Delete every inline policy of the groups."""
    permissions = ("iam:ListGroupPolicies", "iam:DeleteGroupPolicy")

    def process(self, resources):
        client = self.manager.client("iam")

        def one(group):
            name = group["GroupName"]
            if "c7n:InlinePolicies" not in group:
                group["c7n:InlinePolicies"] = ignore_gone(
                    listed, client, "list_group_policies", "PolicyNames", GroupName=name) or []
            for p in group["c7n:InlinePolicies"]:
                ignore_gone(client.delete_group_policy, GroupName=name, PolicyName=p)
        self.each(resources, one)


@actions.register("delete", resources=GROUP)
class DeleteGroup(Action):
    """Delete groups; ``force: true`` first removes their members. A group with members (or
    policies) otherwise fails alone (DeleteConflict)."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("iam:DeleteGroup", "iam:RemoveUserFromGroup", "iam:GetGroup")

    def process(self, resources):
        client = self.manager.client("iam")
        force = self.data.get("force", False)

        def one(group):
            name = group["GroupName"]
            if force:
                for u in members(client, name):
                    ignore_gone(client.remove_user_from_group, GroupName=name,
                                UserName=u["UserName"])
            ignore_gone(client.delete_group, GroupName=name)
        self.each(resources, one)
