"""EFS filters with Cloud Custodian's names and semantics: ``lifecycle-policy``,
``check-secure-transport``, ``cross-account`` and ``has-statement`` over the file system
policy (the row's ``Policy`` detail), and the related filters its row declares."""
from botocore.exceptions import ClientError

from ...filters import policydoc
from ...filters.core import Filter, filters
from ...filters.crossaccount import CrossAccountFilter, HasStatementFilter
from ...resources.related import register_related
from .types import TYPES

EFS = ("efs",)
LIFECYCLE = "c7n:LifecyclePolicies"

register_related(TYPES, __name__)


@filters.register("lifecycle-policy", resources=EFS)
class LifecyclePolicy(Filter):
    """``state: present`` matches file systems with a lifecycle policy (with ``value``, one
    transitioning to IA at that age: ``AFTER_7_DAYS``); ``absent`` the others. The policies
    are kept in ``c7n:LifecyclePolicies``; a file system gone meanwhile matches neither."""
    predicate = False
    schema = {"state": {"enum": ["present", "absent"]}, "value": {"type": "string"}}
    required = ("state",)
    permissions = ("elasticfilesystem:DescribeLifecycleConfiguration",)

    def fetch(self, fs):
        try:
            fs[LIFECYCLE] = self.manager.client().describe_lifecycle_configuration(
                FileSystemId=fs["FileSystemId"]).get("LifecyclePolicies") or []
        except ClientError as e:
            if e.response["Error"]["Code"] != "FileSystemNotFound":
                raise

    def process(self, resources, event=None):
        self.manager.cached(resources, LIFECYCLE, self.fetch)
        present = self.data["state"] == "present"
        value = self.data.get("value")
        out = []
        for r in resources:
            policies = r.get(LIFECYCLE)
            if policies is None:
                continue
            has = {"TransitionToIA": value} in policies if value else bool(policies)
            if has == present:
                out.append(r)
        return out


@filters.register("check-secure-transport", resources=EFS)
class CheckSecureTransport(Filter):
    """File systems whose policy does not enforce TLS: no policy, or no statement denying
    ``aws:SecureTransport: false`` (or allowing only ``true``)."""
    predicate = False
    permissions = ("elasticfilesystem:DescribeFileSystemPolicy",)

    def process(self, resources, event=None):
        self.manager.ensure_details(resources, {"Policy"})
        return [r for r in resources if not self.enforced(r.get("Policy"))]

    @staticmethod
    def enforced(policy):
        for s in policydoc.statements(policy):
            value = ((s.get("Condition") or {}).get("Bool") or {}).get("aws:SecureTransport")
            value = str(value).lower() if value is not None else None
            if (s.get("Effect"), value) in (("Deny", "false"), ("Allow", "true")):
                return True
        return False

    def keys(self):
        return {"Policy"}


@filters.register("cross-account", resources=EFS)
class FileSystemCrossAccount(CrossAccountFilter):
    permissions = ("elasticfilesystem:DescribeFileSystemPolicy",)


@filters.register("has-statement", resources=EFS)
class FileSystemHasStatement(HasStatementFilter):
    """File systems whose policy has the given statements; ``{fs_arn}`` may be used."""
    permissions = ("elasticfilesystem:DescribeFileSystemPolicy",)

    def format_args(self, resource):
        return dict(super().format_args(resource), fs_arn=resource.get("FileSystemArn", ""))
