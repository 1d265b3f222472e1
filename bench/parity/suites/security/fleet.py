"""The security suite's fleet: KMS keys and aliases, certificates, trails, secrets,
parameters and the configuration recorder, some compliant and others not, each with a Name
tag (or a name) saying what it is."""
import json

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"
OTHER = "210987654321"


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(sid, principal, action, condition=None):
    s = {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": principal}, "Action": action,
         "Resource": "*"}
    if condition:
        s["Condition"] = condition
    return s


OWNER = allow("owner", f"arn:aws:iam::{ACCOUNT}:root", "kms:*")


def seed(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)

    def client(service, region=REGION):
        return session.client(service, endpoint_url=endpoint, region_name=region)
    summary = {}

    kms = client("kms")
    keys = {}
    for name, policy, rotate in (
            ("key-rotating", None, True),
            ("key-static", None, False),
            ("key-shared", document(OWNER, allow("x", f"arn:aws:iam::{OTHER}:root", "kms:Decrypt")),
             True),
            ("key-caller", document(OWNER, allow("c", "*", "kms:Decrypt", {
                "StringEquals": {"kms:CallerAccount": ACCOUNT}})), True)):
        kid = kms.create_key(Description=name, Tags=[{"TagKey": "Name", "TagValue": name}])[
            "KeyMetadata"]["KeyId"]
        if policy:
            kms.put_key_policy(KeyId=kid, PolicyName="default", Policy=policy)
        if rotate:
            kms.enable_key_rotation(KeyId=kid)
        keys[name] = kid
    for alias, target, grants in (("alias/busy", "key-rotating", 6), ("alias/idle", "key-static", 1)):
        kms.create_alias(AliasName=alias, TargetKeyId=keys[target])
        for _ in range(grants):
            kms.create_grant(KeyId=keys[target], Operations=["Decrypt"],
                             GranteePrincipal=f"arn:aws:iam::{ACCOUNT}:role/app")
    summary["kms-key"], summary["kms"] = len(keys), 2

    acm = client("acm")
    acm.request_certificate(DomainName="www.example.com", Tags=[{"Key": "Name", "Value": "cert-web"}])
    summary["acm-certificate"] = 1

    s3 = client("s3")
    s3.create_bucket(Bucket="security-suite-trails")
    for region, name, kw in ((REGION, "trail-logging", {"EnableLogFileValidation": True}),
                             (REGION, "trail-stopped", {}),
                             ("us-west-2", "trail-everywhere", {"IsMultiRegionTrail": True})):
        ct = client("cloudtrail", region)
        ct.create_trail(Name=name, S3BucketName="security-suite-trails", **kw)
        if name != "trail-stopped":
            ct.start_logging(Name=name)
    client("cloudtrail").put_event_selectors(TrailName="trail-logging", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    summary["cloudtrail"] = 3

    sm = client("secretsmanager")
    for name, policy in (
            ("secret-shared", document(allow("read", f"arn:aws:iam::{OTHER}:root",
                                             "secretsmanager:GetSecretValue"))),
            ("secret-private", document(allow("read", f"arn:aws:iam::{ACCOUNT}:root",
                                              "secretsmanager:GetSecretValue"))),
            ("secret-plain", None)):
        sm.create_secret(Name=name, SecretString="s3cr3t", Tags=[{"Key": "Name", "Value": name}])
        if policy:
            sm.put_resource_policy(SecretId=name, ResourcePolicy=policy)
    summary["secrets-manager"] = 3

    ssm = client("ssm")
    for name, kind in (("/app/db-host", "String"), ("/app/db-password", "SecureString"),
                       ("/app/hosts", "StringList")):
        ssm.put_parameter(Name=name, Value="v", Type=kind)
    summary["ssm-parameter"] = 3

    client("config").put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config"})
    summary["config-recorder"] = 1
    return summary
