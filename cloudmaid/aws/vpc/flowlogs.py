"""Flow logs of VPCs, subnets and network interfaces: Cloud Custodian's ``flow-logs`` filter
and ``set-flow-log`` action.

The filter is a ``list-item`` over the resource's flow logs (``attrs``, ``count``,
``count_op``), kept in ``c7n:flow-logs``; the legacy keys (``enabled``, ``status``,
``traffic-type``, ...) are converted to that form as Custodian does. The account's flow logs
are described once per run and region.
"""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...filters.base import Filter, filters, now_of
from ...filters.core import apply
from ...filters.listitem import ListItemFilter
from ...filters.ops import OPERATORS

FLOW_TYPES = ("vpc", "subnet", "eni")
#: the flow log's ResourceType for each of our types
RESOURCE_TYPE = {"vpc": "VPC", "subnet": "Subnet", "eni": "NetworkInterface"}
ANNOTATION = "c7n:flow-logs"
MATCHES = "c7n:ListItemMatches"

#: legacy key -> (flow log key, policy value -> AWS value)
LEGACY = {
    "status": ("FlowLogStatus", {"active": "ACTIVE"}),
    "deliver-status": ("DeliverLogsStatus", {"success": "SUCCESS", "failure": "FAILED"}),
    "destination": ("LogDestination", None),
    "destination-type": ("LogDestinationType", None),
    "traffic-type": ("TrafficType", {"all": "ALL", "reject": "REJECT", "accept": "ACCEPT"}),
    "log-format": ("LogFormat", None),
    "log-group": ("LogGroupName", None),
}
LEGACY_SCHEMA = {
    "enabled": {"type": "boolean"}, "op": {"enum": ["equal", "not-equal"]},
    "set-op": {"enum": ["or", "and"]}, "status": {"enum": ["active"]},
    "deliver-status": {"enum": ["success", "failure"]}, "destination": {"type": "string"},
    "destination-type": {"enum": ["s3", "cloud-watch-logs"]},
    "traffic-type": {"enum": ["accept", "reject", "all"]}, "log-format": {"type": "string"},
    "log-group": {"type": "string"},
}


def flow_logs(manager):
    """resource id -> its flow logs, for the whole account and region (cached for the run)."""
    key = ("flow-logs", manager.ctx.region)
    found = manager.ctx.cache.get(key)
    if found is None:
        found = {}
        client = manager.client("ec2")
        for page in client.get_paginator("describe_flow_logs").paginate():
            for f in page.get("FlowLogs") or ():
                found.setdefault(f.get("ResourceId"), []).append(f)
        manager.ctx.cache[key] = found
    return found


def convert(data):
    """Custodian's conversion of the legacy keys: ``(attrs, count, count_op)``."""
    attrs = []
    for k, (key, values) in LEGACY.items():
        if k not in data:
            continue
        value = values[data[k]] if values else data[k]
        # Custodian writes {key: {value, op}}, a shorthand that compares the key with that
        # mapping (so never matches): the value filter it means
        if data.get("op") == "not-equal":
            attrs.append({"type": "value", "key": key, "value": value, "op": "not-equal"})
        else:
            attrs.append({key: value})
    if data.get("enabled", False):
        return attrs, 1, "gte"
    return attrs, 0, "eq"


@filters.register("flow-logs", resources=FLOW_TYPES)
class FlowLogsFilter(Filter):
    """Resources by their flow logs. Legacy form: ``enabled: false`` (default) matches
    resources with no flow log satisfying the other keys, ``enabled: true`` those with one;
    ``set-op: and`` requires all of the resource's flow logs to satisfy them. With
    ``enabled: true, set-op: and`` a resource without flow logs does not match (Custodian
    matches it)."""
    predicate = False
    schema = dict(ListItemFilter.schema, **LEGACY_SCHEMA)
    schema.pop("key")
    permissions = ("ec2:DescribeFlowLogs",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        d = self.data
        self.legacy = "attrs" not in d
        if self.legacy:
            attrs, count, count_op = convert(d)
        else:
            attrs, count, count_op = d["attrs"], d.get("count"), d.get("count_op") or "eq"
        self.count, self.count_op = count, OPERATORS[count_op]
        self.items = ListItemFilter(
            {"type": "list-item", "key": f'"{ANNOTATION}"', "attrs": attrs}, None, path=())

    def validate(self):
        mixed = sorted(set(LEGACY).intersection(self.data))
        if not self.legacy and mixed:
            return [((mixed[0],), "flow-logs cannot combine the legacy keys "
                                  f"({', '.join(mixed)}) with attrs")]
        return self.items.validate()

    def count_ok(self, n, logs):
        count = self.count
        if self.legacy and self.data.get("set-op", "or") == "and":
            if self.data.get("enabled", False) and not logs:
                return False
            count = len(logs)
        if count is None:
            return None
        try:
            return bool(self.count_op(n, count))
        except TypeError:
            return False

    def process(self, resources, event=None):
        logs_of = flow_logs(self.manager)
        now = now_of(self.manager)
        rid = self.manager.resource_id
        out = []
        for r in resources:
            logs = logs_of.get(rid(r), [])
            r[ANNOTATION] = logs
            matched = apply(self.items.children, list(logs), event, now=now) if logs else []
            counted = self.count_ok(len(matched), logs)
            if counted is None:
                if matched:
                    r.setdefault(MATCHES, []).extend(matched)
                    out.append(r)
            elif counted:
                out.append(r)
        return out


@actions.register("set-flow-log", resources=FLOW_TYPES)
class SetFlowLog(Action):
    """CreateFlowLogs for the resources with ``attrs`` (CreateFlowLogs parameters; the legacy
    top-level keys are merged into them), creating the CloudWatch Logs group first when the
    destination is one; ``state: false`` deletes the resources' flow logs instead."""
    LEGACY = {
        "DeliverLogsPermissionArn": {"type": "string"}, "LogGroupName": {"type": "string"},
        "LogDestination": {"type": "string"}, "LogFormat": {"type": "string"},
        "MaxAggregationInterval": {"type": "integer"},
        "LogDestinationType": {"enum": ["s3", "cloud-watch-logs"]},
        "TrafficType": {"type": "string", "enum": ["ACCEPT", "REJECT", "ALL"]},
    }
    schema = dict(LEGACY, state={"type": "boolean"}, attrs={"type": "object"})
    permissions = ("ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:DescribeFlowLogs",
                   "logs:CreateLogGroup")
    batch_size = 100

    def attrs(self):
        merged = {k: self.data[k] for k in self.LEGACY if k in self.data}
        merged.update(self.data.get("attrs") or {})
        return merged

    def validate(self):
        if set(self.LEGACY).intersection(self.data) and "attrs" in self.data:
            return [(("attrs",), "set-flow-log: legacy top level keys aren't compatible "
                                 "with attrs")]
        return attrs_problems(self.attrs())

    def process(self, resources):
        client = self.manager.client("ec2")
        if not self.data.get("state", True):
            return self.delete(client, resources)
        attrs = self.attrs()
        if attrs.get("LogDestinationType", "cloud-watch-logs") == "cloud-watch-logs" and \
                attrs.get("LogGroupName"):
            logs = self.manager.client("logs")
            try:
                logs.create_log_group(logGroupName=attrs["LogGroupName"])
            except logs.exceptions.ResourceAlreadyExistsException:
                pass
        rtype = RESOURCE_TYPE[self.manager.type]

        def create(batch):
            answer = client.create_flow_logs(ResourceIds=self.resource_ids(batch),
                                             ResourceType=rtype, **attrs)
            self.unsuccessful(batch, answer)
        self.batched(resources, create)
        self.manager.ctx.cache.pop(("flow-logs", self.manager.ctx.region), None)

    def unsuccessful(self, batch, answer):
        """CreateFlowLogs reports per-resource failures in its answer, not as an error."""
        by_id = {self.manager.resource_id(r): r for r in batch}
        for item in answer.get("Unsuccessful") or ():
            r = by_id.get(item.get("ResourceId"))
            if r is not None:
                err = item.get("Error") or {}
                self.result["succeeded"] -= 1
                self.fail(r, f"{err.get('Code')}: {err.get('Message')}")

    def delete(self, client, resources):
        logs_of = flow_logs(self.manager)

        def remove(r):
            ids = [f["FlowLogId"] for f in logs_of.get(self.manager.resource_id(r), ())]
            if not ids:
                return
            try:
                answer = client.delete_flow_logs(FlowLogIds=ids)
            except ClientError as e:
                if e.response["Error"]["Code"] != "InvalidFlowLogId.NotFound":
                    raise
                return
            failed = answer.get("Unsuccessful") or ()
            if failed:
                err = failed[0].get("Error") or {}
                raise ClientError({"Error": err}, "DeleteFlowLogs")
        self.each(resources, remove)
        self.manager.ctx.cache.pop(("flow-logs", self.manager.ctx.region), None)


def attrs_problems(attrs):
    """Custodian validates attrs against CreateFlowLogs' request shape: unknown keys and
    ResourceIds/ResourceType (the action sets those) are refused."""
    import botocore.session   # validation only
    shape = botocore.session.get_session().get_service_model("ec2") \
        .operation_model("CreateFlowLogs").input_shape
    out = []
    for k in sorted(attrs):
        if k in ("ResourceIds", "ResourceType"):
            out.append((("attrs", k), f"set-flow-log sets {k} itself"))
        elif k not in shape.members:
            from ...suggest import did_you_mean
            out.append((("attrs", k), f"unknown CreateFlowLogs parameter '{k}'"
                                      + did_you_mean(k, sorted(shape.members))))
    return out

