"""S3 remediations with Cloud Custodian's names, keys and defaults: ``set-public-block``,
``set-bucket-encryption``, ``delete-global-grants``, ``toggle-versioning``, and the bucket
policy elements ``cross-account``, ``has-statement``, ``remove-statements``."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.statements import RemoveStatementsAction
from ...filters.core import filters
from ...filters.crossaccount import CrossAccountFilter, HasStatementFilter
from .filters import GLOBAL, CheckPublicBlock
from .region import bucket_region

S3 = ("s3",)
#: AWS's own accounts that deliver logs to buckets (ELB access logs, Redshift audit logs,
#: CloudTrail), by region, as AWS documents them: grants to them are not cross-account access
SERVICE_ACCOUNTS = frozenset({
    "127311923021", "033677994240", "027434742980", "797873946194", "098369216593",
    "985666609251", "054676820928", "897822967062", "635631232127", "156460612806",
    "652711504416", "009996457667", "754344448648", "582318560864", "600734575887",
    "383597477331", "114774131450", "783225319266", "718504428378", "076674570225",
    "507241528517", "048591011584", "190560391635", "638102146993", "037604701340",
    "193672423079", "391106570357", "262260360010", "902366379725", "365689465814",
    "313564881002", "865932855811", "090321488786", "760740231472", "361669875840",
    "762762565011", "404641285394", "907379612154", "053454850223", "210876761215",
    "307160386991", "945612479654", "915173422425", "729911121831", "013126148197",
    "075028567923", "086441151436", "475085895292", "388731089494", "113285607260",
    "819402241893", "977081816279", "492519147666", "903692715234", "284668455005",
    "216624486486", "035351147821", "859597730677", "282025262664", "814480443879",
})


class BucketAction(Action):
    def process(self, resources):
        self.each(resources, self.process_bucket)

    def process_bucket(self, bucket):
        raise NotImplementedError


@actions.register("set-public-block", resources=S3)
class SetPublicBlock(BucketAction):
    """Set the bucket's public access block: the settings given, the others kept as they are;
    with none given, all four set to ``state`` (true by default)."""
    schema = {"state": {"type": "boolean"},
              **{k: {"type": "boolean"} for k in CheckPublicBlock.SETTINGS}}
    permissions = ("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock")

    def process_bucket(self, bucket):
        client = self.manager.bucket_client(bucket)
        config = dict(bucket.get(CheckPublicBlock.annotation) or {})
        if CheckPublicBlock.annotation not in bucket:
            try:
                config = client.get_public_access_block(Bucket=bucket["Name"])[
                    "PublicAccessBlockConfiguration"]
            except ClientError as e:
                if e.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
                    raise
        config = {k: bool(config.get(k, False)) for k in CheckPublicBlock.SETTINGS}
        given = [k for k in CheckPublicBlock.SETTINGS if k in self.data]
        for k in given or CheckPublicBlock.SETTINGS:
            config[k] = self.data[k] if given else self.data.get("state", True)
        client.put_public_access_block(Bucket=bucket["Name"],
                                       PublicAccessBlockConfiguration=config)
        bucket[CheckPublicBlock.annotation] = config


@actions.register("set-bucket-encryption", resources=S3)
class SetBucketEncryption(BucketAction):
    """Default encryption: ``enabled`` (true; false removes it), ``crypto`` (AES256 or
    aws:kms), ``key`` (id, ARN or alias of a KMS key, resolved in the bucket's region; needs
    crypto aws:kms), ``bucket-key`` (true)."""
    schema = {"enabled": {"type": "boolean"}, "crypto": {"enum": ["aws:kms", "AES256"]},
              "key": {"type": "string"}, "bucket-key": {"type": "boolean"}}
    permissions = ("s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration",
                   "kms:ListAliases", "kms:DescribeKey")

    def validate(self):
        if "key" in self.data and self.data.get("crypto") != "aws:kms":
            return [(("key",), "a key needs crypto: aws:kms")]
        return []

    def process(self, resources):
        self._keys = {}
        super().process(resources)

    def key_arn(self, bucket):
        region = bucket_region(bucket, self.manager.ctx.region)
        if region not in self._keys:
            kms = self.manager.client("kms", region)
            self._keys[region] = kms.describe_key(KeyId=self.data.get("key", "alias/aws/s3"))[
                "KeyMetadata"]["Arn"]
        return self._keys[region]

    def process_bucket(self, bucket):
        client = self.manager.bucket_client(bucket)
        if not self.data.get("enabled", True):
            client.delete_bucket_encryption(Bucket=bucket["Name"])
            return
        algo = self.data.get("crypto", "AES256")
        default = {"SSEAlgorithm": algo}
        if algo == "aws:kms":
            default["KMSMasterKeyID"] = self.key_arn(bucket)
        client.put_bucket_encryption(Bucket=bucket["Name"], ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default,
                       "BucketKeyEnabled": self.data.get("bucket-key", True)}]})


@actions.register("delete-global-grants", resources=S3)
class DeleteGlobalGrants(BucketAction):
    """Remove ACL grants to ``grantees`` (AllUsers and AuthenticatedUsers by default), except
    READ on a website bucket."""
    schema = {"grantees": {"type": "array", "items": {"type": "string"}}}
    permissions = ("s3:GetBucketAcl", "s3:GetBucketWebsite", "s3:PutBucketAcl")

    def process(self, resources):
        self.manager.ensure_details(resources, {"Acl", "Website"})
        super().process(resources)

    def process_bucket(self, bucket):
        acl = bucket.get("Acl") or {}
        grants = acl.get("Grants") or []
        if not grants:
            return
        grantees = self.data.get("grantees", list(GLOBAL))
        keep = []
        for grant in grants:
            grantee = dict(grant.get("Grantee") or {})
            if not grantee:
                continue
            grantee["Type"] = "Group" if "URI" in grantee else "CanonicalUser"
            gone = grantee.get("URI") in grantees and not (
                grant.get("Permission") == "READ" and bucket.get("Website"))
            if not gone:
                keep.append(dict(grant, Grantee=grantee))
        if len(keep) == len(grants):
            return
        self.manager.bucket_client(bucket).put_bucket_acl(
            Bucket=bucket["Name"], AccessControlPolicy={"Owner": acl["Owner"], "Grants": keep})
        bucket["Acl"] = dict(acl, Grants=keep)


@actions.register("toggle-versioning", resources=S3)
class ToggleVersioning(BucketAction):
    """Versioning on (``enabled: true``, the default) or suspended; a bucket that was never
    versioned is left alone when suspending, as Custodian."""
    schema = {"enabled": {"type": "boolean"}}
    permissions = ("s3:PutBucketVersioning", "s3:GetBucketVersioning")

    def process(self, resources):
        self.manager.ensure_details(resources, {"Versioning"})
        super().process(resources)

    def process_bucket(self, bucket):
        status = (bucket.get("Versioning") or {}).get("Status")
        enable = self.data.get("enabled", True)
        if enable and status != "Enabled":
            wanted = "Enabled"
        elif not enable and status == "Enabled":
            wanted = "Suspended"
        else:
            return
        self.manager.bucket_client(bucket).put_bucket_versioning(
            Bucket=bucket["Name"], VersioningConfiguration={"Status": wanted})
        bucket["Versioning"] = {"Status": wanted}


@filters.register("cross-account", resources=S3)
class BucketCrossAccount(CrossAccountFilter):
    """The bucket policy's grants outside the account (filters/crossaccount.py); AWS's log
    delivery accounts are allowed, as Custodian allows them."""
    permissions = ("s3:GetBucketPolicy",)

    def allowed(self, key):
        found = super().allowed(key)
        return found | SERVICE_ACCOUNTS if key == "whitelist" else found


@filters.register("has-statement", resources=S3)
class BucketHasStatement(HasStatementFilter):
    """The bucket policy holds the given statements (filters/crossaccount.py);
    ``{bucket_name}`` and ``{bucket_region}`` are filled in too."""
    permissions = ("s3:GetBucketPolicy",)

    def format_args(self, resource):
        from .args import bucket_args
        return dict(super().format_args(resource), **bucket_args(self.manager, resource))


@actions.register("remove-statements", resources=S3)
class BucketRemoveStatements(RemoveStatementsAction):
    """Remove bucket policy statements; the policy is deleted when none is left."""
    permissions = ("s3:PutBucketPolicy", "s3:DeleteBucketPolicy")

    def set_policy(self, bucket, policy):
        import json
        client = self.manager.bucket_client(bucket)
        if policy is None:
            client.delete_bucket_policy(Bucket=bucket["Name"])
        else:
            client.put_bucket_policy(Bucket=bucket["Name"], Policy=json.dumps(policy))
