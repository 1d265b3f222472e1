"""iam-policy filters and actions with Cloud Custodian's names and semantics: ``used``,
``unused``, ``has-allow-all`` and ``delete``."""
from ...actions.core import Action, actions
from ...filters.core import filters
from ...filters.policydoc import as_list, load, statements
from .common import POLICY, BatchFilter, ignore_gone, listed


def in_use(policy):
    return policy.get("AttachmentCount", 0) > 0 or \
        policy.get("PermissionsBoundaryUsageCount", 0) > 0


@filters.register("used", resources=POLICY)
class PolicyUsed(BatchFilter):
    """Policies attached to a user, group or role, or used as a permissions boundary."""
    permissions = ("iam:ListPolicies",)
    want = True

    def process(self, resources, event=None):
        return [p for p in resources if in_use(p) == self.want]

    def keys(self):
        return {"AttachmentCount", "PermissionsBoundaryUsageCount"}


@filters.register("unused", resources=POLICY)
class PolicyUnused(PolicyUsed):
    """Policies neither attached nor used as a permissions boundary."""
    want = False


def allows_all(document):
    """A statement allowing every action on every resource, without a condition (CIS 1.22)."""
    return any(s.get("Effect") == "Allow" and "Condition" not in s
               and "*" in as_list(s.get("Action")) and "*" in as_list(s.get("Resource"))
               for s in statements(document))


@filters.register("has-allow-all", resources=POLICY)
class HasAllowAll(BatchFilter):
    """Policies whose default version allows ``*`` on ``*`` without a condition; the
    document is kept in ``c7n:policy`` (as check-permissions keeps it)."""
    permissions = ("iam:ListPolicies", "iam:GetPolicyVersion")
    annotation = "c7n:policy"

    def fetch(self, policy):
        found = ignore_gone(self.client().get_policy_version, PolicyArn=policy["Arn"],
                            VersionId=policy["DefaultVersionId"])
        policy[self.annotation] = (found or {}).get("PolicyVersion") or {}

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation, self.fetch)
        return [p for p in resources
                if allows_all(load((p.get(self.annotation) or {}).get("Document")))]


@actions.register("delete", resources=POLICY)
class DeletePolicy(Action):
    """Delete customer-managed policies, their non-default versions first. AWS-managed
    policies (``query: [{Scope: AWS}]``) are left out, as Custodian does; a policy still
    attached fails alone (DeleteConflict)."""
    permissions = ("iam:DeletePolicy", "iam:ListPolicyVersions", "iam:DeletePolicyVersion")

    def process(self, resources):
        client = self.manager.client("iam")
        own = [p for p in resources if p["Arn"].split(":")[4] != "aws"]
        self.result["skipped"] = len(resources) - len(own)

        def one(policy):
            arn = policy["Arn"]
            if policy.get("DefaultVersionId", "") != "v1":
                for v in ignore_gone(listed, client, "list_policy_versions", "Versions",
                                     PolicyArn=arn) or ():
                    if not v.get("IsDefaultVersion"):
                        ignore_gone(client.delete_policy_version, PolicyArn=arn,
                                    VersionId=v["VersionId"])
            ignore_gone(client.delete_policy, PolicyArn=arn)
        self.each(own, one)
