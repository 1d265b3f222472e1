"""``consecutive-aws-backups``: resources with an AWS Backup recovery point in each of the last
``count`` periods, Cloud Custodian's keys and semantics, on the types Custodian offers it for.

``count`` (required, a whole number >= 1), ``period`` (required: ``hours``, ``days`` or
``weeks``) and ``status`` (required: COMPLETED, PARTIAL, DELETING, EXPIRED). The periods are
1..count periods before the run's clock, each the UTC date (or date and hour, for hours) it
falls on; a resource matches when a recovery point in ``status`` was created on every one of
them (for weeks: on the same weekday 1..count weeks ago, as in Custodian). Recovery points
come from ListRecoveryPointsByResource, read once per resource per run and kept under
``c7n:AwsBackups``. Creation dates are taken in UTC (Custodian reads them in the machine's
time zone against UTC's clock).
"""
import datetime

from botocore.exceptions import ClientError

from .base import Filter, filters, now_of

ANNOTATION = "c7n:AwsBackups"
#: Custodian's types for this filter that are declared here
TYPES = ("rds", "rds-cluster", "efs", "redshift", "dynamodb-table")
PERIODS = {"hours": ("hours", "%Y-%m-%d-%H"), "days": ("days", "%Y-%m-%d"),
           "weeks": ("weeks", "%Y-%m-%d")}


def expected_periods(now, count, period):
    """The periods (formatted) 1..count periods before ``now``."""
    unit, fmt = PERIODS[period]
    now = now.astimezone(datetime.timezone.utc)
    return {(now - datetime.timedelta(**{unit: n})).strftime(fmt) for n in range(1, count + 1)}


def period_of(created, period):
    if created.tzinfo is not None:
        created = created.astimezone(datetime.timezone.utc)
    return created.strftime(PERIODS[period][1])


@filters.register("consecutive-aws-backups", resources=TYPES)
class ConsecutiveAwsBackups(Filter):
    """A recovery point in each of the last ``count`` periods (see the module doc)."""
    predicate = False
    schema = {"count": {"type": "number", "minimum": 1},
              "period": {"enum": list(PERIODS)},
              "status": {"enum": ["COMPLETED", "PARTIAL", "DELETING", "EXPIRED"]}}
    required = ("count", "period", "status")
    permissions = ("backup:ListRecoveryPointsByResource",)

    def validate(self):
        count = self.data.get("count")
        if isinstance(count, float) and not count.is_integer():
            return [(("count",), f"count is a number of periods: a whole number, not {count}")]
        return []

    def process(self, resources, event=None):
        count, period, status = int(self.data["count"]), self.data["period"], self.data["status"]
        expected = expected_periods(now_of(self.manager), count, period)
        client = self.manager.client("backup")

        def fetch(r):
            points = []
            try:
                for page in client.get_paginator("list_recovery_points_by_resource").paginate(
                        ResourceArn=self.manager.arn(r)):
                    points.extend(page.get("RecoveryPoints") or ())
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
            r[ANNOTATION] = points
        self.manager.cached(resources, ANNOTATION, fetch)
        out = []
        for r in resources:
            seen = {period_of(p["CreationDate"], period) for p in r.get(ANNOTATION) or ()
                    if p.get("Status") == status and p.get("CreationDate")}
            if expected <= seen:
                out.append(r)
        return out
