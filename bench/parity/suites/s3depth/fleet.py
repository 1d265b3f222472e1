"""The s3depth suite's fleet: buckets whose policy, logging, notifications, ownership,
inventory, replication, public access block and ACL differ, named for what they are, a trail
recording one bucket's data events, and the buckets logs go to."""
import json

import boto3

REGION = "us-east-1"
ENCRYPTED_PUT = {
    "Sid": "RequiredEncryptedPutObject", "Effect": "Deny", "Principal": "*",
    "Action": "s3:PutObject",
    "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": ["AES256", "aws:kms"]}}}


def seed(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)
    s3 = session.client("s3", endpoint_url=endpoint, region_name=REGION)
    trail = session.client("cloudtrail", endpoint_url=endpoint, region_name=REGION)
    made = []

    def bucket(name, **kw):
        s3.create_bucket(Bucket=name, **kw)
        made.append(name)
        return name

    bucket("depth-log-target", ACL="log-delivery-write")
    bucket("depth-logged")
    s3.put_bucket_logging(Bucket="depth-logged", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "depth-log-target", "TargetPrefix": "depth-logged/"}})
    bucket("depth-logged-elsewhere")
    s3.put_bucket_logging(Bucket="depth-logged-elsewhere", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "depth-log-target", "TargetPrefix": "other/"}})
    bucket("depth-encrypt-policy")
    s3.put_bucket_policy(Bucket="depth-encrypt-policy", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [dict(
            ENCRYPTED_PUT, Resource="arn:aws:s3:::depth-encrypt-policy/*")]}))
    bucket("depth-other-policy")
    s3.put_bucket_policy(Bucket="depth-other-policy", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::depth-other-policy/*"}]}))
    bucket("depth-notified")
    s3.put_bucket_notification_configuration(Bucket="depth-notified", NotificationConfiguration={
        "QueueConfigurations": [{"Id": "uploads", "Events": ["s3:ObjectCreated:*"],
                                 "QueueArn": "arn:aws:sqs:us-east-1:123456789012:uploads"}]})
    bucket("depth-enforced")
    s3.put_bucket_ownership_controls(Bucket="depth-enforced", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    bucket("depth-inventoried")
    s3.put_bucket_inventory_configuration(Bucket="depth-inventoried", Id="daily",
                                          InventoryConfiguration={
        "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::depth-log-target",
                                                "Format": "CSV"}},
        "IsEnabled": True, "Id": "daily", "IncludedObjectVersions": "Current",
        "Schedule": {"Frequency": "Daily"}})
    for name in ("depth-replicated", "depth-replica"):
        bucket(name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="depth-replicated", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::depth-replica"}}]})
    bucket("depth-blocked")
    s3.put_public_access_block(Bucket="depth-blocked", PublicAccessBlockConfiguration={
        k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                          "RestrictPublicBuckets")})
    bucket("depth-public-read", ACL="public-read")
    bucket("depth-trail-target")
    bucket("depth-watched")
    trail.create_trail(Name="depth-trail", S3BucketName="depth-trail-target")
    trail.put_event_selectors(TrailName="depth-trail", EventSelectors=[{
        "ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object",
                                                   "Values": ["arn:aws:s3:::depth-watched/"]}]}])
    bucket("depth-locked", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket="depth-locked", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    return {"s3": len(made)}
