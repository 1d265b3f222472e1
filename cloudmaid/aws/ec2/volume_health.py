"""``health-event`` on EBS volumes: volumes named by open AWS Health events (the Health API
answers in us-east-1), each event kept under ``c7n:HealthEvent`` with its latest description.

``AWS_EBS_VOLUME_LOST`` names volumes that no longer exist: with that type the volumes are the
events' entities, those not listed any more rebuilt from their last AWS Config item.
"""
import json

from botocore.exceptions import ClientError

from ...filters.core import Filter, filters

EVENT_TYPES = ["AWS_EBS_DEGRADED_EBS_VOLUME_PERFORMANCE", "AWS_EBS_VOLUME_LOST"]
STATUSES = ["open", "upcoming", "closed"]


def chunks(items, size):
    items = list(items)
    return [items[i:i + size] for i in range(0, len(items), size)]


def camel(value):
    """AWS Config's configuration (camelCase keys) in the describe call's CamelCase."""
    if isinstance(value, dict):
        return {(k[:1].upper() + k[1:]): camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


@filters.register("health-event", resources=("ebs",))
class VolumeHealthEvent(Filter):
    """Volumes with AWS Health events of ``types`` (default any) in ``statuses`` (default
    open and upcoming), in this region or global."""
    predicate = False
    service = "EBS"
    config_type = "AWS::EC2::Volume"
    schema = {"types": {"type": "array", "items": {"type": "string", "enum": EVENT_TYPES}},
              "statuses": {"type": "array", "items": {"type": "string", "enum": STATUSES}}}
    permissions = ("health:DescribeEvents", "health:DescribeAffectedEntities",
                   "health:DescribeEventDetails", "config:GetResourceConfigHistory")

    def event_filter(self):
        f = {"services": [self.service], "regions": [self.manager.ctx.region, "global"],
             "eventStatusCodes": self.data.get("statuses", ["open", "upcoming"])}
        if self.data.get("types"):
            f["eventTypeCodes"] = self.data["types"]
        return f

    def events(self, client, f):
        return [e for page in client.get_paginator("describe_events").paginate(filter=f)
                for e in page.get("events") or ()]

    def entities(self, client, events):
        """The events' affected entities; each event gets its latest description."""
        out = []
        for batch in chunks(events, 10):
            by_arn = {e["arn"]: e for e in batch}
            answer = client.describe_event_details(eventArns=list(by_arn))
            for d in answer.get("successfulSet") or ():
                by_arn[d["event"]["arn"]]["Description"] = \
                    d["eventDescription"]["latestDescription"]
            for page in client.get_paginator("describe_affected_entities").paginate(
                    filter={"eventArns": list(by_arn)}):
                out.extend(page.get("entities") or ())
        return out

    def process(self, resources, event=None):
        if not resources:
            return resources
        client = self.manager.client("health", "us-east-1")
        f = self.event_filter()
        by_id = {r["VolumeId"]: r for r in resources}
        lost = "AWS_EBS_VOLUME_LOST" in (self.data.get("types") or ())
        found, seen = {}, set()
        batches = [None] if lost else chunks(sorted(by_id), 99)
        for ids in batches:
            if ids is not None:
                f["entityValues"] = ids
            events = [e for e in self.events(client, f) if e["arn"] not in seen]
            seen |= {e["arn"] for e in events}
            by_arn = {e["arn"]: e for e in events}
            for entity in self.entities(client, events):
                rid = entity.get("entityValue")
                if rid not in by_id and not lost:
                    continue
                if rid not in found:
                    found[rid] = by_id.get(rid) or self.from_config(rid)
                found[rid].setdefault("c7n:HealthEvent", []).append(by_arn[entity["eventArn"]])
        return list(found.values())

    def from_config(self, rid):
        """A lost volume as AWS Config last recorded it (just its id when Config has none)."""
        config = self.manager.client("config")
        try:
            items = config.get_resource_config_history(
                resourceType=self.config_type, resourceId=rid, limit=2)["configurationItems"]
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("ResourceNotDiscoveredException",
                                                   "NoAvailableConfigurationRecorderException"):
                raise
            items = []
        for item in items:
            if item.get("configurationItemStatus") != "ResourceDeleted" and \
                    item.get("configuration"):
                return camel(json.loads(item["configuration"]))
        return {"VolumeId": rid}
