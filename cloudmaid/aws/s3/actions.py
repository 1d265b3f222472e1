"""S3 bucket actions with Cloud Custodian's names and semantics: ``delete``."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions


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
