"""Bucket configuration filters and actions on moto: bucket-logging / toggle-logging,
bucket-notification / delete-bucket-notification, ownership, lock-configuration, inventory /
set-inventory, bucket-replication / set-replication, configure-lifecycle,
remove-website-hosting, is-log-target, data-events, intelligent-tiering (botocore's Stubber:
moto keeps no tiering configurations), no-op."""
import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.aws.s3.manager import S3Manager
from cloudmaid.policy import Policy

from .test_aws_s3_policy import problems


@pytest.fixture
def s3(aws):
    return boto3.client("s3", region_name="us-east-1")


def run(ctx, filters, actions=()):
    meta = Policy({"name": "p", "resource": "s3", "filters": filters, "actions": list(actions)},
                  ctx).run()
    assert not meta["errors"], meta["errors"]
    return sorted(b["Name"] for b in meta["matched"]), meta


def names(ctx, filters, actions=()):
    return run(ctx, filters, actions)[0]


def logging_of(s3, name):
    return s3.get_bucket_logging(Bucket=name).get("LoggingEnabled") or {}


def test_bucket_logging_and_toggle_logging(ctx, s3):
    boto3.client("iam", region_name="us-east-1").create_account_alias(AccountAlias="acme")
    s3.create_bucket(Bucket="log-bucket", ACL="log-delivery-write")
    s3.create_bucket(Bucket="quiet")
    s3.create_bucket(Bucket="loud")
    s3.put_bucket_logging(Bucket="loud", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "log-bucket", "TargetPrefix": "acme/loud/"}})
    assert names(ctx, [{"type": "bucket-logging", "op": "disabled"}]) == ["log-bucket", "quiet"]
    assert names(ctx, [{"type": "bucket-logging", "op": "enabled"}]) == ["loud"]
    standard = {"target_bucket": "log-bucket", "target_prefix": "{account}/{source_bucket_name}/"}
    assert names(ctx, [{"type": "bucket-logging", "op": "equal", **standard}]) == ["loud"]
    assert names(ctx, [{"type": "bucket-logging", "op": "ne", **standard}]) == ["log-bucket", "quiet"]
    # the default prefix is the bucket's name and a slash
    assert names(ctx, [{"type": "bucket-logging", "op": "eq", "target_bucket": "log-bucket"}]) == []
    names(ctx, [{"Name": "quiet"}], [{"type": "toggle-logging", "target_bucket": "log-bucket"}])
    assert logging_of(s3, "quiet") == {"TargetBucket": "log-bucket", "TargetPrefix": "quiet/"}
    names(ctx, [{"type": "bucket-logging", "op": "ne", **standard}, {"Name": "quiet"}],
          [{"type": "toggle-logging", **standard}])
    assert logging_of(s3, "quiet") == {"TargetBucket": "log-bucket", "TargetPrefix": "acme/quiet/"}
    names(ctx, [{"Name": "loud"}], [{"type": "toggle-logging", "enabled": False}])
    assert logging_of(s3, "loud") == {}
    assert problems({"type": "toggle-logging"}) == [
        "toggle-logging needs a target_bucket to enable logging"]
    assert problems({"type": "toggle-logging", "enabled": False}) == []


def test_bucket_notification_and_delete_matched(ctx, s3):
    s3.create_bucket(Bucket="notes")
    queue = "arn:aws:sqs:us-east-1:123456789012:q"
    s3.put_bucket_notification_configuration(Bucket="notes", NotificationConfiguration={
        "QueueConfigurations": [{"Id": "wrong", "QueueArn": queue, "Events": ["s3:ObjectCreated:*"]},
                                {"Id": "right", "QueueArn": queue, "Events": ["s3:ObjectRemoved:*"]}],
        "TopicConfigurations": [{"Id": "topic", "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
                                 "Events": ["s3:ObjectCreated:*"]}]})
    s3.create_bucket(Bucket="silent")
    found = [{"type": "bucket-notification", "kind": "sqs", "key": "Id", "value": "wrong"}]
    matched, meta = run(ctx, found)
    assert matched == ["notes"]
    assert meta["matched"][0]["c7n:MatchedNotificationConfigurationIds"] == ["wrong"]
    assert names(ctx, [{"type": "bucket-notification", "kind": "lambda", "key": "Id",
                        "value": "present"}]) == []
    names(ctx, found, [{"type": "delete-bucket-notification", "statement_ids": "matched"}])
    left = s3.get_bucket_notification_configuration(Bucket="notes")
    assert [c["Id"] for c in left["QueueConfigurations"]] == ["right"]
    assert [c["Id"] for c in left["TopicConfigurations"]] == ["topic"]   # another kind
    names(ctx, [{"Name": "notes"}], [{"type": "delete-bucket-notification",
                                      "statement_ids": ["right", "topic"]}])
    left = s3.get_bucket_notification_configuration(Bucket="notes")
    assert not left.get("QueueConfigurations") and not left.get("TopicConfigurations")
    assert problems("no-op", [{"type": "bucket-notification", "kind": "sns", "key": "Id",
                               "value": "x"}]) == []
    assert problems("no-op", [{"type": "bucket-notification", "key": "Id", "value": "x"}])


def test_ownership(ctx, s3):
    s3.create_bucket(Bucket="enforced")
    s3.put_bucket_ownership_controls(Bucket="enforced", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    s3.create_bucket(Bucket="preferred")
    s3.put_bucket_ownership_controls(Bucket="preferred", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.create_bucket(Bucket="unset")
    s3.delete_bucket_ownership_controls(Bucket="unset")
    assert names(ctx, [{"type": "ownership", "value": "BucketOwnerEnforced"}]) == ["enforced"]
    assert names(ctx, [{"type": "ownership", "op": "in", "value": [
        "BucketOwnerEnforced", "BucketOwnerPreferred"]}]) == ["enforced", "preferred"]
    assert names(ctx, [{"type": "ownership", "value": "empty"}]) == ["unset"]
    assert problems("no-op", [{"type": "ownership", "value": "Everyone"}])
    assert problems("no-op", [{"type": "ownership", "key": "x", "value": "empty"}])


def test_lock_configuration(ctx, s3):
    s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket="locked", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    s3.create_bucket(Bucket="open")
    lock = {"type": "lock-configuration", "key": "Rule.DefaultRetention.Mode"}
    assert names(ctx, [dict(lock, value="COMPLIANCE")]) == ["locked"]
    assert names(ctx, [dict(lock, value="absent")]) == ["open"]


def test_inventory_and_set_inventory(ctx, s3):
    s3.create_bucket(Bucket="src")
    s3.create_bucket(Bucket="dest")
    inventory = {"type": "set-inventory", "name": "weekly", "destination": "dest",
                 "schedule": "Weekly", "fields": ["Size", "ETag"], "format": "Parquet",
                 "encryption": "SSES3"}
    names(ctx, [{"Name": "src"}], [inventory])
    (found,) = s3.list_bucket_inventory_configurations(Bucket="src")["InventoryConfigurationList"]
    dest = found["Destination"]["S3BucketDestination"]
    assert (found["Id"], found["Schedule"], dest["Bucket"], dest["Format"], dest["Prefix"]) == (
        "weekly", {"Frequency": "Weekly"}, "arn:aws:s3:::dest", "Parquet",
        "Inventories/123456789012")
    assert found["IsEnabled"]
    assert names(ctx, [{"type": "inventory", "key": "Schedule.Frequency",
                        "value": "Weekly"}]) == ["src"]
    assert names(ctx, [{"type": "inventory", "key": "Id", "value": "daily"}]) == []
    names(ctx, [{"Name": "src"}], [{"type": "set-inventory", "name": "weekly",
                                    "destination": "dest", "state": "absent"}])
    with pytest.raises(s3.exceptions.ClientError):   # moto: not found, whatever the code
        s3.get_bucket_inventory_configuration(Bucket="src", Id="weekly")


def replicated(s3, source, dest, status="Enabled"):
    for name in (source, dest):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "all", "Priority": 1, "Status": status, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{dest}"}}]})


def test_bucket_replication_and_set_replication(ctx, s3):
    replicated(s3, "primary", "copy")
    found = [{"type": "bucket-replication", "attrs": [
        {"Status": "Enabled"}, {"DestinationBucketAvailable": True}, {"CrossRegion": False}]}]
    matched, meta = run(ctx, found)
    assert matched == ["primary"]
    rule = meta["matched"][0]["Replication"]["ReplicationConfiguration"]["Rules"][0]
    assert rule["DestinationRegion"] == "us-east-1"
    assert names(ctx, [{"type": "bucket-replication", "count": 0}]) == ["copy"]
    names(ctx, [{"Name": "primary"}], [{"type": "set-replication", "state": "disable"}])
    rules = s3.get_bucket_replication(Bucket="primary")["ReplicationConfiguration"]["Rules"]
    assert [r["Status"] for r in rules] == ["Disabled"]
    # a bucket without replication has nothing to change (Custodian fails on it)
    names(ctx, [{"Name": "copy"}], [{"type": "set-replication", "state": "enable"}])
    names(ctx, [{"Name": "primary"}], [{"type": "set-replication", "state": "remove"}])
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_replication(Bucket="primary")


def test_configure_lifecycle(ctx, s3):
    s3.create_bucket(Bucket="aging")
    s3.put_bucket_lifecycle_configuration(Bucket="aging", LifecycleConfiguration={"Rules": [
        {"ID": "keep", "Status": "Enabled", "Filter": {"Prefix": "keep/"},
         "Expiration": {"Days": 365}}]})
    glacier = {"ID": "cold", "Status": "Enabled", "Filter": {"Prefix": "foo/"},
               "Transitions": [{"Days": 60, "StorageClass": "GLACIER"}]}
    names(ctx, [{"Name": "aging"}], [{"type": "configure-lifecycle", "rules": [glacier]}])
    rules = s3.get_bucket_lifecycle_configuration(Bucket="aging")["Rules"]
    assert [r["ID"] for r in rules] == ["keep", "cold"]
    names(ctx, [{"Name": "aging"}], [{"type": "configure-lifecycle", "rules": [
        dict(glacier, Transitions=[{"Days": 90, "StorageClass": "GLACIER"}]),
        {"ID": "keep", "Status": "absent"}]}])
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket="aging")["Rules"]
    assert rule["ID"] == "cold" and rule["Transitions"][0]["Days"] == 90
    names(ctx, [{"Name": "aging"}], [{"type": "configure-lifecycle", "rules": [
        {"ID": "cold", "Status": "absent"}]}])
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket="aging")
    assert problems({"type": "configure-lifecycle"})
    assert problems({"type": "configure-lifecycle", "rules": [{"ID": "x", "Status": "On"}]})


def test_remove_website_hosting_and_no_op(ctx, s3):
    s3.create_bucket(Bucket="site")
    s3.put_bucket_website(Bucket="site", WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}})
    matched, meta = run(ctx, [{"Name": "site"}], ["no-op"])
    assert matched == ["site"] and meta["actions"][0]["succeeded"] == 1
    s3.get_bucket_website(Bucket="site")
    names(ctx, [{"Website.IndexDocument.Suffix": "index.html"}], ["remove-website-hosting"])
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_website(Bucket="site")


def test_is_log_target(ctx, s3):
    s3.create_bucket(Bucket="access-logs", ACL="log-delivery-write")
    s3.create_bucket(Bucket="self-logger", ACL="log-delivery-write")
    s3.create_bucket(Bucket="app")
    s3.create_bucket(Bucket="cf-templates-abc")
    s3.create_bucket(Bucket="trail-logs")
    s3.create_bucket(Bucket="elb-logs")
    s3.put_bucket_logging(Bucket="app", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "access-logs", "TargetPrefix": "app/"}})
    s3.put_bucket_logging(Bucket="self-logger", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "self-logger", "TargetPrefix": "me/"}})
    boto3.client("cloudtrail", region_name="us-east-1").create_trail(
        Name="main", S3BucketName="trail-logs")
    elb = boto3.client("elb", region_name="us-east-1")
    elb.create_load_balancer(LoadBalancerName="web", AvailabilityZones=["us-east-1a"], Listeners=[
        {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    elb.modify_load_balancer_attributes(LoadBalancerName="web", LoadBalancerAttributes={
        "AccessLog": {"Enabled": True, "S3BucketName": "elb-logs", "EmitInterval": 5}})
    assert names(ctx, ["is-log-target"]) == [
        "access-logs", "cf-templates-abc", "elb-logs", "self-logger", "trail-logs"]
    assert names(ctx, [{"type": "is-log-target", "services": ["s3"]}]) == [
        "access-logs", "cf-templates-abc", "self-logger"]
    assert names(ctx, [{"type": "is-log-target", "self": True}]) == ["self-logger"]
    assert names(ctx, [{"type": "is-log-target", "value": False}]) == ["app"]
    # an earlier filter does not hide a target's sources (it does in Custodian)
    assert names(ctx, [{"Name": "access-logs"}, {"type": "is-log-target"}]) == ["access-logs"]


def test_data_events(ctx, s3):
    for name in ("watched", "prefixed", "unwatched"):
        s3.create_bucket(Bucket=name)
    s3.create_bucket(Bucket="trail-bucket")
    ct = boto3.client("cloudtrail", region_name="us-east-1")
    ct.create_trail(Name="data", S3BucketName="trail-bucket")
    ct.put_event_selectors(TrailName="data", EventSelectors=[{
        "ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object", "Values": [
            "arn:aws:s3:::watched/", "arn:aws:s3:::prefixed/logs/"]}]}])
    assert names(ctx, ["data-events"]) == ["prefixed", "watched"]
    assert names(ctx, [{"type": "data-events", "state": "absent"}]) == ["trail-bucket", "unwatched"]
    ct.put_event_selectors(TrailName="data", EventSelectors=[{
        "ReadWriteType": "All", "DataResources": [{"Type": "AWS::S3::Object",
                                                   "Values": ["arn:aws:s3"]}]}])
    assert names(ctx, [{"type": "data-events", "state": "absent"}]) == []


def test_intelligent_tiering_and_set_intelligent_tiering(ctx, s3, monkeypatch):
    s3.create_bucket(Bucket="tiered")
    stubbed = boto3.client("s3", region_name="us-east-1")
    stub = Stubber(stubbed)
    config = {"Id": "archive", "Status": "Enabled", "Tierings": [
        {"Days": 100, "AccessTier": "ARCHIVE_ACCESS"}]}
    stub.add_response("list_bucket_intelligent_tiering_configurations", {
        "IsTruncated": False, "IntelligentTieringConfigurationList": [config]},
        {"Bucket": "tiered"})
    stub.add_response("delete_bucket_intelligent_tiering_configuration", {},
                      {"Bucket": "tiered", "Id": "archive"})
    real = S3Manager.bucket_client
    tiering = ("list_bucket_intelligent_tiering_configurations",
               "delete_bucket_intelligent_tiering_configuration")

    class Client:
        """The tiering calls go to the stubbed client, the others to moto."""
        def __init__(self, other):
            self.other = other

        def __getattr__(self, name):
            return getattr(stubbed if name in tiering else self.other, name)
    monkeypatch.setattr(S3Manager, "bucket_client", lambda self, b: Client(real(self, b)))
    with stub:
        matched, meta = run(ctx, [{"Name": "tiered"}, {"type": "intelligent-tiering", "attrs": [
            {"Status": "Enabled"}, {"Tierings[0].Days": 100}]}],
            [{"type": "set-intelligent-tiering", "Id": "matched", "State": "delete"}])
        stub.assert_no_pending_responses()
    assert matched == ["tiered"]
    assert problems({"type": "set-intelligent-tiering", "Id": "x", "State": "delete"}) == [
        "set-intelligent-tiering needs an intelligent-tiering filter"]
    tiering = [{"type": "intelligent-tiering"}]
    assert problems({"type": "set-intelligent-tiering", "Id": "x"}, tiering)
    assert problems({"type": "set-intelligent-tiering", "Id": "x",
                     "IntelligentTieringConfiguration": config}, tiering) == []
