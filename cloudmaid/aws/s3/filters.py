"""S3 bucket filters with Cloud Custodian's names and semantics: ``bucket-encryption``,
``global-grants``, ``check-public-block``. Each reads (or fetches once, keeping the answer on
the bucket under Custodian's annotation key) only what it needs."""
from botocore.exceptions import ClientError

from ...filters.core import Filter, filters
from ...filters.metrics import MetricsFilter
from ...resources.details import transient
from .region import bucket_region

S3 = ("s3",)
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
GLOBAL = (ALL_USERS, AUTHENTICATED_USERS)


class BucketFetchFilter(Filter):
    """A filter that makes one API call per bucket (once per run, kept on the bucket under
    Custodian's annotation key) then decides."""
    predicate = False
    annotation = None

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation, self.fetch)
        return [b for b in resources if self.decide(b, b.get(self.annotation))]

    def fetch(self, bucket):
        raise NotImplementedError

    def decide(self, bucket, detail):
        raise NotImplementedError


@filters.register("bucket-encryption", resources=S3)
class BucketEncryption(BucketFetchFilter):
    """Default encryption: ``state`` (default true), ``crypto`` AES256 | aws:kms, ``key`` (id,
    ARN, alias name or alias ARN, resolved with KMS), ``bucket_key_enabled``. As in Custodian
    only the first rule is read."""
    annotation = "c7n:bucket-encryption"
    schema = {"state": {"type": "boolean"}, "crypto": {"enum": ["AES256", "aws:kms"]},
              "key": {"type": "string"}, "bucket_key_enabled": {"type": "boolean"}}
    permissions = ("s3:GetEncryptionConfiguration", "kms:DescribeKey", "kms:ListAliases")

    def validate(self):
        if self.data.get("bucket_key_enabled") is not None and self.data.get("key") is not None:
            return [(("key",), "key and bucket_key_enabled cannot both be set")]
        return []

    def process(self, resources, event=None):
        self.keys_by_region = {}
        if self.data.get("key"):
            # the key is resolved in each bucket's region: Location only where it is unknown
            self.manager.ensure_details([b for b in resources if bucket_region(b) is None],
                                        {"Location"})
            for region in {bucket_region(b, "us-east-1") for b in resources}:
                self.keys_by_region[region] = self.resolve_key(region)
        return super().process(resources, event)

    def resolve_key(self, region):
        """The key's id, ARN and every alias name/ARN, to compare with KMSMasterKeyID."""
        kms = self.manager.client("kms", region)
        try:
            meta = kms.describe_key(KeyId=self.data["key"])["KeyMetadata"]
            aliases = kms.list_aliases(KeyId=meta["KeyId"]).get("Aliases", [])
        except ClientError as e:
            if transient(e):   # throttled past the retries: unknown, not "no such key"
                raise
            return None
        return {meta.get("KeyId"), meta.get("Arn"),
                *(a[k] for a in aliases for k in ("AliasArn", "AliasName") if k in a)}

    def fetch(self, bucket):
        client = self.manager.bucket_client(bucket)
        try:
            found = client.get_bucket_encryption(Bucket=bucket["Name"])
            found.pop("ResponseMetadata", None)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ServerSideEncryptionConfigurationNotFoundError":
                raise
            found = {}
        bucket[self.annotation] = found

    def decide(self, bucket, detail):
        rules = (detail or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        first = rules[0] if rules else None
        bke = self.data.get("bucket_key_enabled")
        if bke is not None and first is not None:
            return bool(first.get("BucketKeyEnabled")) == bke
        if self.data.get("state", True):
            return first is not None and self.rule_matches(bucket, first)
        return first is None or not self.rule_matches(bucket, first)

    def rule_matches(self, bucket, rule):
        default = rule.get("ApplyServerSideEncryptionByDefault")
        if not default:
            return False
        algo, crypto = default.get("SSEAlgorithm"), self.data.get("crypto")
        if not crypto:
            return algo in ("AES256", "aws:kms")
        if crypto != algo:
            return False
        if crypto == "AES256":
            return True
        if "key" not in self.data:
            return True
        key_ids = self.keys_by_region.get(bucket_region(bucket, "us-east-1"))
        if not key_ids:
            return False   # the policy's key could not be resolved: match nothing
        return default.get("KMSMasterKeyID", "alias/aws/s3") in key_ids


@filters.register("global-grants", resources=S3)
class GlobalGrants(Filter):
    """ACL grants to AllUsers or AuthenticatedUsers (``permissions`` narrows them, any of them
    by default, all of them with ``operator: and``); READ on
    a website bucket is allowed unless ``allow_website: false``. The granted permissions are
    kept in ``GlobalPermissions``. The website configuration is fetched only for buckets with
    a global READ grant that it can exempt."""
    predicate = False
    schema = {"allow_website": {"type": "boolean"}, "operator": {"enum": ["or", "and"]},
              "permissions": {"type": "array", "items": {"enum": [
                  "READ", "WRITE", "WRITE_ACP", "READ_ACP", "FULL_CONTROL"]}}}
    permissions = ("s3:GetBucketAcl", "s3:GetBucketWebsite")

    def process(self, resources, event=None):
        self.manager.ensure_details(resources, {"Acl"})
        wanted = self.data.get("permissions") or ()
        if self.data.get("allow_website", True) and (not wanted or "READ" in wanted):
            need = [b for b in resources if "Website" not in b and any(
                g.get("Permission") == "READ" and (g.get("Grantee") or {}).get("URI") in GLOBAL
                for g in (b.get("Acl") or {}).get("Grants") or ())]
            self.manager.ensure_details(need, {"Website"})
        return [b for b in resources if self.match(b, event)]

    def match(self, bucket, event=None):
        acl = bucket.get("Acl", {"Grants": []})
        if not acl or not acl.get("Grants"):
            return False
        allow_website = self.data.get("allow_website", True)
        wanted = self.data.get("permissions") or ()
        found = []
        for grant in acl["Grants"]:
            uri = (grant.get("Grantee") or {}).get("URI")
            if uri not in GLOBAL:
                continue
            if allow_website and grant.get("Permission") == "READ" and bucket.get("Website"):
                continue
            if not wanted or grant.get("Permission") in wanted:
                found.append(grant.get("Permission"))
        if wanted and self.data.get("operator") == "and" and not set(wanted) <= set(found):
            found = []   # every listed permission must be granted to everyone (Custodian ignores it)
        if found:
            bucket["GlobalPermissions"] = found
        return bool(found)

    def keys(self):
        return {"Acl"}


@filters.register("check-public-block", resources=S3)
class CheckPublicBlock(BucketFetchFilter):
    """The bucket's public access block: with settings given, each must equal the bucket's;
    without, matches when any setting is off (a bucket without a block has all off)."""
    SETTINGS = ("BlockPublicPolicy", "BlockPublicAcls", "IgnorePublicAcls", "RestrictPublicBuckets")
    annotation = "c7n:PublicAccessBlock"
    schema = {k: {"type": "boolean"} for k in SETTINGS}
    permissions = ("s3:GetBucketPublicAccessBlock",)

    def fetch(self, bucket):
        config = {k: False for k in self.SETTINGS}
        try:
            config = self.manager.bucket_client(bucket).get_public_access_block(
                Bucket=bucket["Name"])["PublicAccessBlockConfiguration"]
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if code == "AccessDenied":
                bucket.setdefault("c7n:DeniedMethods", []).append("GetPublicAccessBlock")
            elif code != "NoSuchPublicAccessBlockConfiguration":
                raise
        bucket[self.annotation] = config

    def decide(self, bucket, config):
        config = config or {}
        given = [k for k in self.SETTINGS if k in self.data]
        if given:
            return all(self.data[k] is config.get(k) for k in given)
        return not all(config.get(k) for k in self.SETTINGS)


@filters.register("metrics", resources=S3)
class BucketMetrics(MetricsFilter):
    """S3's storage metrics: NumberOfObjects is reported per storage type, all of them unless
    ``dimensions`` say otherwise (Custodian's default)."""

    def dimensions(self, resource):
        dims = super().dimensions(resource)
        if self.data["name"] == "NumberOfObjects" and "dimensions" not in self.data:
            dims.append({"Name": "StorageType", "Value": "AllStorageTypes"})
        return dims
