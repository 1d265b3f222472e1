"""Account filters and actions on the account's logging and security services against
moto: check-cloudtrail, enable-cloudtrail, check-config, guard-duty, securityhub."""
import json

import boto3
from botocore.stub import Stubber

from cloudmaid.validate import PolicyChecker

from .test_aws_account import ACCOUNT, matched, problems, run


def trail(name="main", bucket="trail-bucket", start=True, **kw):
    s3 = boto3.client("s3")
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    ct = boto3.client("cloudtrail")
    arn = ct.create_trail(Name=name, S3BucketName=bucket, **kw)["TrailARN"]
    if start:
        ct.start_logging(Name=arn)
    return arn


# -- check-cloudtrail ----------------------------------------------------------------------------
def test_check_cloudtrail_matches_an_account_without_trails(ctx):
    found = matched(ctx, {"type": "check-cloudtrail"})
    assert found and found[0]["c7n:cloudtrails"] == []


def test_check_cloudtrail_running_by_default(ctx):
    trail(start=False)
    assert matched(ctx, {"type": "check-cloudtrail"})              # not logging
    assert not matched(ctx, {"type": "check-cloudtrail", "running": False})
    boto3.client("cloudtrail").start_logging(Name="main")
    found = run(ctx, [{"type": "check-cloudtrail"}])
    assert found["resources"]["matched"] == 0


def test_check_cloudtrail_properties(ctx):
    kms = boto3.client("kms").create_key()["KeyMetadata"]
    trail(IsMultiRegionTrail=False, IncludeGlobalServiceEvents=False)
    for key in ("multi-region", "global-events", "kms", "file-digest", "notifies"):
        assert matched(ctx, {"type": "check-cloudtrail", key: True}), key
    assert not matched(ctx, {"type": "check-cloudtrail", "current-region": True})
    trail("full", IsMultiRegionTrail=True, IncludeGlobalServiceEvents=True,
          EnableLogFileValidation=True, KmsKeyId=kms["Arn"])
    for key in ("multi-region", "global-events", "kms", "file-digest"):
        assert not matched(ctx, {"type": "check-cloudtrail", key: True}), key
    assert not matched(ctx, {"type": "check-cloudtrail", "kms-key": kms["Arn"]})
    assert matched(ctx, {"type": "check-cloudtrail", "kms-key": "arn:aws:kms:other"})
    # every property at once is one trail's, not one per trail
    assert matched(ctx, {"type": "check-cloudtrail", "multi-region": True, "notifies": True})


def test_check_cloudtrail_current_region(ctx):
    ct = boto3.client("cloudtrail", region_name="eu-west-1")
    boto3.client("s3", region_name="eu-west-1").create_bucket(Bucket="eu-trail",
                                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    ct.start_logging(Name=ct.create_trail(Name="eu-trail", S3BucketName="eu-trail")["TrailARN"])
    # the eu-west-1 trail is not this region's, single-region: us-east-1 has none
    assert matched(ctx, {"type": "check-cloudtrail", "current-region": True})


def test_check_cloudtrail_include_management_events(ctx):
    arn = trail()
    ct = boto3.client("cloudtrail")
    ct.put_event_selectors(TrailName=arn, EventSelectors=[
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    assert matched(ctx, {"type": "check-cloudtrail", "include-management-events": True})
    ct.put_event_selectors(TrailName=arn, EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    assert not matched(ctx, {"type": "check-cloudtrail", "include-management-events": True})


# -- enable-cloudtrail -----------------------------------------------------------------------------
def test_enable_cloudtrail_creates_bucket_policy_and_trail(ctx):
    meta = run(ctx, [{"type": "check-cloudtrail", "multi-region": True}],
               [{"type": "enable-cloudtrail", "trail": "org", "bucket": "audit-logs",
                 "file-digest": True}])
    assert meta["actions"][0]["succeeded"] == 1, meta["actions"]
    got = boto3.client("cloudtrail").describe_trails()["trailList"]
    assert [t["Name"] for t in got] == ["org"]
    assert got[0]["S3BucketName"] == "audit-logs"
    assert got[0]["IsMultiRegionTrail"] and got[0]["IncludeGlobalServiceEvents"]
    assert got[0]["LogFileValidationEnabled"]
    assert boto3.client("cloudtrail").get_trail_status(Name="org")["IsLogging"]
    policy = json.loads(boto3.client("s3").get_bucket_policy(Bucket="audit-logs")["Policy"])
    resources = {s["Sid"]: s["Resource"] for s in policy["Statement"]}
    assert resources["AWSCloudTrailWrite20150319"] == \
        f"arn:aws:s3:::audit-logs/AWSLogs/{ACCOUNT}/*"
    assert not matched(ctx, {"type": "check-cloudtrail", "multi-region": True})


def test_enable_cloudtrail_keeps_the_bucket_policy_and_updates_the_trail(ctx):
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket="trail-logs-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    own = {"Sid": "Mine", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
           "Resource": "arn:aws:s3:::trail-logs-eu/*"}
    s3.put_bucket_policy(Bucket="trail-logs-eu", Policy=json.dumps({"Version": "2012-10-17",
                                                           "Statement": [own]}))
    trail("eu-logs", bucket="trail-logs-eu", start=False, IsMultiRegionTrail=False)
    run(ctx, actions=[{"type": "enable-cloudtrail", "trail": "eu-logs", "bucket": "trail-logs-eu",
                       "bucket-region": "eu-west-1", "multi-region": False,
                       "global-events": False}])
    policy = json.loads(s3.get_bucket_policy(Bucket="trail-logs-eu")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [
        "Mine", "AWSCloudTrailAclCheck20150319", "AWSCloudTrailWrite20150319"]
    got = boto3.client("cloudtrail").describe_trails()["trailList"][0]
    assert not got["IsMultiRegionTrail"] and not got["IncludeGlobalServiceEvents"]
    assert boto3.client("cloudtrail").get_trail_status(Name="eu-logs")["IsLogging"]


def test_enable_cloudtrail_validation():
    assert any("bucket" in m for m in problems(actions=[{"type": "enable-cloudtrail"}]))
    assert any("kms-key" in m for m in problems(actions=[
        {"type": "enable-cloudtrail", "bucket": "b", "kms": True}]))
    assert problems(actions=[{"type": "enable-cloudtrail", "bucket": "b", "kms": True,
                              "kms-key": "alias/trail"}]) == []


# -- check-config -------------------------------------------------------------------------------
def recorder(all_supported=True, include_global=True, start=True):
    config = boto3.client("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": all_supported,
                           "includeGlobalResourceTypes": include_global}})
    boto3.client("s3").create_bucket(Bucket="config-bucket")
    config.put_delivery_channel(DeliveryChannel={"name": "default",
                                                 "s3BucketName": "config-bucket"})
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def test_check_config(ctx):
    found = matched(ctx, {"type": "check-config"})
    assert found and found[0]["c7n:config_recorders"] == []
    recorder(include_global=False, start=False)
    assert matched(ctx, {"type": "check-config"})                     # not recording
    assert not matched(ctx, {"type": "check-config", "running": False})
    assert matched(ctx, {"type": "check-config", "running": False, "global-resources": True})
    assert not matched(ctx, {"type": "check-config", "running": False, "all-resources": True})
    boto3.client("config").start_configuration_recorder(ConfigurationRecorderName="default")
    found = run(ctx, [{"type": "check-config"}])
    assert found["resources"]["matched"] == 0


# -- guard-duty ---------------------------------------------------------------------------------
def test_guard_duty(ctx):
    assert not matched(ctx, {"type": "guard-duty", "Detector.Status": "ENABLED"})
    boto3.client("guardduty").create_detector(Enable=True)
    found = matched(ctx, {"type": "guard-duty", "Detector.Status": "ENABLED"})
    assert found and found[0]["c7n:guard-duty"]["Detector"]["Status"] == "ENABLED"
    assert not matched(ctx, {"type": "guard-duty", "Detector.Status": "ENABLED",
                             "Administrator.AccountId": "000110011001"})
    assert matched(ctx, {"type": "guard-duty", "match-operator": "or",
                         "Detector.Status": "ENABLED",
                         "Administrator.AccountId": "000110011001"})
    assert matched(ctx, {"type": "guard-duty",
                         "Detector.Status": {"op": "in", "value": ["ENABLED", "x"]}})


def test_guard_duty_schema_takes_detector_and_administrator_keys():
    assert problems({"type": "guard-duty", "Detector.Status": "ENABLED",
                     "Administrator.RelationshipStatus": "Enabled"}) == []
    found = problems({"type": "guard-duty", "Detectr.Status": "ENABLED"})
    assert found == ["unknown key 'Detectr.Status'"], found
    assert problems({"type": "guard-duty", "Detector.Status": {"op": "regex", "value": "("}})


# -- securityhub -------------------------------------------------------------------------------
def test_securityhub(ctx):
    assert matched(ctx, {"type": "securityhub", "enabled": False})
    assert not matched(ctx, {"type": "securityhub"})
    boto3.client("securityhub").enable_security_hub()
    assert matched(ctx, {"type": "securityhub"})
    assert not matched(ctx, {"type": "securityhub", "enabled": False})


def test_custodian_examples_validate():
    for f in ({"type": "check-cloudtrail", "global-events": True, "multi-region": True,
               "running": True, "include-management-events": True},
              {"type": "check-config", "all-resources": True, "global-resources": True,
               "running": True}):
        assert PolicyChecker({"name": "p", "resource": "account", "region": "us-east-1",
                              "filters": [f]}).run() == []


# -- log-metric-filter-pattern ------------------------------------------------------------------
LOGIN = '{ ($.eventName = "ConsoleLogin") }'


def alarmed_trail(pattern=LOGIN):
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName="trail-group")
    group = logs.describe_log_groups()["logGroups"][0]["arn"]
    arn = trail(CloudWatchLogsLogGroupArn=group,
                CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail")
    logs.put_metric_filter(logGroupName="trail-group", filterName="login", filterPattern=pattern,
                           metricTransformations=[{"metricName": "Logins",
                                                   "metricNamespace": "Audit",
                                                   "metricValue": "1"}])
    topic = boto3.client("sns").create_topic(Name="audit")["TopicArn"]
    boto3.client("cloudwatch").put_metric_alarm(
        AlarmName="logins", MetricName="Logins", Namespace="Audit", Statistic="Sum",
        Period=300, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic])
    return arn, topic


def confirmed(ctx, topic, count):
    """moto's topics have no SubscriptionsConfirmed: GetTopicAttributes through Stubber."""
    stub = Stubber(ctx.session_factory.client("sns"))
    stub.add_response("get_topic_attributes", {"Attributes": {
        "TopicArn": topic, "SubscriptionsConfirmed": str(count)}}, {"TopicArn": topic})
    stub.activate()
    return stub


def test_check_cloudtrail_log_metric_filter_pattern(ctx):
    _, topic = alarmed_trail()
    check = {"type": "check-cloudtrail", "log-metric-filter-pattern": LOGIN}
    with confirmed(ctx, topic, 1):
        assert not matched(ctx, check)      # alarmed and notified: compliant
    with confirmed(ctx, topic, 0):
        assert matched(ctx, check)          # nobody confirmed the topic
    regex = {"type": "value", "op": "regex",
             "value": '\\{ ?(\\()? ?\\$\\.eventName ?= ?(")?ConsoleLogin(")? ?(\\))? ?\\}'}
    with confirmed(ctx, topic, 2):
        assert not matched(ctx, {"type": "check-cloudtrail", "log-metric-filter-pattern": regex})
    # no metric filter of that pattern: no SNS call at all
    assert matched(ctx, {"type": "check-cloudtrail", "log-metric-filter-pattern": "{ x }"})
