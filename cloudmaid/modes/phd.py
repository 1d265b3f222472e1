"""phd: the policy runs on AWS Health events (the Personal Health Dashboard's) about its
resources: scheduled retirements, degraded hardware, maintenance, ...

``events`` (Health eventTypeCodes), ``categories`` and ``statuses`` narrow the EventBridge rule.
The resources are the event's affected entities. Each one gets the event's ARN under
``c7n:HealthEvent``, as in Cloud Custodian.
"""
import re

from ..errors import EventError
from .core import COMMON_SCHEMA, PatternMode, modes

SOURCE = "aws.health"
CATEGORIES = ("issue", "accountNotification", "scheduledChange")
STATUSES = ("open", "upcoming", "closed")
#: the types whose resources Health events name (Cloud Custodian's health-event resources)
RESOURCES = ("acm-certificate", "app-elb", "cache-cluster", "directconnect", "directory",
             "dms-instance", "dynamodb-table", "ebs", "ec2", "efs", "elb", "emr", "rds",
             "storage-gateway")
EVENT_TYPE_CODE = re.compile(r"^[A-Z0-9_]+$")


@modes.register("phd")
class PHDMode(PatternMode):
    """Runs on AWS Health events (events: eventTypeCodes; categories; statuses) about the
    policy's resources: the event's affected entities, annotated c7n:HealthEvent."""
    schema = {**COMMON_SCHEMA,
              "events": {"type": "array", "items": {"type": "string"}},
              "categories": {"type": "array", "items": {"enum": list(CATEGORIES)}},
              "statuses": {"type": "array", "items": {"enum": list(STATUSES)}}}
    for_resources = RESOURCES

    def base_pattern(self):
        # no detail-type: the rule takes AWS Health Events and AWS Health Abuse Events alike,
        # as Cloud Custodian's does
        detail = {}
        for key, field in (("events", "eventTypeCode"), ("categories", "eventTypeCategory"),
                           ("statuses", "statusCode")):
            if self.data.get(key):
                detail[field] = sorted(set(self.data[key]))
        return {"source": [SOURCE], **({"detail": detail} if detail else {})}

    def member_account(self, event):
        # organizational view: the event comes to the management account about a member's
        return (event.get("detail") or {}).get("affectedAccount") or event.get("account")

    def ids(self, event):
        detail = event.get("detail")
        if not isinstance(detail, dict) or not detail.get("eventArn"):
            raise EventError("not an AWS Health event: no detail.eventArn")
        values = [e.get("entityValue") for e in detail.get("affectedEntities") or () if isinstance(e, dict)]
        values += [r for r in event.get("resources") or () if isinstance(r, str)]
        # entities named by ARN stand for the id at its end
        return [v.rsplit("/", 1)[-1] if v.startswith("arn:") else v for v in values if isinstance(v, str)]

    def resources(self, event=None):
        found = super().resources(event)
        for r in found:
            r.setdefault("c7n:HealthEvent", []).append(event["detail"]["eventArn"])
        return found

    def validate(self):
        out = super().validate()
        events = self.data.get("events")
        if not events:
            out.append((("events",), "phd mode needs events: the AWS Health event type codes "
                                     "(e.g. AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED)"))
        for i, code in enumerate(events or ()):
            if not EVENT_TYPE_CODE.match(code):
                out.append((("events", i), f"'{code}' is not an AWS Health event type code "
                                           f"(e.g. AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED)"))
        return out
