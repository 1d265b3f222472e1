"""CloudTrail for the account: ``check-cloudtrail`` and ``enable-cloudtrail`` (Cloud
Custodian's names, keys, defaults and annotations)."""
import json

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...errors import PolicyError
from ...filters.core import filters
from ...filters.value import ValueFilter
from .base import ACCOUNT, AccountFilter, error_code


@filters.register("check-cloudtrail", resources=ACCOUNT)
class CheckCloudTrail(AccountFilter):
    """Matches the account when no trail has every property asked for: ``global-events``,
    ``multi-region``, ``current-region`` (a multi-region trail or one whose home is the
    region), ``kms`` (any key), ``kms-key`` (that KmsKeyId exactly), ``file-digest``,
    ``notifies`` (an SNS topic), ``include-management-events`` (a selector reading and
    writing management events), ``running`` (default true: logging, no delivery error) and
    ``log-metric-filter-pattern`` (the trail's log group has a metric filter of that
    pattern, a string or a value filter, whose metric's alarm notifies an SNS topic with a
    confirmed subscription).
    The trails are kept on the account as ``c7n:cloudtrails`` (with their ``Status`` when
    ``running`` read it)."""
    annotation = "c7n:cloudtrails"
    schema = {"multi-region": {"type": "boolean"}, "global-events": {"type": "boolean"},
              "current-region": {"type": "boolean"}, "running": {"type": "boolean"},
              "notifies": {"type": "boolean"}, "file-digest": {"type": "boolean"},
              "kms": {"type": "boolean"}, "kms-key": {"type": "string"},
              "include-management-events": {"type": "boolean"},
              "log-metric-filter-pattern": {"oneOf": [{"type": "object"}, {"type": "string"}]}}
    permissions = ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
                   "cloudtrail:GetEventSelectors", "cloudwatch:DescribeAlarmsForMetric",
                   "logs:DescribeMetricFilters", "sns:GetTopicAttributes")

    def pattern_filter(self):
        """``log-metric-filter-pattern`` as a value filter on a metric filter: a string is
        the ``filterPattern`` itself, a mapping a value filter (key default filterPattern)."""
        pattern = self.data.get("log-metric-filter-pattern")
        if pattern is None:
            return None
        data = {"key": "filterPattern", "value": pattern} if isinstance(pattern, str) \
            else {"key": "filterPattern", **pattern}
        return ValueFilter({**data, "type": "value"}, self.manager)

    def validate(self):
        pattern = self.data.get("log-metric-filter-pattern")
        if isinstance(pattern, dict):
            from ...filters.valuecheck import value_problems
            found = value_problems({"key": "filterPattern", **pattern})
            if found:
                return [(("log-metric-filter-pattern",) + tuple(w), m) for w, m in found]
        try:
            self.pattern_filter()
        except PolicyError as e:
            return [(("log-metric-filter-pattern",), e.message)]
        return []

    def fetch(self):
        return self.manager.client("cloudtrail").describe_trails()["trailList"]

    def process(self, resources, event=None):
        if not resources:
            return []
        trails = [dict(t) for t in self.fact()]
        for r in resources:
            r[self.annotation] = trails
        return [] if self.matching(trails) else resources

    def matching(self, trails):
        d = self.data
        region = self.manager.ctx.region
        checks = (("global-events", lambda t: t.get("IncludeGlobalServiceEvents")),
                  ("current-region", lambda t: t.get("HomeRegion") == region
                   or t.get("IsMultiRegionTrail")),
                  ("kms", lambda t: t.get("KmsKeyId")),
                  ("kms-key", lambda t: t.get("KmsKeyId", "") == d["kms-key"]),
                  ("file-digest", lambda t: t.get("LogFileValidationEnabled")),
                  ("multi-region", lambda t: t.get("IsMultiRegionTrail")),
                  ("notifies", lambda t: t.get("SnsTopicARN")))
        for key, keep in checks:
            if d.get(key):
                trails = [t for t in trails if keep(t)]
        if d.get("running", True):
            trails = [t for t in trails if self.running(t)]
        if d.get("include-management-events"):
            trails = [t for t in trails if self.management_events(t)]
        vf = self.pattern_filter()
        if vf is not None:
            trails = [t for t in trails if self.alarmed(t, vf)]
        return trails

    def alarmed(self, trail, vf):
        """The trail's log group has a metric filter matching ``vf`` whose metric has an
        alarm notifying an SNS topic with a confirmed subscription."""
        group = trail.get("CloudWatchLogsLogGroupArn")
        if not group:
            return False
        logs = self.manager.client("logs")
        try:
            found = logs.describe_metric_filters(logGroupName=group.split(":")[6])
        except ClientError as e:
            if error_code(e) != "ResourceNotFoundException":
                raise
            return False
        metric = next((f for f in found.get("metricFilters") or () if vf.match(f)), None)
        if metric is None or not metric.get("metricTransformations"):
            return False
        transform = metric["metricTransformations"][0]
        alarms = self.manager.client("cloudwatch").describe_alarms_for_metric(
            MetricName=transform["metricName"], Namespace=transform["metricNamespace"])
        targets = {a for alarm in alarms.get("MetricAlarms") or ()
                   for a in alarm.get("AlarmActions") or ()}
        sns = self.manager.client("sns")
        for arn in sorted(targets):
            try:
                attributes = sns.get_topic_attributes(TopicArn=arn).get("Attributes") or {}
            except ClientError as e:   # an alarm action that is not a topic (autoscaling, ...)
                if error_code(e) not in ("InvalidParameter", "InvalidParameterValue",
                                         "InvalidParameterException", "NotFound"):
                    raise
                continue
            if attributes.get("SubscriptionsConfirmed", "0") != "0":
                return True
        return False

    def running(self, trail):
        status = self.manager.fact(("trail-status", trail["TrailARN"]), lambda: self.status(trail))
        trail["Status"] = status
        return bool(status.get("IsLogging")) and not status.get("LatestDeliveryError")

    def status(self, trail):
        found = self.manager.client("cloudtrail").get_trail_status(Name=trail["TrailARN"])
        found.pop("ResponseMetadata", None)
        return found

    def management_events(self, trail):
        client = self.manager.client("cloudtrail")
        got = self.manager.fact(("trail-selectors", trail["TrailARN"]),
                                lambda: client.get_event_selectors(TrailName=trail["TrailARN"]))
        if "EventSelectors" in got:
            return any(s.get("IncludeManagementEvents") and s.get("ReadWriteType") == "All"
                       for s in got["EventSelectors"] or ())
        for s in got.get("AdvancedEventSelectors") or ():
            fields = s.get("FieldSelectors") or ()
            management = any(f.get("Field") == "eventCategory" and "Management" in
                             (f.get("Equals") or ()) for f in fields)
            readonly = any(f.get("Field") == "readOnly" for f in fields)
            if management and not readonly:
                return True
        return False


def bucket_policy(current, bucket, account, partition):
    """The bucket's policy with the two statements CloudTrail needs (ACL check, writes under
    AWSLogs/<account>/), each added unless a statement of that Sid is there already."""
    policy = json.loads(current) if current else {"Version": "2012-10-17", "Statement": []}
    policy.setdefault("Statement", [])
    service = {"Service": "cloudtrail.amazonaws.com"}
    wanted = [
        {"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow", "Principal": service,
         "Action": "s3:GetBucketAcl", "Resource": f"arn:{partition}:s3:::{bucket}"},
        {"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow", "Principal": service,
         "Action": "s3:PutObject",
         "Resource": f"arn:{partition}:s3:::{bucket}/AWSLogs/{account}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
    ]
    sids = {s.get("Sid") for s in policy["Statement"]}
    policy["Statement"].extend(s for s in wanted if s["Sid"] not in sids)
    return json.dumps(policy)


@actions.register("enable-cloudtrail", resources=ACCOUNT)
class EnableCloudTrail(Action):
    """Create or enable the trail ``trail`` (default ``default-trail``) logging to ``bucket``
    (created in ``bucket-region``, default us-east-1, if missing; its policy gets the
    statements CloudTrail needs), start its logging, and set it to the policy's
    configuration: ``multi-region`` (default true), ``global-events`` (default true),
    ``notify`` (an SNS topic name; none by default), ``file-digest`` (default false) and
    ``kms-key`` (none by default: an encrypted trail is decrypted, as in Custodian).
    Unlike Custodian, the write statement covers ``AWSLogs/<account>/*`` (CloudTrail refuses
    a policy on the bucket alone), a us-east-1 bucket is created without a location
    constraint (AWS refuses one), and only settings that differ are updated."""
    schema = {"trail": {"type": "string"}, "bucket": {"type": "string"},
              "bucket-region": {"type": "string"}, "multi-region": {"type": "boolean"},
              "global-events": {"type": "boolean"}, "notify": {"type": "string"},
              "file-digest": {"type": "boolean"}, "kms": {"type": "boolean"},
              "kms-key": {"type": "string"}}
    required = ("bucket",)
    permissions = ("cloudtrail:CreateTrail", "cloudtrail:DescribeTrails",
                   "cloudtrail:GetTrailStatus", "cloudtrail:StartLogging",
                   "cloudtrail:UpdateTrail", "s3:CreateBucket", "s3:GetBucketPolicy",
                   "s3:PutBucketPolicy")

    def validate(self):
        kms, key = self.data.get("kms"), self.data.get("kms-key")
        if kms and not key:
            return [(("kms",), "true needs kms-key, the key to encrypt the trail with")]
        if kms is False and key:
            return [(("kms",), "false (no encryption) contradicts kms-key")]
        return []

    def process(self, resources):
        self.each(resources, self.enable)

    def ensure_bucket(self, account):
        bucket = self.data["bucket"]
        region = self.data.get("bucket-region", "us-east-1")
        s3 = self.manager.client("s3", region)
        params = {"Bucket": bucket}
        if region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            s3.create_bucket(**params)
        except ClientError as e:
            if error_code(e) != "BucketAlreadyOwnedByYou":
                raise
        try:
            current = s3.get_bucket_policy(Bucket=bucket)["Policy"]
        except ClientError as e:
            if error_code(e) != "NoSuchBucketPolicy":
                raise
            current = None
        wanted = bucket_policy(current, bucket, account["account_id"],
                               self.manager.ctx.partition)
        if current is None or json.loads(current) != json.loads(wanted):
            s3.put_bucket_policy(Bucket=bucket, Policy=wanted)

    def enable(self, account):
        d = self.data
        name = d.get("trail", "default-trail")
        client = self.manager.client("cloudtrail")
        self.ensure_bucket(account)
        trails = [t for t in client.describe_trails().get("trailList", ())
                  if t.get("Name") == name]
        if not trails:
            trails = [client.create_trail(Name=name, S3BucketName=d["bucket"])]
        for trail in trails:
            arn = trail["TrailARN"]
            if not client.get_trail_status(Name=arn).get("IsLogging"):
                client.start_logging(Name=arn)
            changes = self.changes(trail)
            if changes:
                client.update_trail(Name=name, **changes)

    def changes(self, trail):
        d = self.data
        wanted = {"IsMultiRegionTrail": ("IsMultiRegionTrail", d.get("multi-region", True)),
                  "IncludeGlobalServiceEvents": ("IncludeGlobalServiceEvents",
                                                 d.get("global-events", True)),
                  "EnableLogFileValidation": ("LogFileValidationEnabled",
                                              d.get("file-digest", False)),
                  "SnsTopicName": ("SnsTopicName", d.get("notify", "")),
                  "KmsKeyId": ("KmsKeyId", d.get("kms-key", ""))}
        out = {}
        for param, (key, value) in wanted.items():
            have = trail.get(key)
            if param in ("SnsTopicName", "KmsKeyId"):
                have = have or ""
                if param == "SnsTopicName" and value and value == trail.get("SnsTopicARN"):
                    continue
            elif have is None:
                have = False
            if have != value:
                out[param] = value
        return out
