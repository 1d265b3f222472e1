"""Distribution filters with Cloud Custodian's names and semantics: ``distribution-config``
(a value filter over GetDistributionConfig's answer, kept in ``c7n:distribution-config``),
``mismatch-s3-origin``."""
import re

from botocore.exceptions import ClientError

from ...filters.core import Filter, filters
from ...resources.related import ValueOverFilter

CONFIG = "c7n:distribution-config"


def distribution_config(client, distribution):
    """``(config, etag)``; ``({}, None)`` when the distribution is gone."""
    try:
        answer = client.get_distribution_config(Id=distribution["Id"])
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchDistribution":
            raise
        return {}, None
    return answer.get("DistributionConfig") or {}, answer.get("ETag")


@filters.register("distribution-config", resources=("distribution",))
class DistributionConfig(ValueOverFilter):
    """A value filter over the distribution's configuration (``Logging.Enabled``), read once
    per distribution per run (no annotation from the value filter, as Custodian)."""
    predicate = False
    permissions = ("cloudfront:GetDistributionConfig",)

    def process(self, resources, event=None):
        client = self.manager.client()

        def fetch(d):
            d[CONFIG] = distribution_config(client, d)[0]
        self.manager.cached(resources, CONFIG, fetch)
        return [d for d in resources if self._vf.match(d.get(CONFIG) or {}, event)]


#: <bucket>.s3[-website][.<region>].amazonaws.com (virtual-hosted S3 and website endpoints)
S3_HOSTED = re.compile(r"^(.+?)\.s3(-[\w-]+)?(\.[\w-]+-\d)?\.amazonaws\.com$")
#: [<region>.]s3[-...][.<region>].amazonaws.com: the bucket is the path's first part
S3_PATH = re.compile(r"^([^.]+\.)?s3(-[\w-]+)?(\.[\w-]+-\d)?\.amazonaws\.com$")


def origin_bucket(origin, custom):
    """The S3 bucket an origin reads, or None: S3 origins by their domain; custom origins
    (``custom``) by an S3 domain, or an S3 path-style domain and the path's first part."""
    domain = origin.get("DomainName") or ""
    if "S3OriginConfig" in origin or (custom and "CustomOriginConfig" in origin):
        found = S3_HOSTED.match(domain)
        if found:
            return found.group(1)
        if custom and "CustomOriginConfig" in origin and S3_PATH.match(domain):
            return (origin.get("OriginPath") or "").lstrip("/").split("/")[0] or None
    return None


@filters.register("mismatch-s3-origin", resources=("distribution",))
class MismatchS3Origin(Filter):
    """Distributions with an S3 origin whose bucket is not one of this account's (deleted, or
    another account's: anyone may create it); ``check_custom_origins`` also reads custom
    origins pointing at S3. The buckets go in ``c7n:mismatched-s3-origin``. Custodian reuses
    an earlier origin's bucket for an origin that names none and lists a distribution once per
    mismatched origin; here each origin stands alone and each distribution appears once."""
    predicate = False
    schema = {"check_custom_origins": {"type": "boolean"}}
    permissions = ("s3:ListAllMyBuckets",)

    def process(self, resources, event=None):
        if not resources:
            return []
        own = {b["Name"] for b in self.manager.client("s3").list_buckets().get("Buckets") or ()}
        custom = bool(self.data.get("check_custom_origins"))
        out = []
        for d in resources:
            origins = (d.get("Origins") or {}).get("Items") or ()
            buckets = [origin_bucket(o, custom) for o in origins]
            missing = [b for b in buckets if b is not None and b not in own]
            d["c7n:mismatched-s3-origin"] = missing
            if missing:
                out.append(d)
        return out

    def keys(self):
        return {"Origins"}
