"""Secrets Manager filters with Cloud Custodian's names and semantics: ``cross-account`` and
``has-statement`` over the secret's resource policy (GetResourcePolicy, once per run, kept in
``c7n:AccessPolicy``), ``current-version``, and the related ``kms-key`` (the secret's
KmsKeyId)."""
from botocore.exceptions import ClientError

from ...filters.base import filters, now_of
from ...filters.value import ValueFilter
from ...filters.crossaccount import CrossAccountFilter, HasStatementFilter
from ...resources.details import transient
from ...resources.related import register_related
from .types import TYPES

SECRETS = ("secrets-manager",)
POLICY = "c7n:AccessPolicy"


def fetch_policies(manager, resources):
    client = manager.client("secretsmanager")

    def fetch(secret):
        try:
            secret[POLICY] = client.get_resource_policy(SecretId=secret["ARN"]).get(
                "ResourcePolicy")
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            secret[POLICY] = None
    manager.cached(resources, POLICY, fetch)


class SecretPolicy:
    policy_key = POLICY
    permissions = ("secretsmanager:GetResourcePolicy",)

    def fetch_policies(self, resources):
        fetch_policies(self.manager, resources)


@filters.register("cross-account", resources=SECRETS)
class SecretCrossAccount(SecretPolicy, CrossAccountFilter):
    """The secret's resource policy allows principals outside the account."""


@filters.register("has-statement", resources=SECRETS)
class SecretHasStatement(SecretPolicy, HasStatementFilter):
    """The secret's resource policy has the given statements (``{secret_arn}`` is the
    secret's ARN in them)."""

    def format_args(self, resource):
        return dict(super().format_args(resource), secret_arn=resource.get("ARN", ""))


@filters.register("current-version", resources=SECRETS)
class CurrentVersion(ValueFilter):
    """A value filter over the secret's AWSCURRENT version (ListSecretVersionIds), kept in
    ``c7n:CurrentSecretVersion`` (a list, as Custodian keeps it)."""
    predicate = False
    annotation = "c7n:CurrentSecretVersion"
    permissions = ("secretsmanager:ListSecretVersionIds",)

    def process(self, resources, event=None):
        client = self.manager.client()

        def fetch(secret):
            versions, params = [], {"SecretId": secret["ARN"]}
            try:
                while True:   # botocore has no paginator for it
                    page = client.list_secret_version_ids(**params)
                    versions.extend(page.get("Versions") or ())
                    if not page.get("NextToken"):
                        break
                    params["NextToken"] = page["NextToken"]
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
                return
            secret[self.annotation] = [v for v in versions
                                       if "AWSCURRENT" in (v.get("VersionStages") or ())]
        self.manager.cached(resources, self.annotation, fetch)
        match = self.matcher(now_of(self.manager), event)
        return [s for s in resources if s.get(self.annotation) and match(s[self.annotation][0])]

    def keys(self):
        return set()


register_related(TYPES, __name__)


@filters.register("replica-attribute", resources=SECRETS)
class ReplicaAttribute(ValueFilter):
    """A value filter over the secret's replicas (not the primary): DescribeSecret in each
    replica's region, kept in ``c7n:Replicas`` with its ``Region``; a secret matches when one
    replica does. A replica that cannot be described is left out, as in Custodian."""
    predicate = False
    annotation = "c7n:Replicas"
    permissions = ("secretsmanager:DescribeSecret",)

    def process(self, resources, event=None):
        def fetch(secret):
            found = []
            for replica in secret.get("ReplicationStatus") or ():
                region = replica.get("Region")
                try:
                    got = self.manager.client("secretsmanager", region).describe_secret(
                        SecretId=secret["Name"])
                except ClientError as e:
                    if transient(e):   # throttled past the retries: not "no such replica"
                        raise
                    continue
                got.pop("ResponseMetadata", None)
                found.append(dict(got, Region=region))
            secret[self.annotation] = found
        self.manager.cached(resources, self.annotation, fetch)
        match = self.matcher(now_of(self.manager), event)
        return [s for s in resources if any(match(r) for r in s.get(self.annotation) or ())]

    def keys(self):
        return {"ReplicationStatus"}
