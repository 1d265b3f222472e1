"""``metrics``: CloudWatch statistics of each resource compared with a value, Cloud Custodian's
keys and semantics, read with GetMetricData in batches of 500 queries (Custodian makes one
GetMetricStatistics call per resource).

``name`` (required), ``namespace`` (default: the type's), ``dimensions`` (added to the
resource's own), ``statistics`` (Average; Sum, Maximum, Minimum, SampleCount, pNN.N),
``days`` (14, at most 455), ``period`` (default the whole window), ``period-start`` (auto |
start-of-day), ``op`` (less-than) and ``value`` (required): a resource matches when every
datapoint satisfies ``op value``; with ``percent-attr`` the datapoint is first taken as a
percentage of that resource attribute (times ``attr-multiplier``). A resource without data
does not match unless ``missing-value`` stands in for it. Datapoints are kept under
``c7n.metrics``, keyed ``namespace.name.statistics.days``.
"""
import datetime
import re

from .base import Filter, filters, now_of
from .ops import OPERATORS

STANDARD = ("Average", "Sum", "Maximum", "Minimum", "SampleCount")
EXTENDED = re.compile(r"^p\d{1,3}\.{0,1}\d{0,1}$")
#: Custodian's default namespace per boto3 service
NAMESPACES = {
    "apigateway": "AWS/ApiGateway", "cloudfront": "AWS/CloudFront",
    "cloudsearch": "AWS/CloudSearch", "dynamodb": "AWS/DynamoDB", "ecs": "AWS/ECS",
    "ecr": "AWS/ECR", "efs": "AWS/EFS", "elasticache": "AWS/ElastiCache", "ec2": "AWS/EC2",
    "elb": "AWS/ELB", "elbv2": "AWS/ApplicationELB", "emr": "AWS/ElasticMapReduce",
    "es": "AWS/ES", "events": "AWS/Events", "firehose": "AWS/Firehose", "fsx": "AWS/FSx",
    "kinesis": "AWS/Kinesis", "lambda": "AWS/Lambda", "logs": "AWS/Logs",
    "redshift": "AWS/Redshift", "rds": "AWS/RDS", "route53": "AWS/Route53", "s3": "AWS/S3",
    "sns": "AWS/SNS", "sqs": "AWS/SQS", "workspaces": "AWS/WorkSpaces",
}
BATCH = 500   # GetMetricData queries per call


def window(now, days, period_start="auto"):
    """``(start, end)`` aligned as CloudWatch keeps data (Custodian's rule)."""
    now = now.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    duration = datetime.timedelta(days)
    if duration <= datetime.timedelta(days=1 / 8.0):
        end = now.replace(microsecond=0) + datetime.timedelta(seconds=1)
    elif duration <= datetime.timedelta(days=15):
        end = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    elif duration <= datetime.timedelta(days=63):
        end = now.replace(minute=now.minute // 5 * 5, second=0, microsecond=0) + \
            datetime.timedelta(minutes=5)
    else:
        end = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    start = end - duration
    if period_start == "start-of-day":
        start = start.replace(hour=0, minute=0, second=0, microsecond=0)
        end = end.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, end


@filters.register("metrics")
class MetricsFilter(Filter):
    """CloudWatch statistics of the resource against ``op value`` (see the module doc)."""
    predicate = False
    schema = {"namespace": {"type": "string"}, "name": {"type": "string"},
              "dimensions": {"type": "object", "additionalProperties": {"type": "string"}},
              "statistics": {"type": "string"}, "days": {"type": "number"},
              "period-start": {"enum": ["auto", "start-of-day"]},
              "op": {"enum": sorted(OPERATORS)}, "value": {"type": "number"},
              "period": {"type": "number"}, "attr-multiplier": {"type": "number"},
              "percent-attr": {"type": "string"}, "missing-value": {"type": "number"}}
    required = ("name", "value")
    permissions = ("cloudwatch:GetMetricData",)

    def validate(self):
        out = []
        stats = self.data.get("statistics", "Average")
        if stats not in STANDARD and not EXTENDED.match(stats):
            out.append((("statistics",), f"statistic '{stats}' is not supported: use one of "
                        f"{', '.join(STANDARD)} or a percentile such as p99"))
        if self.data.get("days", 14) > 455:
            out.append((("days",), "CloudWatch keeps at most 455 days"))
        rtype = getattr(self.manager, "rtype", None)
        if rtype is not None and not rtype.dimension and "dimensions" not in self.data:
            out.append(((), f"metrics needs the CloudWatch dimension of {rtype.name}: give "
                             f"'dimensions'"))
        if rtype is not None and not self.namespace() and "namespace" not in self.data:
            out.append(((), f"no default CloudWatch namespace for {rtype.name}: give "
                             f"'namespace'"))
        return out

    def namespace(self):
        rtype = self.manager.rtype
        return self.data.get("namespace") or rtype.metrics_namespace or \
            NAMESPACES.get(rtype.service)

    def dimensions(self, resource):
        rtype = self.manager.rtype
        key = rtype.dimension_key or rtype.dimension
        own = [{"Name": rtype.dimension, "Value": str(resource.get(key))}] \
            if rtype.dimension else []
        return own + [{"Name": k, "Value": v} for k, v in (self.data.get("dimensions") or {}).items()]

    def process(self, resources, event=None):
        d = self.data
        days = d.get("days", 14)
        start, end = window(now_of(self.manager), days, d.get("period-start", "auto"))
        period = int(d.get("period", (end - start).total_seconds()))
        stat = d.get("statistics", "Average")
        namespace = self.namespace()
        key = f"{namespace}.{d['name']}.{stat}.{days}"
        todo = [r for r in resources if key not in r.get("c7n.metrics", {})]
        client = self.manager.client("cloudwatch")
        for first in range(0, len(todo), BATCH):
            batch = todo[first:first + BATCH]
            queries = [{"Id": f"m{n}", "ReturnData": True, "MetricStat": {
                "Metric": {"Namespace": namespace, "MetricName": d["name"],
                           "Dimensions": self.dimensions(r)},
                "Period": period, "Stat": stat}} for n, r in enumerate(batch)]
            values = {}
            for page in client.get_paginator("get_metric_data").paginate(
                    MetricDataQueries=queries, StartTime=start, EndTime=end):
                for result in page.get("MetricDataResults", ()):
                    points = values.setdefault(result["Id"], [])
                    points.extend({"Timestamp": t, stat: v} for t, v in
                                  zip(result.get("Timestamps", ()), result.get("Values", ())))
            for n, r in enumerate(batch):
                r.setdefault("c7n.metrics", {})[key] = values.get(f"m{n}", [])
        op, value = OPERATORS[d.get("op", "less-than")], d["value"]
        matched = []
        for r in resources:
            points = r["c7n.metrics"][key]
            if not points:
                if "missing-value" not in d:
                    continue
                points.append({"Timestamp": start, stat: d["missing-value"],
                               "c7n:detail": "Fill value for missing data"})
            if d.get("percent-attr"):
                base = r.get(d["percent-attr"])
                if isinstance(base, (int, float)) and d.get("attr-multiplier"):
                    base = base * d["attr-multiplier"]
                # no (numeric, non-zero) attribute: no percentage, no match
                ok = isinstance(base, (int, float)) and bool(base) and \
                    all(op(p[stat] / base * 100, value) for p in points)
            else:
                ok = all(op(p[stat], value) for p in points)
            if ok:
                matched.append(r)
        return matched

    def keys(self):
        rtype = getattr(self.manager, "rtype", None)
        keys = {rtype.dimension_key or rtype.dimension} if rtype else set()
        if self.data.get("percent-attr"):
            keys.add(self.data["percent-attr"])
        return keys - {None}
