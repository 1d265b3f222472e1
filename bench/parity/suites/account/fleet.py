"""The account suite's fleet: one account (alias parity-account) with some settings
compliant and others not, so each account policy either matches it or not."""
import json

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"


def seed(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)

    def client(service, region=REGION):
        return session.client(service, endpoint_url=endpoint, region_name=region)

    iam = client("iam")
    iam.create_account_alias(AccountAlias="parity-account")
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True,
                                       RequireNumbers=False)
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
    # a running single-region trail without log validation
    s3 = client("s3")
    s3.create_bucket(Bucket="parity-trail-logs")
    s3.put_bucket_policy(Bucket="parity-trail-logs", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "AWSCloudTrailWrite", "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::parity-trail-logs/AWSLogs/{ACCOUNT}/*"}]}))
    trail = client("cloudtrail")
    arn = trail.create_trail(Name="parity-trail", S3BucketName="parity-trail-logs",
                             IsMultiRegionTrail=False, IncludeGlobalServiceEvents=True)["TrailARN"]
    trail.start_logging(Name=arn)
    # GuardDuty on; AWS Config, Security Hub and EBS default encryption off
    client("guardduty").create_detector(Enable=True)
    s3.create_bucket(Bucket="parity-audit")
    return {"alias": "parity-account", "users": 2, "trails": 1, "detectors": 1,
            "buckets": 2}
