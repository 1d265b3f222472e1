"""The s3 manager: per-bucket details in the bucket's region, tags per region.

The generic manager reads the declared details (types.py) only for the keys the filters read,
stage by stage for the buckets still alive, once per bucket per run. S3 adds: per-bucket
calls go to the bucket's region when known, else to the default region (botocore's S3 region
redirector follows the redirect and remembers the bucket's region for that client, so no
GetBucketLocation is needed); tags of all buckets come from one paginated Resource Groups
Tagging API call per region holding them.
"""
from ...resources import details, tagsource
from ...resources.manager import ResourceManager, register_manager
from .region import bucket_region

PERMISSIONS = ("s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketTagging",
               "tag:GetResources",
               "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetReplicationConfiguration",
               "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetBucketLogging",
               "s3:GetBucketNotification", "s3:GetLifecycleConfiguration")


@register_manager("s3")
class S3Manager(ResourceManager):

    def bucket_client(self, bucket):
        """A client in the bucket's region when known; else the default region's, whose
        region redirector finds (and caches) the bucket's region on the first call."""
        return self.client("s3", bucket_region(bucket))

    def detail_client(self, bucket, detail):
        return self.client("s3") if detail.key == "Location" else self.bucket_client(bucket)

    def fetch(self, bucket, key):
        found, value = super().fetch(bucket, key)
        if found and key == "Location" and value.get("LocationConstraint") == "EU":
            value["LocationConstraint"] = "eu-west-1"
        return found, value

    def fetch_tags(self, buckets, done):
        """Tags of ``buckets`` from GetResources, one paginated call per region: the regions
        holding them, or the default region when a bucket's region is unknown. A bucket
        absent from a region it is known to be in has no tags; one of unknown region that is
        absent may be tagged elsewhere: GetBucketTagging for it. Denied: GetBucketTagging."""
        regions = {bucket_region(b) for b in buckets}
        queried = {r for r in regions if r} | ({self.ctx.region} if None in regions else set())
        by_arn = tagsource.tagging_api(self, buckets, queried)
        if by_arn is None:
            by_arn, queried = {}, set()
        found = {arn.split(":::", 1)[1]: tags for arn, tags in by_arn.items()
                 if arn and ":s3:::" in arn and "/" not in arn}
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
        details.pmap(lambda b: self.assemble(b, ["Tags"], done), rest)
