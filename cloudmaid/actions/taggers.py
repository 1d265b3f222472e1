"""How tags are written, per AWS service: the tag actions say what, a tagger says how.

A resource type's declaration names its tagger (``tagger``); without one, the tagger named
after its service, else the Resource Groups Tagging API when the type has ARNs. A tagger
writes one batch of at most ``batch_size`` resources per call and raises botocore's
ClientError when the call fails; the actions isolate failures per resource and keep the
in-memory Tags in step. A service with its own tag calls registers a tagger class here.
"""
import importlib
import re

from botocore.exceptions import ClientError

from .. import index
from ..aws.s3.region import bucket_region
from ..resources.tagsource import tag_map  # noqa: F401 -- the tag actions read it from here

#: tagger name -> tagger class
TAGGERS = {}
TAGGING_API = "tagging-api"

# EC2 rejects a whole CreateTags/DeleteTags call when one id is gone, and names the ids in
# the message ("The volume 'vol-1' does not exist", "The instance IDs 'i-1, i-2' do not
# exist"), so those can be dropped and the rest retried in one call. When the message names
# none of the batch's ids, the batch falls back to one call per resource.
_EC2_BAD_ID_CODE = re.compile(r"^Invalid.+\.(NotFound|Malformed)$")


def register_tagger(service):
    def decorate(cls):
        TAGGERS[service] = cls
        return cls
    return decorate


def registered(name):
    """Is tagger ``name`` registered? Imports its module (a service package's) on first use:
    the generated index says which."""
    if name not in TAGGERS and name in index.TAGGERS:
        importlib.import_module(index.TAGGERS[name])
    return name in TAGGERS


def tagger_name(row):
    """The tagger writing tags of declaration ``row``, or None when it cannot be tagged."""
    if row.tagger:
        return row.tagger
    if not row.tags:   # a type without tags, in a service whose other types have them
        return None
    if registered(row.service):
        return row.service
    return TAGGING_API if (row.arn or row.arn_key) and row.tags else None


def tagger_class(row):
    name = tagger_name(row)
    return TAGGERS.get(name) if name and registered(name) else None


def for_manager(manager):
    """The tagger for the manager's resource type, or None when it has none."""
    cls = tagger_class(manager.rtype)
    return cls(manager) if cls else None


def fetch_details(manager, resources, keys):
    """``manager.ensure_details`` keeping the Tags already in memory: they may be newer than
    the manager's per-run detail cache (written by an earlier action of this policy)."""
    saved = [(r, r["Tags"]) for r in resources if "Tags" in r]
    manager.ensure_details(resources, keys)
    for r, tags in saved:
        r["Tags"] = tags
    return resources


def set_tags(resource, add=None, remove=()):
    """Update the in-memory Tags after a successful write, keeping its list form."""
    current = tag_map(resource)
    for k in remove:
        current.pop(k, None)
    current.update(add or {})
    resource["Tags"] = [{"Key": k, "Value": v} for k, v in current.items()]


class Tagger:
    batch_size = 1
    add_permissions = ()
    remove_permissions = ()

    def __init__(self, manager):
        self.manager = manager

    def add(self, resources, tags):
        raise NotImplementedError

    def remove(self, resources, keys, values=None):
        """Delete ``keys``; a key in ``values`` only while it still has that value (where
        the service can say so)."""
        raise NotImplementedError

    def bad_ids(self, error, ids):
        """Which of ``ids`` a failed batch call names as unusable (gone): the others in the
        batch may still succeed."""
        return set()


@register_tagger("ec2")
class Ec2Tagger(Tagger):
    """CreateTags/DeleteTags take up to 1000 ids per call (AWS recommends smaller batches)."""
    batch_size = 200
    add_permissions = ("ec2:CreateTags",)
    remove_permissions = ("ec2:DeleteTags",)

    def ids(self, resources):
        return [self.manager.resource_id(r) for r in resources]

    def add(self, resources, tags):
        self.manager.client().create_tags(
            Resources=self.ids(resources), Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        values = values or {}
        self.manager.client().delete_tags(Resources=self.ids(resources), Tags=[
            {"Key": k, "Value": values[k]} if k in values else {"Key": k} for k in keys])

    def bad_ids(self, error, ids):
        err = error.response.get("Error", {})
        if not _EC2_BAD_ID_CODE.match(err.get("Code") or ""):
            return set()
        message = err.get("Message") or ""
        return {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", message)}


@register_tagger("s3")
class S3Tagger(Tagger):
    """A bucket's tags are one document: read it fresh, change it, write it back whole, so
    tags set by others since the describe are kept."""
    batch_size = 1
    add_permissions = ("s3:GetBucketTagging", "s3:PutBucketTagging")
    remove_permissions = ("s3:GetBucketTagging", "s3:PutBucketTagging")

    def client(self, bucket):
        if not bucket_region(bucket):
            fetch_details(self.manager, [bucket], {"Location"})   # the bucket's region
        region = bucket_region(bucket) or self.manager.ctx.region
        return self.manager.client("s3", region)

    def modify(self, bucket, add=None, remove=(), values=None):
        client = self.client(bucket)
        name = bucket["Name"]
        try:
            current = client.get_bucket_tagging(Bucket=name).get("TagSet", [])
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "NoSuchTagSet":
                raise
            current = []
        values = values or {}
        tags = {t["Key"]: t["Value"] for t in current if t["Key"] not in remove
                or values.get(t["Key"], t["Value"]) != t["Value"]}
        tags.update(add or {})
        if tags:
            client.put_bucket_tagging(Bucket=name, Tagging={
                "TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
        elif current:
            client.delete_bucket_tagging(Bucket=name)   # an empty TagSet is rejected
        bucket["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]

    def add(self, resources, tags):
        for b in resources:
            self.modify(b, add=tags)

    def remove(self, resources, keys, values=None):
        for b in resources:
            self.modify(b, remove=set(keys), values=values)

    def rename(self, resources, old, new, value):
        """One read and one write per bucket (instead of an add and a remove)."""
        for b in resources:
            self.modify(b, add={new: value}, remove={old}, values={old: value})


@register_tagger(TAGGING_API)
class TaggingApiTagger(Tagger):
    """TagResources/UntagResources of the Resource Groups Tagging API, by ARN (20 per call);
    a partial failure names the ARNs that failed."""
    batch_size = 20
    add_permissions = ("tag:TagResources",)
    remove_permissions = ("tag:UntagResources",)

    def client(self):
        return self.manager.client("resourcegroupstaggingapi")

    def arns(self, resources):
        return [self.manager.arn(r) for r in resources]

    def check(self, answer, resources):
        failed = answer.get("FailedResourcesMap") or {}
        if failed:
            arn, info = next(iter(failed.items()))
            raise ClientError({"Error": {"Code": info.get("ErrorCode") or "Failed",
                                         "Message": f"{arn}: {info.get('ErrorMessage')}"}},
                              "TagResources")

    def add(self, resources, tags):
        self.check(self.client().tag_resources(ResourceARNList=self.arns(resources),
                                               Tags=dict(tags)), resources)

    def remove(self, resources, keys, values=None):
        self.check(self.client().untag_resources(ResourceARNList=self.arns(resources),
                                                 TagKeys=list(keys)), resources)

    def bad_ids(self, error, ids):
        message = error.response.get("Error", {}).get("Message") or ""
        return {i for i in ids if re.search(rf"[/:]{re.escape(i)}:", message + ":")}
