"""Bucket configuration actions, with Cloud Custodian's names, keys and defaults:
``toggle-logging``, ``configure-lifecycle``, ``set-inventory``, ``set-replication``,
``delete-bucket-notification``, ``remove-website-hosting``, ``set-intelligent-tiering`` and
``no-op``. Each reads what it changes first and writes only when it differs."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.listitem import ANNOTATION as LIST_ITEM_MATCHES
from .args import logging_target
from .remediate import BucketAction
from .settings import BucketNotification, listed

S3 = ("s3",)
_INT, _STR = {"type": "integer"}, {"type": "string"}


def _obj(**props):
    return {"type": "object", "additionalProperties": False, "properties": props}


_TAG = dict(_obj(Key=_STR, Value=_STR), required=["Key", "Value"])
_SIZES = {"ObjectSizeGreaterThan": _INT, "ObjectSizeLessThan": _INT}
LIFECYCLE_RULE = dict(_obj(
    ID=_STR, Status={"enum": ["Enabled", "Disabled", "absent"]}, Prefix=_STR,
    Expiration=_obj(Date=_STR, Days=_INT, ExpiredObjectDeleteMarker={"type": "boolean"}),
    Filter=dict(_obj(Prefix=_STR, Tag=_TAG, And=_obj(Prefix=_STR, Tags={
        "type": "array", "items": _TAG}, **_SIZES), **_SIZES), minProperties=1, maxProperties=1),
    Transitions={"type": "array", "items": _obj(Date=_STR, Days=_INT, StorageClass=_STR)},
    NoncurrentVersionTransitions={"type": "array", "items": _obj(
        NoncurrentDays=_INT, NewerNoncurrentVersions=_INT, StorageClass=_STR)},
    NoncurrentVersionExpiration=_obj(NoncurrentDays=_INT, NewerNoncurrentVersions=_INT),
    AbortIncompleteMultipartUpload=_obj(DaysAfterInitiation=_INT)), required=["ID", "Status"])


@actions.register("toggle-logging", resources=S3)
class ToggleLogging(BucketAction):
    """Access logging to ``target_bucket`` under ``target_prefix`` (default: the bucket's
    name and a slash; the placeholders of bucket-logging are filled in), or off with
    ``enabled: false``. Buckets already logging there are left alone."""
    schema = {"enabled": {"type": "boolean"}, "target_bucket": _STR, "target_prefix": _STR}
    permissions = ("s3:PutBucketLogging", "s3:GetBucketLogging", "iam:ListAccountAliases")

    def validate(self):
        if self.data.get("enabled", True) and not self.data.get("target_bucket"):
            return [(("target_bucket",), "toggle-logging needs a target_bucket to enable "
                                         "logging")]
        return []

    def process(self, resources):
        self._alias = {}
        self.manager.ensure_details(resources, {"Logging"})
        super().process(resources)

    def process_bucket(self, bucket):
        client = self.manager.bucket_client(bucket)
        current = bucket.get("Logging") or {}
        if self.data.get("enabled", True):
            wanted = logging_target(self.manager, bucket, self.data.get("target_bucket"),
                                    self.data.get("target_prefix"), self._alias)
            if current == wanted:
                return
            client.put_bucket_logging(Bucket=bucket["Name"],
                                      BucketLoggingStatus={"LoggingEnabled": wanted})
            bucket["Logging"] = wanted
        elif current:
            client.put_bucket_logging(Bucket=bucket["Name"], BucketLoggingStatus={})
            bucket["Logging"] = {}


@actions.register("configure-lifecycle", resources=S3)
class ConfigureLifecycle(BucketAction):
    """Add or replace the lifecycle ``rules`` by ID (``Status: absent`` removes one), the
    bucket's other rules kept; the configuration is deleted when no rule is left. A bucket
    whose lifecycle could not be read is skipped (its rules would be lost)."""
    schema = {"rules": {"type": "array", "items": LIFECYCLE_RULE}}
    required = ("rules",)
    permissions = ("s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration")

    def process(self, resources):
        self.manager.ensure_details(resources, {"Lifecycle"})
        super().process(resources)

    def process_bucket(self, bucket):
        if "Lifecycle" not in bucket:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message":
                               "the lifecycle configuration could not be read"}},
                              "GetBucketLifecycleConfiguration")
        before = list((bucket.get("Lifecycle") or {}).get("Rules") or [])
        rules = list(before)
        for rule in self.data["rules"]:
            at = next((i for i, r in enumerate(rules) if r.get("ID") == rule["ID"]), None)
            if rule["Status"] == "absent":
                if at is not None:
                    rules.pop(at)
            elif at is None:
                rules.append(rule)
            else:
                rules[at] = rule
        if rules == before:
            return
        client = self.manager.bucket_client(bucket)
        if rules:
            client.put_bucket_lifecycle_configuration(
                Bucket=bucket["Name"], LifecycleConfiguration={"Rules": rules})
            bucket["Lifecycle"] = {"Rules": rules}
        else:
            client.delete_bucket_lifecycle(Bucket=bucket["Name"])
            bucket["Lifecycle"] = None


@actions.register("set-inventory", resources=S3)
class SetInventory(BucketAction):
    """The inventory ``name`` delivered to bucket ``destination`` under ``prefix`` (default
    ``Inventories/<account id>``): ``state`` enabled (default) / disabled / absent,
    ``schedule`` Daily, ``format`` CSV, ``versions`` Current, ``fields`` LastModifiedDate and
    Size, ``encryption`` SSES3 / SSEKMS (``key_id``). Written only when it differs."""
    FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
              "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
              "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
              "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner"]
    schema = {"state": {"enum": ["enabled", "disabled", "absent"]}, "name": _STR,
              "destination": _STR, "prefix": _STR, "encryption": {"enum": ["SSES3", "SSEKMS"]},
              "key_id": _STR, "versions": {"enum": ["All", "Current"]},
              "schedule": {"enum": ["Daily", "Weekly"]},
              "format": {"enum": ["CSV", "ORC", "Parquet"]},
              "fields": {"type": "array", "items": {"enum": FIELDS}}}
    required = ("name", "destination")
    permissions = ("s3:PutInventoryConfiguration", "s3:GetInventoryConfiguration")

    def wanted(self):
        d = self.data
        dest = {"Bucket": f"arn:aws:s3:::{d['destination']}", "Format": d.get("format", "CSV"),
                "Prefix": d.get("prefix") or f"Inventories/{self.manager.ctx.account_id}"}
        if d.get("encryption"):
            key = {"KeyId": d["key_id"]} if d["encryption"] == "SSEKMS" and d.get("key_id") else {}
            dest["Encryption"] = {d["encryption"]: key}
        return {"Destination": {"S3BucketDestination": dest},
                "IsEnabled": d.get("state", "enabled") == "enabled", "Id": d["name"],
                "OptionalFields": d.get("fields", ["LastModifiedDate", "Size"]),
                "IncludedObjectVersions": d.get("versions", "Current"),
                "Schedule": {"Frequency": d.get("schedule", "Daily")}}

    def process_bucket(self, bucket):
        client = self.manager.bucket_client(bucket)
        name = self.data["name"]
        if self.data.get("state") == "absent":
            try:
                client.delete_bucket_inventory_configuration(Bucket=bucket["Name"], Id=name)
            except ClientError as e:
                if e.response["Error"]["Code"] != "NoSuchConfiguration":
                    raise
            return
        wanted = self.wanted()
        have = next((i for i in listed(client.list_bucket_inventory_configurations,
                                       bucket["Name"], "InventoryConfigurationList")
                     if i.get("Id") == name), None)
        if have is not None and all(same(have.get(k), v) for k, v in wanted.items()):
            return
        client.put_bucket_inventory_configuration(Bucket=bucket["Name"], Id=name,
                                                  InventoryConfiguration=wanted)


def same(have, want):
    """Equal, lists compared whatever their order (as Custodian compares them)."""
    if isinstance(want, list) and isinstance(have, list):
        return sorted(map(repr, have)) == sorted(map(repr, want))
    return have == want


@actions.register("set-replication", resources=S3)
class SetReplication(BucketAction):
    """``state``: ``enable`` / ``disable`` every replication rule, or ``remove`` the
    replication configuration. A bucket without one has nothing to change (Custodian fails)."""
    schema = {"state": {"enum": ["enable", "disable", "remove"]}}
    required = ("state",)
    permissions = ("s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration")

    def process_bucket(self, bucket):
        client = self.manager.bucket_client(bucket)
        state = self.data["state"]
        if state == "remove":
            client.delete_bucket_replication(Bucket=bucket["Name"])
            bucket["Replication"] = None
            return
        try:
            config = client.get_bucket_replication(Bucket=bucket["Name"])[
                "ReplicationConfiguration"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "ReplicationConfigurationNotFoundError":
                raise
            return
        status = "Enabled" if state == "enable" else "Disabled"
        if all(r.get("Status") == status for r in config.get("Rules") or ()):
            return
        for rule in config.get("Rules") or ():
            rule["Status"] = status
        client.put_bucket_replication(Bucket=bucket["Name"], ReplicationConfiguration=config)
        bucket["Replication"] = {"ReplicationConfiguration": config}


@actions.register("delete-bucket-notification", resources=S3)
class DeleteBucketNotification(BucketAction):
    """Remove the notifications with ``statement_ids`` (``matched``: those a
    bucket-notification filter matched), the others kept."""
    schema = {"statement_ids": {"oneOf": [{"enum": ["matched"]},
                                          {"type": "array", "items": _STR}]}}
    required = ("statement_ids",)
    permissions = ("s3:PutBucketNotification", "s3:GetBucketNotification")

    def process(self, resources):
        self.manager.ensure_details(resources, {"Notification"})
        super().process(resources)

    def process_bucket(self, bucket):
        ids = self.data["statement_ids"]
        if ids == "matched":
            ids = bucket.get(BucketNotification.annotation) or ()
        current = bucket.get("Notification") or {}
        if not ids or not current:
            return
        config, gone = {}, False
        for field in BucketNotification.FIELDS.values():
            kept = [c for c in current.get(field) or () if c.get("Id") not in ids]
            gone = gone or len(kept) != len(current.get(field) or ())
            if kept:
                config[field] = kept
        if not gone:
            return
        if current.get("EventBridgeConfiguration") is not None:
            config["EventBridgeConfiguration"] = current["EventBridgeConfiguration"]
        self.manager.bucket_client(bucket).put_bucket_notification_configuration(
            Bucket=bucket["Name"], NotificationConfiguration=config)
        bucket["Notification"] = config


@actions.register("remove-website-hosting", resources=S3)
class RemoveWebsiteHosting(BucketAction):
    """Delete the bucket's website configuration."""
    permissions = ("s3:DeleteBucketWebsite",)

    def process_bucket(self, bucket):
        self.manager.bucket_client(bucket).delete_bucket_website(Bucket=bucket["Name"])
        bucket["Website"] = None


@actions.register("set-intelligent-tiering", resources=S3)
class SetIntelligentTiering(BucketAction):
    """Put the ``IntelligentTieringConfiguration`` ``Id``, or with ``State: delete`` delete
    configuration ``Id`` (``matched``: those an intelligent-tiering filter matched; Custodian
    fails on them). Needs an intelligent-tiering filter, as in Custodian."""
    schema = {"Id": _STR, "State": {"enum": ["delete"]},
              "IntelligentTieringConfiguration": {"type": "object"}}
    required = ("Id",)
    permissions = ("s3:PutIntelligentTieringConfiguration",)

    def validate(self):
        out = []
        if not uses_filter(getattr(self.manager, "policy_data", None), "intelligent-tiering"):
            out.append(((), "set-intelligent-tiering needs an intelligent-tiering filter"))
        if ("State" in self.data) == ("IntelligentTieringConfiguration" in self.data):
            out.append(((), "set-intelligent-tiering takes either State: delete or an "
                            "IntelligentTieringConfiguration"))
        return out

    def process_bucket(self, bucket):
        client = self.manager.bucket_client(bucket)
        config = self.data.get("IntelligentTieringConfiguration")
        if config is not None:
            client.put_bucket_intelligent_tiering_configuration(
                Bucket=bucket["Name"], Id=self.data["Id"], IntelligentTieringConfiguration=config)
        if self.data.get("State") == "delete":
            for config_id in self.targets(bucket):
                try:
                    client.delete_bucket_intelligent_tiering_configuration(
                        Bucket=bucket["Name"], Id=config_id)
                except ClientError as e:
                    if e.response["Error"]["Code"] != "NoSuchConfiguration":
                        raise

    def targets(self, bucket):
        if self.data["Id"] != "matched":
            return [self.data["Id"]]
        configs = bucket.get("c7n:IntelligentTiering") or []
        prefix = '"c7n:IntelligentTiering"['
        return [configs[int(m[len(prefix):-1])].get("Id")
                for m in bucket.get(LIST_ITEM_MATCHES) or () if m.startswith(prefix)]


def uses_filter(policy, name):
    """Does the policy (its data; None at run time, validated before) use filter ``name``,
    in a block or not?"""
    if not policy:
        return True
    todo = list(policy.get("filters") or ())
    while todo:
        f = todo.pop()
        if isinstance(f, dict) and len(f) == 1 and next(iter(f)) in ("or", "and", "not"):
            todo.extend(next(iter(f.values())) or ())
        elif (f.get("type") if isinstance(f, dict) else f) == name:
            return True
    return False


@actions.register("no-op", resources=S3)
class NoOp(Action):
    """Does nothing (a policy that only reports)."""
    permissions = ("s3:ListAllMyBuckets",)

    def process(self, resources):
        self.result["succeeded"] = len(resources)
