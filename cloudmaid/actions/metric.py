"""``put-metric``: publish one CloudWatch datapoint computed over the matched resources,
Cloud Custodian's keys: ``key`` (JMESPath applied to each resource, results flattened),
``namespace``, ``metric_name``, ``op`` (count | distinct_count | sum | average; count by
default), ``units`` (Count by default), ``dimensions`` (a list of ``{name: value}``)."""
import datetime

from ..filters.keys import compile_path
from .core import AWS_ERRORS, Action, actions

OPS = {"count": lambda v: float(len(v)), "distinct_count": lambda v: float(len(set(v))),
       "sum": lambda v: float(sum(v)), "average": lambda v: float(sum(v)) / max(len(v), 1)}
UNITS = ["Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
         "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
         "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
         "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
         "Gigabits/Second", "Terabits/Second", "Count/Second", "Percent", "Count", "None"]


@actions.register("put-metric")
class PutMetric(Action):
    """One datapoint: ``op`` over ``key`` of every resource."""
    writes = False
    schema = {"key": {"type": "string"}, "namespace": {"type": "string"},
              "metric_name": {"type": "string"},
              "dimensions": {"type": "array", "items": {"type": "object"}},
              "op": {"enum": sorted(OPS)}, "units": {"enum": UNITS}}
    required = ("key", "namespace", "metric_name")
    permissions = ("cloudwatch:PutMetricData",)

    def validate(self):
        from ..errors import jmespath_problem
        problem = jmespath_problem("Resources[]." + self.data.get("key", ""))
        return [(("key",), problem)] if problem else []

    def value(self, resources):
        found = compile_path("Resources[]." + self.data["key"])({"Resources": resources}) or []
        values = found if isinstance(found, list) else [found]
        return OPS[self.data.get("op", "count")](values)

    def process(self, resources):
        datum = {"MetricName": self.data["metric_name"], "Value": self.value(resources),
                 "Unit": self.data.get("units", "Count"),
                 "Timestamp": datetime.datetime.now(datetime.timezone.utc),
                 "Dimensions": [{"Name": k, "Value": str(v)}
                                for d in self.data.get("dimensions") or () for k, v in d.items()]}
        try:
            self.manager.client("cloudwatch").put_metric_data(
                Namespace=self.data["namespace"], MetricData=[datum])
            self.result["succeeded"] = len(resources)
        except AWS_ERRORS as e:
            for r in resources:
                self.fail(r, e)
