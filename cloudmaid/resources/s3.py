"""S3 buckets: the manager that fetches per-bucket details on demand, and ``delete``.

ListBuckets returns names, dates and (real AWS) each bucket's ``BucketRegion``; everything else
is one API call per bucket and detail. Custodian fetches all ten details for every bucket by
default; we fetch only the keys the filters read, stage by stage for the buckets still alive,
once per bucket per run, with Custodian's key names and shapes. Tags of all buckets come from
one paginated Resource Groups Tagging API call per region. Per-bucket calls go to the bucket's
region when known, else to the default region: botocore's S3 region redirector follows the
redirect and remembers the bucket's region for that client, so no GetBucketLocation is needed.
"""
import concurrent.futures

from botocore.exceptions import ClientError

from ..actions.core import Action, actions
from .manager import ResourceManager, register_manager

#: key -> (client method, value when the configuration does not exist, response key to keep)
DETAILS = {
    "Location": ("get_bucket_location", {}, None),
    "Tags": ("get_bucket_tagging", [], "TagSet"),
    "Policy": ("get_bucket_policy", None, "Policy"),
    "Acl": ("get_bucket_acl", None, None),
    "Replication": ("get_bucket_replication", None, None),
    "Versioning": ("get_bucket_versioning", None, None),
    "Website": ("get_bucket_website", None, None),
    "Logging": ("get_bucket_logging", None, "LoggingEnabled"),
    "Notification": ("get_bucket_notification_configuration", None, None),
    "Lifecycle": ("get_bucket_lifecycle_configuration", None, None),
}
PERMISSIONS = ("s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketTagging",
               "tag:GetResources",
               "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetReplicationConfiguration",
               "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetBucketLogging",
               "s3:GetBucketNotification", "s3:GetLifecycleConfiguration")
DENIED = "c7n:DeniedMethods"
WORKERS = 8
DENIED_CODES = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")


def bucket_region(bucket, default=None):
    """The bucket's region: ListBuckets' ``BucketRegion``, else its Location (no constraint
    means us-east-1), else ``default`` (unknown)."""
    if bucket.get("BucketRegion"):
        return bucket["BucketRegion"]
    if "Location" not in bucket:
        return default
    constraint = (bucket.get("Location") or {}).get("LocationConstraint")
    if constraint == "EU":
        return "eu-west-1"
    return constraint or "us-east-1"


def not_found(code):
    return code.startswith("NoSuch") or "NotFound" in code


def pmap(fn, items):
    """``fn`` over ``items``, in threads when there are several (per-bucket API calls)."""
    items = list(items)
    if len(items) <= 1:
        return [fn(i) for i in items]
    with concurrent.futures.ThreadPoolExecutor(min(WORKERS, len(items))) as pool:
        return list(pool.map(fn, items))


@register_manager("s3")
class S3Manager(ResourceManager):
    #: keys fetched per bucket on demand: filters.core.apply fetches them stage by stage
    lazy_keys = frozenset(DETAILS)

    def bucket_client(self, bucket):
        """A client in the bucket's region when known; else the default region's, whose
        region redirector finds (and caches) the bucket's region on the first call."""
        return self.client("s3", bucket_region(bucket))

    def detail_keys(self, keys):
        every = keys is None or DENIED in keys
        return [k for k in DETAILS if (every or k in keys) and self.detail_allowed(k)]

    def run_cache(self):
        """bucket name -> details fetched this run (shared by the run's policies)."""
        return self.ctx.cache.setdefault(("s3-details", self.ctx.region), {})

    def ensure_details(self, resources, keys):
        wanted = self.detail_keys(keys)
        if not wanted or not resources:
            return resources
        done = self.run_cache()
        for b in resources:
            b.update({k: v for k, v in done.get(b["Name"], {}).items() if k in wanted})
        if "Tags" in wanted:
            todo = [b for b in resources if "Tags" not in done.get(b["Name"], {})]
            if todo:
                self.fetch_tags(todo, done)
        todo = [b for b in resources
                if any(k not in done.get(b["Name"], {}) for k in wanted if k != "Tags")]
        pmap(lambda b: self.assemble(b, [k for k in wanted if k != "Tags"], done), todo)
        return resources

    def cached(self, resources, key, fetch):
        """``fetch(bucket)`` sets ``bucket[key]`` (a filter's annotation); each bucket's value is
        fetched once per run and copied onto the buckets of later policies."""
        done = self.run_cache()
        todo = []
        for b in resources:
            got = done.get(b["Name"], {})
            if key in got:
                b[key] = got[key]
            elif key not in b:
                todo.append(b)
        pmap(fetch, todo)
        for b in todo:
            if key in b:
                done.setdefault(b["Name"], {})[key] = b[key]
        return resources

    def assemble(self, bucket, wanted, done):
        got = done.setdefault(bucket["Name"], {})
        for key in wanted:
            if key in got:
                bucket[key] = got[key]
                continue
            found, value = self.fetch(bucket, key)
            if found:
                got[key] = bucket[key] = value

    def fetch_tags(self, buckets, done):
        """Tags of ``buckets`` from GetResources, one paginated call per region: the regions
        holding them, or the default region when a bucket's region is unknown. A bucket
        absent from a region it is known to be in has no tags; one of unknown region that is
        absent may be tagged elsewhere: GetBucketTagging for it. Denied: GetBucketTagging."""
        regions = {bucket_region(b) for b in buckets}
        queried = {r for r in regions if r} | ({self.ctx.region} if None in regions else set())
        found = {}
        try:
            for region in sorted(queried):
                client = self.client("resourcegroupstaggingapi", region)
                for page in client.get_paginator("get_resources").paginate(
                        ResourceTypeFilters=["s3"]):
                    for m in page.get("ResourceTagMappingList") or ():
                        arn = m.get("ResourceARN", "")
                        if arn.startswith("arn:") and ":s3:::" in arn and "/" not in arn:
                            found[arn.split(":::", 1)[1]] = m.get("Tags") or []
        except ClientError as e:
            if e.response["Error"]["Code"] not in DENIED_CODES:
                raise
            found, queried = {}, set()
        rest = []
        for b in buckets:
            if b["Name"] in found or bucket_region(b) in queried:
                done.setdefault(b["Name"], {})["Tags"] = b["Tags"] = found.get(b["Name"], [])
            else:
                rest.append(b)
        # the answer covers the other listed buckets too: later stages and policies reuse it
        asked = {b["Name"] for b in buckets}
        for b in self.ctx.cache.get((self.rtype.name, self.ctx.region)) or ():
            if b["Name"] not in asked and (b["Name"] in found or bucket_region(b) in queried):
                done.setdefault(b["Name"], {}).setdefault("Tags", found.get(b["Name"], []))
        pmap(lambda b: self.assemble(b, ["Tags"], done), rest)

    def fetch(self, bucket, key):
        """``(True, value)``, or ``(False, None)`` when access is denied (recorded in
        ``c7n:DeniedMethods`` as Custodian does, the key left out)."""
        method, default, select = DETAILS[key]
        client = self.client("s3") if key == "Location" else self.bucket_client(bucket)
        try:
            value = getattr(client, method)(Bucket=bucket["Name"])
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if not_found(code):
                return True, default
            if code == "AccessDenied":
                bucket.setdefault(DENIED, []).append(method)
                return False, None
            raise
        value.pop("ResponseMetadata", None)
        if select and select in value:
            value = value[select]
        if key == "Location" and value.get("LocationConstraint") == "EU":
            value["LocationConstraint"] = "eu-west-1"
        return True, value

    def invalidate(self):
        super().invalidate()
        self.ctx.cache.pop(("s3-details", self.ctx.region), None)


@actions.register("delete", resources=("s3",))
class DeleteBucket(Action):
    """Delete buckets. ``remove-contents`` (Custodian's default: true) first aborts multipart
    uploads and deletes every object version and delete marker, 1000 per DeleteObjects call;
    without it a non-empty bucket fails alone (BucketNotEmpty; Custodian only logs it). A
    bucket already gone counts as deleted."""
    schema = {"remove-contents": {"type": "boolean"}}
    permissions = ("s3:DeleteBucket", "s3:ListBucketVersions", "s3:DeleteObjectVersion",
                   "s3:DeleteObject", "s3:ListBucketMultipartUploads",
                   "s3:AbortMultipartUpload", "s3:GetBucketLocation")

    def process(self, resources):
        self.result["objects_deleted"] = 0

        def delete(bucket):
            client = self.manager.bucket_client(bucket)
            try:
                if self.data.get("remove-contents", True):
                    self.empty(client, bucket["Name"])
                client.delete_bucket(Bucket=bucket["Name"])
            except ClientError as e:
                if e.response.get("Error", {}).get("Code") != "NoSuchBucket":
                    raise
        self.each(resources, delete)

    def empty(self, client, name):
        # deletes name the version id, so they are permanent and add no delete markers even
        # on a versioned bucket: no need to suspend versioning first (Custodian does)
        for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=name):
            for u in page.get("Uploads") or ():
                client.abort_multipart_upload(Bucket=name, Key=u["Key"], UploadId=u["UploadId"])
        for page in client.get_paginator("list_object_versions").paginate(Bucket=name):
            objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                       for v in (page.get("Versions") or []) + (page.get("DeleteMarkers") or [])]
            for start in range(0, len(objects), 1000):
                batch = objects[start:start + 1000]
                out = client.delete_objects(Bucket=name, Delete={"Objects": batch, "Quiet": True})
                errors = out.get("Errors") or ()
                if errors:
                    e = errors[0]
                    raise ClientError({"Error": {"Code": e.get("Code"), "Message":
                                       f"{len(errors)} objects not deleted, e.g. {e.get('Key')}: "
                                       f"{e.get('Message')}"}}, "DeleteObjects")
                self.result["objects_deleted"] += len(batch)
