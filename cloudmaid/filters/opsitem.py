"""``ops-item``: resources named by Systems Manager OpsCenter items, Cloud Custodian's keys and
semantics, for every type.

Items are read with DescribeOpsItems, ten resources per query (their ids, ``ResourceId``
contains), further narrowed by ``status`` (default ``[Open]``; ``In progress``, ``Resolved``),
``priority`` (a list of 1-5), ``title`` (contained in the title) and ``source`` (equal). A
resource matches when an item lists its ARN in its ``/aws/resources`` operational data, and
keeps the ids of those items under ``c7n:opsitems``. Every page of items is read (Custodian
reads only the first).
"""
import json

from .base import Filter, filters

ANNOTATION = "c7n:opsitems"
STATUSES = ("Open", "In progress", "Resolved")
PER_QUERY = 10   # resources per DescribeOpsItems query (Custodian's chunk)


def item_arns(item):
    """The ARNs an OpsItem summary lists in ``/aws/resources``."""
    value = ((item.get("OperationalData") or {}).get("/aws/resources") or {}).get("Value")
    try:
        listed = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [a["arn"] for a in listed if isinstance(a, dict) and isinstance(a.get("arn"), str)]


@filters.register("ops-item")
class OpsItemFilter(Filter):
    """Resources with OpsCenter items (see the module doc)."""
    predicate = False
    schema = {"status": {"type": "array", "items": {"enum": list(STATUSES)}},
              "priority": {"type": "array", "items": {"enum": [1, 2, 3, 4, 5]}},
              "title": {"type": "string"}, "source": {"type": "string"}}
    permissions = ("ssm:DescribeOpsItems",)

    def validate(self):
        rtype = getattr(self.manager, "rtype", None)
        if rtype is not None and not (rtype.arn or rtype.arn_key):
            return [((), f"ops-item is not available for {rtype.name}: its resources have no "
                          f"ARN for an OpsItem to name")]
        return []

    def query(self, ids):
        """DescribeOpsItems' OpsItemFilters for the resources ``ids``."""
        d = self.data
        q = [{"Key": "Status", "Operator": "Equal", "Values": list(d.get("status") or ["Open"])}]
        if d.get("priority"):
            q.append({"Key": "Priority", "Operator": "Equal",
                      "Values": [str(p) for p in d["priority"]]})
        if d.get("title"):
            q.append({"Key": "Title", "Operator": "Contains", "Values": [d["title"]]})
        if d.get("source"):
            q.append({"Key": "Source", "Operator": "Equal", "Values": [d["source"]]})
        q.append({"Key": "ResourceId", "Operator": "Contains", "Values": list(ids)})
        return q

    def process(self, resources, event=None):
        client = self.manager.client("ssm")
        matched = []
        for start in range(0, len(resources), PER_QUERY):
            batch = resources[start:start + PER_QUERY]
            query = self.query([self.manager.resource_id(r) for r in batch])
            by_arn = {}
            for page in client.get_paginator("describe_ops_items").paginate(OpsItemFilters=query):
                for item in page.get("OpsItemSummaries") or ():
                    for arn in item_arns(item):
                        by_arn.setdefault(arn, []).append(item["OpsItemId"])
            for r in batch:
                items = by_arn.get(self.manager.arn(r))
                if items:
                    r[ANNOTATION] = list(dict.fromkeys(items))
                    matched.append(r)
        return matched
