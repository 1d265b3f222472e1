"""ECR repository actions with Cloud Custodian's names, keys and defaults:
``set-lifecycle``, ``set-scanning``, ``set-immutability``, ``remove-statements``,
``modify-ecr-policy``. One
repository per call; one gone counts as done."""
import json

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.statements import ModifyPolicyAction, RemoveStatementsAction
from ...filters.crossaccount import STATEMENT

ECR = ("ecr",)
RULE = {
    "type": "object", "additionalProperties": False,
    "required": ["rulePriority", "action", "selection"],
    "properties": {
        "rulePriority": {"type": "integer"}, "description": {"type": "string"},
        "action": {"type": "object", "required": ["type"], "additionalProperties": False,
                   "properties": {"type": {"enum": ["expire"]}}},
        "selection": {
            "type": "object", "required": ["countType", "countNumber", "tagStatus"],
            "properties": {
                "tagStatus": {"enum": ["tagged", "untagged", "any"]},
                "tagPatternList": {"type": "array", "items": {"type": "string"}},
                "tagPrefixList": {"type": "array", "items": {"type": "string"}},
                "countNumber": {"type": "integer"},
                "countUnit": {"enum": ["hours", "days"]},
                "countType": {"enum": ["imageCountMoreThan", "sinceImagePushed"]}}}}}


def rule_problems(rule):
    """Custodian's checks of a lifecycle rule beyond its schema."""
    sel = rule.get("selection") or {}
    if sel.get("tagStatus") == "tagged" and not ("tagPrefixList" in sel
                                                 or "tagPatternList" in sel):
        return "tagStatus: tagged needs tagPrefixList or tagPatternList"
    if sel.get("countType") == "sinceImagePushed" and "countUnit" not in sel:
        return "countType: sinceImagePushed needs countUnit"
    if sel.get("countType") == "imageCountMoreThan" and "countUnit" in sel:
        return "countType: imageCountMoreThan takes no countUnit"
    return None


class RepositoryAction(Action):
    def process(self, resources):
        client = self.manager.client()

        def one(repo):
            try:
                self.apply(client, repo)
            except ClientError as e:
                if e.response["Error"]["Code"] != "RepositoryNotFoundException":
                    raise
        self.each(resources, one)
        self.manager.invalidate()

    def apply(self, client, repo):
        raise NotImplementedError


@actions.register("set-lifecycle", resources=ECR)
class SetLifecycle(RepositoryAction):
    """Replace the lifecycle policy with ``rules`` (``state: true``, the default), or delete
    it (``state: false``)."""
    schema = {"state": {"type": "boolean"}, "rules": {"type": "array", "items": RULE}}
    permissions = ("ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy")

    def validate(self):
        if self.data.get("state") is False and "rules" in self.data:
            return [(("rules",), "state: false deletes the policy: give no rules")]
        if self.data.get("state", True) and not self.data.get("rules"):
            return [(("rules",), "set-lifecycle needs rules (or state: false)")]
        out = []
        for i, rule in enumerate(self.data.get("rules") or ()):
            problem = rule_problems(rule)
            if problem:
                out.append((("rules", i), problem))
        return out

    def apply(self, client, repo):
        ids = {"registryId": repo["registryId"], "repositoryName": repo["repositoryName"]}
        if self.data.get("state", True) is False:
            try:
                client.delete_lifecycle_policy(**ids)
            except ClientError as e:
                if e.response["Error"]["Code"] != "LifecyclePolicyNotFoundException":
                    raise
        else:
            client.put_lifecycle_policy(
                **ids, lifecyclePolicyText=json.dumps({"rules": self.data["rules"]}))
        repo.pop("c7n:lifecycle-policy", None)


@actions.register("set-scanning", resources=ECR)
class SetScanning(RepositoryAction):
    """Scan on push on (``state: true``, the default) or off."""
    schema = {"state": {"type": "boolean"}}
    permissions = ("ecr:PutImageScanningConfiguration",)

    def apply(self, client, repo):
        client.put_image_scanning_configuration(
            registryId=repo["registryId"], repositoryName=repo["repositoryName"],
            imageScanningConfiguration={"scanOnPush": self.data.get("state", True)})


@actions.register("set-immutability", resources=ECR)
class SetImmutability(RepositoryAction):
    """Image tags IMMUTABLE (``state: true``, the default) or MUTABLE."""
    schema = {"state": {"type": "boolean"}}
    permissions = ("ecr:PutImageTagMutability",)

    def apply(self, client, repo):
        client.put_image_tag_mutability(
            registryId=repo["registryId"], repositoryName=repo["repositoryName"],
            imageTagMutability="IMMUTABLE" if self.data.get("state", True) else "MUTABLE")


class RepositoryPolicy:
    """Writes the repository policy; no statement left: the policy is deleted."""
    permissions = ("ecr:GetRepositoryPolicy", "ecr:SetRepositoryPolicy",
                   "ecr:DeleteRepositoryPolicy")

    def set_policy(self, repo, policy):
        client = self.manager.client()
        if policy:
            client.set_repository_policy(repositoryName=repo["repositoryName"],
                                         policyText=json.dumps(policy))
        else:
            client.delete_repository_policy(repositoryName=repo["repositoryName"])


@actions.register("remove-statements", resources=ECR)
class RemoveStatements(RepositoryPolicy, RemoveStatementsAction):
    pass


@actions.register("modify-ecr-policy", resources=ECR)
class ModifyRepositoryPolicy(RepositoryPolicy, ModifyPolicyAction):
    """``remove-statements`` then ``add-statements`` (each with a Sid); a repository without a
    policy gets one. ECR policies name no Resource: statements' ``Resource`` is dropped."""
    schema = dict(ModifyPolicyAction.schema, **{"add-statements": {
        "type": "array", "items": dict(STATEMENT, required=["Sid", "Effect"])}})

    def get_policy(self, repo):
        return repo.get(self.policy_key) or {"Version": "2012-10-17", "Statement": []}

    def set_policy(self, repo, policy):
        if policy:
            policy = dict(policy, Statement=[{k: v for k, v in s.items() if k != "Resource"}
                                             for s in policy["Statement"]])
        super().set_policy(repo, policy)
