"""S3 seeders: a bucket with tags, a public-read ACL and a bucket policy, so that the ACL and
policy remediations have something to change."""
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
    return [label]


action_options("s3", {"remove-statements": {"statement_ids": "*"}})
action_filters("s3", {"remove-statements": [{"type": "cross-account"}]})
