"""Bucket policy statements, with Cloud Custodian's names, keys and semantics: the filters
``missing-statement`` (alias ``missing-policy-statement``) and ``no-encryption-statement``,
the actions ``set-statements`` and ``encryption-policy``. The policy is the row's ``Policy``
detail (JSON text, None when the bucket has none)."""
import copy
import json

from ...actions.core import actions
from ...actions.statements import PolicyAction, remove
from ...filters.core import Filter, filters
from ...filters.crossaccount import STATEMENT, CrossAccountFilter, fill
from ...filters.policydoc import load, statements
from .args import bucket_args

S3 = ("s3",)
ENCRYPTION_SID = "RequiredEncryptedPutObject"
#: the statement encryption-policy writes and no-encryption-statement looks for (less its
#: Sid and Resource)
ENCRYPTION_STATEMENT = {
    "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
    "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": ["AES256", "aws:kms"]}}}


@filters.register("missing-statement", resources=S3, aliases=("missing-policy-statement",))
class MissingStatement(Filter):
    """Buckets without a policy, or whose policy lacks one of ``statement_ids``."""
    schema = {"statement_ids": {"type": "array", "items": {"type": "string"}}}
    permissions = ("s3:GetBucketPolicy",)

    def match(self, bucket, event=None):
        policy = load(bucket.get("Policy"))
        if policy is None:
            return True
        have = {s.get("Sid") for s in statements(policy)}
        return bool(set(self.data.get("statement_ids") or ()) - have)

    def keys(self):
        return {"Policy"}


@filters.register("no-encryption-statement", resources=S3)
class NoEncryptionStatement(Filter):
    """Buckets without a policy, or whose policy has no statement denying unencrypted
    PutObject to everyone (whatever its Sid and Resource). Custodian compares each statement
    with the previous statement's Sid and Resource, so a Sid-less match after a statement with
    one is missed; here each statement is compared on its own."""
    permissions = ("s3:GetBucketPolicy",)

    def match(self, bucket, event=None):
        policy = load(bucket.get("Policy"))
        if policy is None:
            return True
        return not any({k: v for k, v in s.items() if k not in ("Sid", "Resource")}
                       == ENCRYPTION_STATEMENT for s in statements(policy))

    def keys(self):
        return {"Policy"}


class BucketPolicyAction(PolicyAction):
    """Writes the bucket policy back; a policy left without statements is deleted."""
    permissions = ("s3:PutBucketPolicy", "s3:DeleteBucketPolicy")

    def set_policy(self, bucket, policy):
        client = self.manager.bucket_client(bucket)
        if policy is None:
            client.delete_bucket_policy(Bucket=bucket["Name"])
        else:
            client.put_bucket_policy(Bucket=bucket["Name"], Policy=json.dumps(policy))
        bucket["Policy"] = json.dumps(policy) if policy is not None else None

    def edit(self, bucket):
        policy = load(bucket.get("Policy"))
        before = statements(policy) if policy else []
        new = self.change(bucket, copy.deepcopy(before))
        if new is None:
            return
        if not new:
            self.set_policy(bucket, None)
            return
        base = policy or {"Version": "2012-10-17"}
        self.set_policy(bucket, dict(base, Statement=new))


@actions.register("set-statements", resources=S3)
class SetStatements(BucketPolicyAction):
    """``remove`` (``matched``: the statements a cross-account filter matched, ``*``, or a
    list of Sids), then add ``statements`` (``{bucket_name}``, ``{account_id}``, ``{region}``,
    ``{bucket_region}`` filled in) unless an equal one is there. A statement with the Sid of
    one being added is replaced (Custodian appends a second statement with the same Sid,
    which S3 refuses). Nothing changes: no call; nothing left: the policy is deleted."""
    schema = {"remove": {"oneOf": [{"enum": ["matched", "*"]},
                                   {"type": "array", "items": {"type": "string"}}]},
              "statements": {"type": "array", "items": dict(
                  STATEMENT, required=["Sid", "Effect"],
                  properties={k: v for k, v in STATEMENT["properties"].items()
                              if k != "PartialMatch"})}}

    def change(self, bucket, have):
        kept, removed = remove(have, self.data.get("remove") or [],
                               bucket.get(CrossAccountFilter.annotation, ()))
        wanted = fill(copy.deepcopy(self.data.get("statements") or []),
                      bucket_args(self.manager, bucket))
        added = False
        for w in wanted:
            if w in kept:
                continue
            same = [i for i, s in enumerate(kept) if s.get("Sid") == w["Sid"]]
            if same:
                kept[same[0]] = w
            else:
                kept.append(w)
            added = True
        return kept if (removed or added) else None


@actions.register("encryption-policy", resources=S3)
class EncryptionPolicy(BucketPolicyAction):
    """Add (or correct) the ``RequiredEncryptedPutObject`` statement denying PutObject
    without server-side encryption (AES256 or aws:kms)."""
    permissions = ("s3:GetBucketPolicy", "s3:PutBucketPolicy")

    def change(self, bucket, have):
        wanted = dict(ENCRYPTION_STATEMENT, Sid=ENCRYPTION_SID,
                      Resource=f"arn:aws:s3:::{bucket['Name']}/*")
        if wanted in have:
            return None
        return [s for s in have if s.get("Sid") != ENCRYPTION_SID] + [wanted]
