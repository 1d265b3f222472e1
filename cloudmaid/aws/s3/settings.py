"""Filters over a bucket's configuration documents, with Cloud Custodian's names, keys and
semantics: ``bucket-logging``, ``bucket-notification`` (the row's ``Logging`` and
``Notification`` details), ``ownership``, ``lock-configuration``, ``inventory`` (one call per
bucket, kept under Custodian's annotation key), ``bucket-replication`` and
``intelligent-tiering`` (list-item filters over the replication rules and the tiering
configurations)."""
from botocore.exceptions import ClientError

from ...filters.core import Filter, filters, now_of
from ...filters.listitem import ListItemFilter
from ...filters.value import VALUE_SCHEMA, ValueFilter
from ...resources.details import transient
from .args import logging_target
from .region import bucket_region

S3 = ("s3",)
OWNERSHIP = ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]
MAGIC = ["absent", "present", "not-null", "empty"]
_LIST_ITEM = {k: v for k, v in ListItemFilter.schema.items() if k != "key"}


@filters.register("bucket-logging", resources=S3)
class BucketLogging(Filter):
    """``op``: ``enabled`` / ``disabled``, or ``equal`` (``eq``) / ``not-equal`` (``ne``) to
    ``target_bucket`` and ``target_prefix`` (default: the bucket's name and a slash), with
    ``{account_id}``, ``{region}``, ``{account}`` (the account alias), ``{source_bucket_name}``,
    ``{source_bucket_region}`` filled in."""
    schema = {"op": {"enum": ["enabled", "disabled", "equal", "not-equal", "eq", "ne"]},
              "target_bucket": {"type": "string"}, "target_prefix": {"type": "string"}}
    required = ("op",)
    permissions = ("s3:GetBucketLogging", "iam:ListAccountAliases")

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._alias = {}

    def match(self, bucket, event=None):
        op = self.data["op"]
        logging = bucket.get("Logging") or {}
        if op == "disabled":
            return logging == {}
        if op == "enabled":
            return logging != {}
        wanted = logging_target(self.manager, bucket, self.data.get("target_bucket"),
                                self.data.get("target_prefix"), self._alias)
        return (logging != wanted) if op in ("not-equal", "ne") else (logging == wanted)

    def keys(self):
        return {"Logging"}


@filters.register("bucket-notification", resources=S3)
class BucketNotification(ValueFilter):
    """A value filter over each notification of ``kind`` (lambda, sns, sqs); the Ids of
    those matching are kept in ``c7n:MatchedNotificationConfigurationIds``."""
    schema = dict(VALUE_SCHEMA, kind={"enum": ["lambda", "sns", "sqs"]})
    required = ("kind",)
    permissions = ("s3:GetBucketNotification",)
    annotation = "c7n:MatchedNotificationConfigurationIds"
    FIELDS = {"lambda": "LambdaFunctionConfigurations", "sns": "TopicConfigurations",
              "sqs": "QueueConfigurations"}
    predicate = False

    def process(self, resources, event=None):
        match = self.matcher(now_of(self.manager), event)
        field = self.FIELDS[self.data["kind"]]
        out = []
        for bucket in resources:
            found = [c.get("Id") for c in (bucket.get("Notification") or {}).get(field) or ()
                     if match(c)]
            if found:
                ids = bucket.setdefault(self.annotation, [])
                ids.extend(i for i in found if i not in ids)
                out.append(bucket)
        return out

    def keys(self):
        return {"Notification"}


class FetchedValueFilter(ValueFilter):
    """A value filter over one more call per bucket, fetched once per run into
    ``annotation``."""
    predicate = False
    annotation = None

    def fetch(self, bucket):
        raise NotImplementedError

    def subject(self, bucket):
        return bucket.get(self.annotation) or {}

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation, self.fetch)
        match = self.matcher(now_of(self.manager), event)
        return [b for b in resources if self.annotation in b and match(self.subject(b))]

    def keys(self):
        return set()


def answer(call, missing, key):
    """``call()[key]``, None when AWS answers ``missing`` (no such configuration)."""
    try:
        return call().get(key)
    except ClientError as e:
        if e.response["Error"]["Code"] != missing:
            raise
        return None


def listed(call, name, key):
    """Every configuration a ``List*Configurations`` call pages through."""
    found, token = [], None
    while True:
        page = call(Bucket=name, **({"ContinuationToken": token} if token else {}))
        found.extend(page.get(key) or ())
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return found


@filters.register("ownership", resources=S3)
class Ownership(FetchedValueFilter):
    """The bucket's object ownership (``BucketOwnerEnforced``, ``BucketOwnerPreferred``,
    ``ObjectWriter``; ``empty``/``absent`` for a bucket without ownership controls), kept in
    ``c7n:ownership``. The key is always the ownership rule (Custodian replaces any ``key``
    given, so it is not accepted here)."""
    _values = {"oneOf": [{"enum": OWNERSHIP + MAGIC},
                         {"type": "array", "items": {"enum": OWNERSHIP + MAGIC}}]}
    schema = dict({k: v for k, v in VALUE_SCHEMA.items() if k != "key"}, value=_values)
    permissions = ("s3:GetBucketOwnershipControls",)
    annotation = "c7n:ownership"

    def __init__(self, data, manager=None):
        super().__init__(dict(data if isinstance(data, dict) else {"type": data},
                              key=f'("{self.annotation}".Rules[].ObjectOwnership)[0]'), manager)

    def fetch(self, bucket):
        client = self.manager.bucket_client(bucket)
        bucket[self.annotation] = answer(
            lambda: client.get_bucket_ownership_controls(Bucket=bucket["Name"]),
            "OwnershipControlsNotFoundError", "OwnershipControls")

    def subject(self, bucket):
        return bucket


@filters.register("lock-configuration", resources=S3)
class LockConfiguration(FetchedValueFilter):
    """A value filter over the bucket's object lock configuration (``key`` relative to it,
    e.g. ``Rule.DefaultRetention.Mode``), kept in ``c7n:ObjectLockConfiguration``."""
    permissions = ("s3:GetBucketObjectLockConfiguration",)
    annotation = "c7n:ObjectLockConfiguration"

    def fetch(self, bucket):
        client = self.manager.bucket_client(bucket)
        bucket[self.annotation] = answer(
            lambda: client.get_object_lock_configuration(Bucket=bucket["Name"]),
            "ObjectLockConfigurationNotFoundError", "ObjectLockConfiguration")


@filters.register("inventory", resources=S3)
class Inventory(FetchedValueFilter):
    """Buckets with an inventory configuration matching the value filter; the
    configurations (every page of them) are kept in ``c7n:inventories``."""
    permissions = ("s3:GetInventoryConfiguration",)
    annotation = "c7n:inventories"

    def fetch(self, bucket):
        bucket[self.annotation] = listed(
            self.manager.bucket_client(bucket).list_bucket_inventory_configurations,
            bucket["Name"], "InventoryConfigurationList")

    def process(self, resources, event=None):
        self.manager.cached(resources, self.annotation, self.fetch)
        match = self.matcher(now_of(self.manager), event)
        return [b for b in resources if any(match(i) for i in b.get(self.annotation) or ())]


class BucketListItems(ListItemFilter):
    """list-item over a list this filter reads for each bucket (its key is fixed)."""
    schema = _LIST_ITEM
    required = ()
    item_key = None

    def __init__(self, data, manager=None, path=()):
        data = data if isinstance(data, dict) else {"type": data}
        super().__init__(dict(data, key=self.item_key), manager, path)
        self.data = data

    def prepare(self, resources):
        raise NotImplementedError

    def run(self, resources, event, now):
        self.prepare(resources)
        return super().run(resources, event, now)


@filters.register("bucket-replication", resources=S3)
class BucketReplication(BucketListItems):
    """list-item over the replication rules, each with ``DestinationBucketAvailable``,
    ``DestinationRegion`` and ``CrossRegion`` (the destination's region against the
    bucket's), read with HeadBucket."""
    permissions = ("s3:GetReplicationConfiguration", "s3:ListBucket")
    item_key = "Replication.ReplicationConfiguration.Rules"

    def prepare(self, resources):
        regions = {}
        for bucket in resources:
            for rule in ((bucket.get("Replication") or {}).get("ReplicationConfiguration")
                         or {}).get("Rules") or ():
                arn = (rule.get("Destination") or {}).get("Bucket") or ""
                name = arn.split(":::", 1)[-1]
                if name not in regions:
                    regions[name] = self.destination_region(bucket, name)
                region = regions[name]
                rule["DestinationBucketAvailable"] = region is not None
                if region is not None:
                    rule["DestinationRegion"] = region
                    rule["CrossRegion"] = region != bucket_region(bucket, "us-east-1")

    def destination_region(self, bucket, name):
        """The bucket's region from HeadBucket's x-amz-bucket-region (S3 sends it with a
        403 from another account too); None when the bucket does not exist."""
        try:
            found = self.manager.client("s3").head_bucket(Bucket=name)
        except ClientError as e:
            if transient(e):   # throttled past the retries: unknown, not "no such bucket"
                raise
            found = e.response
        headers = (found.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
        return found.get("BucketRegion") or headers.get("x-amz-bucket-region")

    def keys(self):
        return {"Replication"}


@filters.register("intelligent-tiering", resources=S3)
class IntelligentTiering(BucketListItems):
    """list-item over the bucket's intelligent-tiering configurations, kept in
    ``c7n:IntelligentTiering``."""
    permissions = ("s3:GetIntelligentTieringConfiguration",)
    annotation = "c7n:IntelligentTiering"
    item_key = f'"{annotation}"'

    def prepare(self, resources):
        self.manager.cached(resources, self.annotation, self.fetch)

    def fetch(self, bucket):
        bucket[self.annotation] = listed(
            self.manager.bucket_client(bucket).list_bucket_intelligent_tiering_configurations,
            bucket["Name"], "IntelligentTieringConfigurationList")
