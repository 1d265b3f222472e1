"""S3 seeders: a bucket with tags, a public-read ACL, a bucket policy, a queue notification
and one unencrypted object, so that the ACL, policy, notification and object remediations
have something to change; beside it a bucket its access logs may go to."""
import json

from . import action_filters, action_options, seeder


@seeder("s3", "cloudtrail-create-bucket.json")
def bucket(world, label):
    world.s3.create_bucket(Bucket=label, ACL="public-read")
    world.s3.put_bucket_tagging(Bucket=label, Tagging={"TagSet": world.tag_list(label)})
    world.s3.put_bucket_policy(Bucket=label, Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "Partner", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{label}/*"}]}))
    world.s3.put_bucket_notification_configuration(Bucket=label, NotificationConfiguration={
        "QueueConfigurations": [{"Id": "seed", "Events": ["s3:ObjectCreated:*"],
                                 "QueueArn": f"arn:aws:sqs:us-east-1:123456789012:{label}"}]})
    world.s3.put_object(Bucket=label, Key="seed.txt", Body=b"seed")
    world.s3.create_bucket(Bucket=f"{label}-logs", ACL="log-delivery-write")
    return [label]


action_options("s3", {
    "remove-statements": {"statement_ids": "*"},
    "set-statements": {"statements": [{
        "Sid": "DenyHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::{bucket_name}/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
    "toggle-logging": {"target_bucket": "{bucket_name}-logs"},
    "configure-lifecycle": {"rules": [{"ID": "expire", "Status": "Enabled",
                                       "Filter": {"Prefix": "tmp/"},
                                       "Expiration": {"Days": 30}}]},
    "set-inventory": {"name": "daily", "destination": "inventory-destination"},
    "set-replication": {"state": "remove"},
    "delete-bucket-notification": {"statement_ids": ["seed"]},
    "set-intelligent-tiering": {"Id": "archive", "IntelligentTieringConfiguration": {
        "Id": "archive", "Status": "Enabled",
        "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}},
})
action_filters("s3", {
    "remove-statements": [{"type": "cross-account"}],
    "set-intelligent-tiering": [{"not": [{"type": "intelligent-tiering",
                                          "attrs": [{"Id": "archive"}]}]}],
})
