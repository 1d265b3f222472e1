"""EC2 instance filters on what Systems Manager knows of the instance, Cloud Custodian's names,
keys and semantics: ``ssm`` (its managed-instance information), ``ssm-inventory`` (its
software inventory) and ``ssm-compliance`` (its compliance summaries)."""
from ...filters.core import Filter, filters
from ...filters.value import VALUE_SCHEMA, ValueFilter, shorthand
from ...resources import details

EC2 = ("ec2",)
#: instance ids per DescribeInstanceInformation filter (as Custodian sends them)
INFO_BATCH = 50


def value_filter(item, manager):
    """A value filter from its dict or ``{key: value}`` shorthand."""
    if isinstance(item, dict) and "type" not in item and len(item) == 1:
        item = shorthand(item)
    return ValueFilter(dict(item, type="value"), manager)


def value_problems(items, where):
    from ...filters.valuecheck import value_problems as problems   # validation only
    out = []
    for i, item in enumerate(items or ()):
        if not isinstance(item, dict):
            out.append(((where, i), "must be a value filter (a mapping)"))
            continue
        data = shorthand(item) if "type" not in item and len(item) == 1 else dict(item)
        out.extend(((where, i) + tuple(w), m) for w, m in problems(dict(data, type="value")))
    return out


@filters.register("ssm", resources=EC2)
class SsmStatus(Filter):
    """A value filter on the instance's Systems Manager information (DescribeInstanceInformation:
    ``PingStatus``, ``PlatformName``, ``AgentVersion`` ...), kept in ``c7n:SsmState``; an
    instance SSM does not manage has an empty one."""
    predicate = False
    schema = VALUE_SCHEMA
    annotation = "c7n:SsmState"
    permissions = ("ssm:DescribeInstanceInformation",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._vf = value_filter({k: v for k, v in self.data.items() if k != "type"}, manager)

    def validate(self):
        return self._vf.validate()

    def fetch(self, instances):
        client = self.manager.client("ssm")
        pages = client.get_paginator("describe_instance_information")
        for start in range(0, len(instances), INFO_BATCH):
            batch = instances[start:start + INFO_BATCH]
            found = {}
            for page in pages.paginate(Filters=[{"Key": "InstanceIds", "Values": [
                    i["InstanceId"] for i in batch]}]):
                for info in page.get("InstanceInformationList") or ():
                    found[info.get("InstanceId")] = info
            for i in batch:
                i[self.annotation] = found.get(i["InstanceId"], {})

    def process(self, resources, event=None):
        done = self.manager.run_cache()
        todo = []
        for r in resources:
            known = done.get(r["InstanceId"], {})
            if self.annotation in known:
                r[self.annotation] = known[self.annotation]
            elif self.annotation not in r:
                todo.append(r)
        self.fetch(todo)
        for r in todo:
            done.setdefault(r["InstanceId"], {})[self.annotation] = r[self.annotation]
        match = self._vf.match
        return [r for r in resources if match(r[self.annotation])]

    def keys(self):
        return {"InstanceId"}


INVENTORY_QUERY = {"type": "array", "items": {
    "type": "object", "additionalProperties": False, "required": ["Key", "Values"],
    "properties": {"Key": {"type": "string"},
                   "Values": {"type": "array", "items": {"type": "string"}},
                   "Type": {"enum": ["Equal", "NotEqual", "BeginWith", "LessThan",
                                     "GreaterThan", "Exists"]}}}}


@filters.register("ssm-inventory", resources=EC2)
class SsmInventory(Filter):
    """Instances with application inventory entries (ListInventoryEntries, type
    ``AWS:Application``) that match ``query`` (its Filters; none: any entry), kept in
    ``c7n:SSM-Inventory``."""
    predicate = False
    schema = {"query": INVENTORY_QUERY}
    annotation = "c7n:SSM-Inventory"
    permissions = ("ssm:ListInventoryEntries",)

    def entries(self, client, instance):
        params = {"InstanceId": instance["InstanceId"], "TypeName": "AWS:Application"}
        if self.data.get("query"):
            params["Filters"] = self.data["query"]
        out = []
        while True:
            page = client.list_inventory_entries(**params)
            out.extend(page.get("Entries") or ())
            if not page.get("NextToken"):
                return out
            params["NextToken"] = page["NextToken"]

    def process(self, resources, event=None):
        client = self.manager.client("ssm")
        found = details.pmap(lambda r: self.entries(client, r), resources)
        out = []
        for r, entries in zip(resources, found):
            if entries:
                r[self.annotation] = entries
                out.append(r)
        return out

    def keys(self):
        return {"InstanceId"}


@filters.register("ssm-compliance", resources=EC2)
class SsmCompliance(Filter):
    """Instances with compliance summaries (ListResourceComplianceSummaries) of
    ``compliance_types`` in ``states`` (default NON_COMPLIANT) and, when given, of
    ``severity``; ``eval_filters`` (value filters) must also match each summary, all of them
    or (``op: or``, the default) one. The summaries are kept in ``c7n:ssm-compliance``."""
    predicate = False
    schema = {"compliance_types": {"type": "array", "items": {"type": "string"}},
              "severity": {"type": "array", "items": {"type": "string"}},
              "op": {"enum": ["or", "and"]},
              "eval_filters": {"type": "array", "items": {"type": "object"}},
              "states": {"type": "array",
                         "items": {"enum": ["COMPLIANT", "NON_COMPLIANT"]}}}
    required = ("compliance_types",)
    annotation = "c7n:ssm-compliance"
    permissions = ("ssm:ListResourceComplianceSummaries",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._evals = [value_filter(f, manager) for f in self.data.get("eval_filters") or ()
                       if isinstance(f, dict)]

    def validate(self):
        return value_problems(self.data.get("eval_filters"), "eval_filters")

    def query(self):
        out = [{"Key": "Status", "Values": self.data.get("states") or ["NON_COMPLIANT"],
                "Type": "EQUAL"},
               {"Key": "ComplianceType", "Values": self.data["compliance_types"],
                "Type": "EQUAL"}]
        if self.data.get("severity"):
            out.append({"Key": "OverallSeverity", "Values": self.data["severity"],
                        "Type": "EQUAL"})
        return out

    def process(self, resources, event=None):
        combine = all if self.data.get("op", "or") == "and" else any
        pages = self.manager.client("ssm").get_paginator("list_resource_compliance_summaries")
        by_id = {}
        for page in pages.paginate(Filters=self.query()):
            for item in page.get("ResourceComplianceSummaryItems") or ():
                if not self._evals or combine(f.match(item) for f in self._evals):
                    by_id.setdefault(item.get("ResourceId"), []).append(item)
        out = []
        for r in resources:
            if by_id.get(r["InstanceId"]):
                r[self.annotation] = by_id[r["InstanceId"]]
                out.append(r)
        return out

    def keys(self):
        return {"InstanceId"}
