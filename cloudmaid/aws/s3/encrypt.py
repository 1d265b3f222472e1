"""``encrypt-keys`` (Cloud Custodian's name, keys and defaults): encrypt the objects of a
bucket that are not, by copying each onto itself with server-side encryption.

Bounded and resumable: one run examines at most ``budget`` objects over all its buckets, and
records where each bucket's scan stopped beside the policy's output (checkpoint.py); the next
run with the same output continues from there instead of starting over, until the bucket's
scan completes (the following run then starts a fresh pass). In a versioned bucket a scan
stops only between keys, so that every version of a key is handled in the same run.
"""
import math

from botocore.exceptions import ClientError

from ...actions.core import actions
from ...resources import details
from .checkpoint import Checkpoint
from .remediate import BucketAction

S3 = ("s3",)
ARCHIVED = ("GLACIER", "DEEP_ARCHIVE")
PAGE = 1000


@actions.register("encrypt-keys", resources=S3)
class EncryptKeys(BucketAction):
    """``crypto`` AES256 (default) or aws:kms with ``key-id``; objects already encrypted
    (with that key, when given) are left alone. ``report-only`` counts them and changes
    nothing. ``glacier``: archived objects get a 30-day restore request, and are encrypted
    by a later run once restored (else skipped). ``large`` (default true): objects over 2 GiB
    are copied in parts; with false they are skipped (Custodian tries a single copy, which
    S3 refuses over 5 GiB). In a versioned bucket the latest version is copied and each
    unencrypted version deleted, older ones included, as Custodian does. Each bucket gets
    ``KeyScanCount`` and ``KeyRemediated`` (this run's), and ``KeyScanComplete``."""
    schema = {"report-only": {"type": "boolean"}, "glacier": {"type": "boolean"},
              "large": {"type": "boolean"}, "crypto": {"enum": ["AES256", "aws:kms"]},
              "key-id": {"type": "string"}}
    permissions = ("s3:ListBucket", "s3:ListBucketVersions", "s3:GetObject",
                   "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObjectVersion",
                   "s3:RestoreObject", "s3:AbortMultipartUpload")
    #: objects examined per run, over all buckets
    budget = 50000
    #: larger objects are copied in parts (of this size less 1 MiB)
    max_copy = 2 * 1024 ** 3

    def validate(self):
        if "key-id" in self.data and self.data.get("crypto") != "aws:kms":
            return [(("key-id",), "a key-id needs crypto: aws:kms")]
        return []

    def process(self, resources):
        self.manager.ensure_details(resources, {"Versioning"})
        self.left = self.budget
        self.checkpoint = Checkpoint(self.manager, "encrypt-keys")
        self.result.update(keys=0, remediated=0, incomplete=[])
        super().process(resources)

    # -- one bucket ----------------------------------------------------------------------
    def process_bucket(self, bucket):
        name = bucket["Name"]
        client = self.manager.bucket_client(bucket)
        versioned = (bucket.get("Versioning") or {}).get("Status") in ("Enabled", "Suspended")
        style = "versioned" if versioned else "standard"
        position = self.checkpoint.get(name) or {}
        after = position.get("after") if position.get("style") == style else None
        self.scanned = self.remediated = 0
        self.errors = []
        try:
            complete = (self.scan_versions if versioned else self.scan_objects)(
                client, name, after)
        except ClientError as e:
            if e.response["Error"]["Code"] == "NoSuchBucket":
                return
            raise
        bucket.update(KeyScanCount=self.scanned, KeyRemediated=self.remediated,
                      KeyScanComplete=complete)
        self.result["keys"] += self.scanned
        self.result["remediated"] += self.remediated
        if not complete:
            self.result["incomplete"].append(name)
        if self.errors:
            first = self.errors[0]
            raise ClientError({"Error": {"Code": first[1], "Message": (
                f"{len(self.errors)} objects not encrypted, e.g. {first[0]}: {first[2]}")}},
                "CopyObject")

    def scan_objects(self, client, name, after):
        """True when the scan reached the end of the bucket."""
        while True:
            args = {"StartAfter": after} if after else {}
            page = client.list_objects_v2(Bucket=name, MaxKeys=PAGE, **args)
            keys = page.get("Contents") or []
            if len(keys) > self.left:
                keys = keys[:self.left]
                page["IsTruncated"] = True
            self.handle(keys, lambda k: self.process_key(client, name, k))
            if keys:
                after = keys[-1]["Key"]
            if not page.get("IsTruncated"):
                self.checkpoint.set(name, None)
                return True
            self.checkpoint.set(name, {"style": "standard", "after": after})
            if not self.left:
                return False

    def scan_versions(self, client, name, after):
        """As scan_objects, over every version; stops between keys."""
        marker = {"KeyMarker": after} if after else {}
        pending = []
        while True:
            page = client.list_object_versions(Bucket=name, MaxKeys=PAGE, **marker)
            pending.extend(page.get("Versions") or ())
            truncated = page.get("IsTruncated")
            # the page's last key may go on in the next page: kept for then
            last = pending[-1]["Key"] if truncated and pending else None
            ready = [v for v in pending if v["Key"] != last]
            pending = [v for v in pending if v["Key"] == last]
            ready, rest = self.within_budget(ready)
            self.handle(ready, lambda v: self.process_version(client, name, v))
            if ready:
                after = ready[-1]["Key"]
            if rest:
                self.checkpoint.set(name, {"style": "versioned", "after": after})
                return False
            if not truncated:
                self.checkpoint.set(name, None)
                return True
            self.checkpoint.set(name, {"style": "versioned", "after": after})
            marker = {"KeyMarker": page["NextKeyMarker"]}
            if page.get("NextVersionIdMarker"):
                marker["VersionIdMarker"] = page["NextVersionIdMarker"]

    def within_budget(self, versions):
        """The versions of whole keys that fit in the budget (the first key's whole when it
        alone exceeds it), and the rest."""
        if len(versions) <= self.left:
            return versions, []
        if not self.left:
            return [], versions
        cut = self.left
        while cut and versions[cut]["Key"] == versions[cut - 1]["Key"]:
            cut -= 1
        if not cut:
            first = versions[0]["Key"]
            cut = next((i for i, v in enumerate(versions) if v["Key"] != first), len(versions))
        return versions[:cut], versions[cut:]

    def handle(self, items, fn):
        self.left = max(0, self.left - len(items))
        self.scanned += len(items)

        def one(item):
            try:
                if fn(item):
                    return True
            except ClientError as e:
                err = e.response.get("Error", {})
                self.errors.append((item["Key"], err.get("Code"), err.get("Message")))
            return False
        self.remediated += sum(details.pmap(one, items))

    # -- one object ----------------------------------------------------------------------
    def encrypted(self, info):
        sse = info.get("ServerSideEncryption")
        key_id = self.data.get("key-id")
        if sse == "AES256":
            return not key_id
        if sse == "aws:kms":
            return not key_id or key_id in (info.get("SSEKMSKeyId") or "")
        return False

    def process_key(self, client, name, key, info=None):
        """True when the object was (or, report-only, would be) encrypted."""
        if info is None:
            info = client.head_object(Bucket=name, Key=key["Key"])
        if self.encrypted(info):
            return False
        if self.data.get("report-only"):
            return True
        storage = info.get("StorageClass", "STANDARD")
        if storage in ARCHIVED:
            if not self.data.get("glacier"):
                return False
            restore = info.get("Restore")
            if restore is None:
                # restoring takes hours: a later run copies it
                client.restore_object(Bucket=name, Key=key["Key"], RestoreRequest={"Days": 30})
                return False
            if 'ongoing-request="true"' in restore:
                return False
            storage = "STANDARD"
        params = {"Bucket": name, "Key": key["Key"], "StorageClass": storage,
                  "ServerSideEncryption": self.data.get("crypto", "AES256")}
        if self.data.get("key-id") and params["ServerSideEncryption"] == "aws:kms":
            params["SSEKMSKeyId"] = self.data["key-id"]
        if info["ContentLength"] > self.max_copy:
            if not self.data.get("large", True):
                return False
            self.copy_in_parts(client, params, info)
            return True
        client.copy_object(CopySource={"Bucket": name, "Key": key["Key"]},
                           MetadataDirective="COPY", **params)
        return True

    def process_version(self, client, name, version):
        info = client.head_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
        if "ServerSideEncryption" in info:
            return False
        if self.data.get("report-only"):
            return True
        if version.get("IsLatest") and not self.process_key(client, name, version, info):
            return False
        client.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
        return True

    def copy_in_parts(self, client, params, info):
        size, part = info["ContentLength"], self.max_copy - 1024 ** 2
        name, key = params["Bucket"], params["Key"]
        upload = client.create_multipart_upload(Metadata=info.get("Metadata") or {}, **params)
        source = {"Bucket": name, "Key": key}
        try:
            parts = []
            for n in range(1, math.ceil(size / part) + 1):
                answer = client.upload_part_copy(
                    Bucket=name, Key=key, UploadId=upload["UploadId"], PartNumber=n,
                    CopySource=source, CopySourceIfMatch=info["ETag"],
                    CopySourceRange=f"bytes={part * (n - 1)}-{min(part * n, size) - 1}")
                parts.append({"ETag": answer["CopyPartResult"]["ETag"], "PartNumber": n})
        except ClientError:
            client.abort_multipart_upload(Bucket=name, Key=key, UploadId=upload["UploadId"])
            raise
        client.complete_multipart_upload(Bucket=name, Key=key, UploadId=upload["UploadId"],
                                         MultipartUpload={"Parts": parts})
