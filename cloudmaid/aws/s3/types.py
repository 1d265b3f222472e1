"""S3's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

ListBuckets returns names and dates (and, in real AWS, each bucket's ``BucketRegion``);
everything else is one call per bucket and detail, read only for the keys a policy's filters
read (manager.py), with Custodian's key names and shapes.
"""
from ...resources.declaration import (
    GLOBAL, TAGGING_API, AugmentQuery, Detail, ResourceType, Shortcut)

_BUCKET = Shortcut("requestParameters.bucketName")

TYPES = (
    ResourceType(
        # every bucket, whatever its region
        name="s3", service="s3", enum_op="list_buckets", enum_path="Buckets[]", id="Name",
        name_key="Name", date="CreationDate", arn="arn:{partition}:s3:::{id}", scope=GLOBAL,
        tags=TAGGING_API, tagger="s3", config_type="AWS::S3::Bucket",
        dimension="BucketName", dimension_key="Name",
        details=(
            Detail("Location", "get_bucket_location", "Bucket", default={}),
            Detail("Tags", "get_bucket_tagging", "Bucket", "TagSet", default=[]),
            Detail("Policy", "get_bucket_policy", "Bucket", "Policy"),
            Detail("Acl", "get_bucket_acl", "Bucket"),
            Detail("Replication", "get_bucket_replication", "Bucket"),
            Detail("Versioning", "get_bucket_versioning", "Bucket"),
            Detail("Website", "get_bucket_website", "Bucket"),
            Detail("Logging", "get_bucket_logging", "Bucket", "LoggingEnabled"),
            Detail("Notification", "get_bucket_notification_configuration", "Bucket"),
            Detail("Lifecycle", "get_bucket_lifecycle_configuration", "Bucket"),
        ),
        trail={name: _BUCKET for name in (
            "CreateBucket", "PutBucketAcl", "PutBucketPolicy", "DeleteBucketEncryption",
            "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock")},
        query=AugmentQuery(always=("Location", "Tags")),
    ),
)
