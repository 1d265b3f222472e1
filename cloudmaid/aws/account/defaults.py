"""Account-wide defaults: EBS encryption by default and the S3 public access block, each a
filter and an action with Cloud Custodian's names, keys and defaults."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...errors import PolicyError
from ...filters.core import filters
from ...filters.value import ValueFilter
from .base import ACCOUNT, AccountFilter, AccountValueFilter, error_code

EBS_KEY_SCHEMA = {"oneOf": [{"type": "object"}, {"type": "string"}]}


class AliasName:
    """The string form of ``key``: the key's first alias (``c7n:AliasName``) equals it."""

    def __init__(self, alias):
        self.data = {"value": alias}

    def keys(self):
        return set()

    def match(self, key):
        return key.get("c7n:AliasName") == self.data["value"]


@filters.register("default-ebs-encryption", resources=ACCOUNT)
class DefaultEbsEncryption(AccountFilter):
    """Matches the account when EBS encryption by default is ``state`` (default false) and,
    with ``state: true`` and ``key``, the default KMS key matches ``key``: an alias name
    (the key's first alias, Custodian's ``c7n:AliasName``) or a value filter on the key
    (DescribeKey's metadata, ``AliasNames``, ``Tags``)."""
    schema = {"state": {"type": "boolean"}, "key": EBS_KEY_SCHEMA}
    permissions = ("ec2:GetEbsEncryptionByDefault", "ec2:GetEbsDefaultKmsKeyId",
                   "kms:DescribeKey", "kms:ListAliases", "kms:ListResourceTags")

    def validate(self):
        if isinstance(self.data.get("key"), dict):
            from ...filters.valuecheck import value_problems
            found = [(("key",) + tuple(w), m) for w, m in value_problems(self.data["key"])]
            if found:
                return found
        try:
            self.key_filter()
        except PolicyError as e:
            return [(("key",), e.message)]
        return []

    def key_filter(self):
        key = self.data.get("key")
        if isinstance(key, dict):
            return ValueFilter({**key, "type": "value"}, self.manager)
        return AliasName(key) if key is not None else None

    def fetch(self):
        return self.manager.client("ec2").get_ebs_encryption_by_default().get(
            "EbsEncryptionByDefault")

    def default_key(self, vf):
        """The default key as the kms-key type shows it, plus ``c7n:AliasName``; None when
        the key does not exist (the AWS managed alias/aws/ebs before first use)."""
        def fetch():
            key_id = self.manager.client("ec2").get_ebs_default_kms_key_id().get("KmsKeyId")
            if not key_id:
                return None
            from ...resources.manager import ResourceManager
            keys = ResourceManager.for_type(self.manager.ctx, "kms-key")
            found = keys.get_resources([key_id])
            keys.ensure_details(found, vf.keys())
            if not found:
                return None
            key = dict(found[0])
            key["c7n:AliasName"] = (key.get("AliasNames") or [""])[0]
            return key
        return self.manager.fact("default-ebs-key", fetch)

    def decide(self, account, enabled):
        state = self.data.get("state", False)
        if bool(enabled) != state:
            return False
        vf = self.key_filter()
        if not state or vf is None:
            return True
        key = self.default_key(vf)
        if key is None:   # a key that does not exist has every attribute absent
            return vf.data.get("value") == "absent"
        return vf.match(key)


@actions.register("set-ebs-encryption", resources=ACCOUNT)
class SetEbsEncryption(Action):
    """Turn EBS encryption by default on (``state: true``) or off (``state: false``); with
    ``state: true`` and ``key`` (a key id, ARN or alias), make ``key`` the default KMS key.
    Without ``state`` it is turned on (Custodian turns it off)."""
    schema = {"state": {"type": "boolean"}, "key": {"type": "string"}}
    permissions = ("ec2:EnableEbsEncryptionByDefault", "ec2:DisableEbsEncryptionByDefault",
                   "ec2:ModifyEbsDefaultKmsKeyId")

    def validate(self):
        if self.data.get("state") is False and self.data.get("key"):
            return [(("key",), "state: false turns encryption off: a key cannot be set")]
        return []

    def process(self, resources):
        client = self.manager.client("ec2")
        state = self.data.get("state", True)

        def apply(account):
            if state:
                client.enable_ebs_encryption_by_default()
                if self.data.get("key"):
                    client.modify_ebs_default_kms_key_id(KmsKeyId=self.data["key"])
            else:
                client.disable_ebs_encryption_by_default()
        self.each(resources, apply)


BLOCK_KEYS = ("BlockPublicPolicy", "BlockPublicAcls", "IgnorePublicAcls", "RestrictPublicBuckets")
BLOCK_ANNOTATION = "c7n:s3-public-block"


def public_block(manager, account_id):
    """The account's S3 public access block configuration ({} when it has none)."""
    def fetch():
        client = manager.client("s3control")
        try:
            return client.get_public_access_block(AccountId=account_id).get(
                "PublicAccessBlockConfiguration", {})
        except ClientError as e:
            if error_code(e) != "NoSuchPublicAccessBlockConfiguration":
                raise
            return {}
    return dict(manager.fact(("s3-public-block", account_id), fetch))


@filters.register("s3-public-block", resources=ACCOUNT)
class S3PublicBlock(AccountValueFilter):
    """A value filter over the account's S3 public access block (``key:
    BlockPublicPolicy``); an account without one has every key absent. Kept on the account
    as ``c7n:s3-public-block``."""
    permissions = ("s3:GetAccountPublicAccessBlock",)

    def process(self, resources, event=None):
        match = self.test.bind(self.manager.ctx.now, event)
        out = []
        for r in resources:
            r[BLOCK_ANNOTATION] = public_block(self.manager, r["account_id"])
            if match(r[BLOCK_ANNOTATION]):
                out.append(r)
        return out


@actions.register("set-s3-public-block", resources=ACCOUNT)
class SetS3PublicBlock(Action):
    """Set the account's S3 public access block: the settings given, the others kept from
    the current configuration; ``state: false`` removes the block (no settings then)."""
    schema = {"state": {"type": "boolean", "default": True},
              **{k: {"type": "boolean"} for k in BLOCK_KEYS}}
    permissions = ("s3:PutAccountPublicAccessBlock", "s3:GetAccountPublicAccessBlock")

    def validate(self):
        given = [k for k in BLOCK_KEYS if k in self.data]
        if self.data.get("state", True) is False and given:
            return [(("state",), f"state: false removes the block: it cannot set "
                                 f"{', '.join(given)}")]
        return []

    def process(self, resources):
        client = self.manager.client("s3control")

        def apply(account):
            aid = account["account_id"]
            if self.data.get("state", True) is False:
                client.delete_public_access_block(AccountId=aid)
                return
            base = account.get(BLOCK_ANNOTATION)
            if base is None:
                base = public_block(self.manager, aid)
            config = {k: self.data[k] if k in self.data else base[k]
                      for k in BLOCK_KEYS if k in self.data or k in base}
            client.put_public_access_block(AccountId=aid, PublicAccessBlockConfiguration=config)
        self.each(resources, apply)
