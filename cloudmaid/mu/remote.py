"""Read what AWS has for the models we want (read-only).

Each model reads itself back (``model.observe``, see models.py) into the same frozen model
type, so the planner compares like with like (absent optional settings read back as their
empty defaults). gc's listings of what carries our tag are here (functions) and on the
trigger model kinds (``ours()``).

A deploy of many policies reads through one ``View`` per region: what AWS can list in bulk
(functions, rules, the tags of everything we tagged) is listed once, on first need, and shared
by every policy's models; per policy only what has no bulk form is read (a rule's targets, a
function's resource policy).
"""
import threading

from botocore.exceptions import ClientError

from .models import TAG_POLICY
from .planner import key


class View:
    """One region's deployed state as the models of a deploy read it. Thread-safe: policies
    are observed in parallel. Listings are taken once; a model's own writes later in the
    deploy do not update them (each policy's models are its own)."""

    def __init__(self, session_factory):
        self.session_factory = session_factory
        self._lock = threading.Lock()
        self._lists = {}

    def client(self, service):
        return self.session_factory.client(service)

    def _listed(self, name, read):
        with self._lock:
            if name not in self._lists:
                self._lists[name] = read()
            return self._lists[name]

    def function(self, name):
        """Lambda's configuration of function ``name`` (ListFunctions' shape), or None."""
        return self._listed("functions", self._list_functions).get(name)

    def _list_functions(self):
        lam = self.client("lambda")
        return {c["FunctionName"]: c for page in lam.get_paginator("list_functions").paginate()
                for c in page.get("Functions") or ()}

    def buses(self):
        """The region's event bus names (ListEventBuses), the default first."""
        from .eventbridge import list_buses
        return self._listed("buses", lambda: list_buses(self.client("events")))

    def rule(self, name, bus="default"):
        """EventBridge's description of rule ``name`` on ``bus`` (ListRules' shape), or None."""
        return self._listed(("rules", bus), lambda: self._list_rules(bus)).get(name)

    def rule_names(self, bus="default"):
        return sorted(self._listed(("rules", bus), lambda: self._list_rules(bus)))

    def rule_count(self, bus="default"):
        return len(self._listed(("rules", bus), lambda: self._list_rules(bus)))

    def _list_rules(self, bus):
        events = self.client("events")
        params = {"EventBusName": bus} if bus != "default" else {}
        return {r["Name"]: r for page in events.get_paginator("list_rules").paginate(**params)
                for r in page.get("Rules") or ()}

    def tags(self, arn, read_one):
        """``{key: value}`` of the resource ``arn``: from one tagging-API listing of
        everything carrying TAG_POLICY, else ``read_one()`` (a resource not tagged by us, or a
        service the tagging API does not list)."""
        found = self._listed("tags", self._list_tags).get(arn)
        return found if found is not None else read_one()

    def _list_tags(self):
        tagging = self.client("resourcegroupstaggingapi")
        out = {}
        try:
            for page in tagging.get_paginator("get_resources").paginate(
                    ResourceTypeFilters=["lambda:function", "events:rule"],
                    TagFilters=[{"Key": TAG_POLICY}]):
                for item in page.get("ResourceTagMappingList") or ():
                    out[item["ResourceARN"]] = {t["Key"]: t["Value"] for t in item.get("Tags") or ()}
        except ClientError:
            return {}   # not allowed to list: each resource's tags are read on their own
        return out


def view_of(session_factory):
    return session_factory if isinstance(session_factory, View) else View(session_factory)


def observe(session_factory, desired):
    """``{key(model): observed model}`` for each desired model that exists in AWS.
    ``session_factory`` may be a View shared by the policies of one deploy."""
    view = view_of(session_factory)
    found = {}
    for model in desired:
        reader = getattr(model, "observe", None)
        if not callable(reader):
            raise TypeError(f"cannot observe model type {type(model).__name__}")
        got = reader(view, found)
        if got is not None:
            found[key(model)] = got
    return found


def our_functions(session_factory):
    """Lambda functions tagged with TAG_POLICY (one tagging-API listing, not a call per
    function): ``[(name, arn, tags)]`` sorted."""
    tagging = session_factory.client("resourcegroupstaggingapi")
    out = []
    for page in tagging.get_paginator("get_resources").paginate(
            ResourceTypeFilters=["lambda:function"], TagFilters=[{"Key": TAG_POLICY}]):
        for item in page.get("ResourceTagMappingList") or ():
            arn = item["ResourceARN"]
            tags = {t["Key"]: t["Value"] for t in item.get("Tags") or ()}
            out.append((arn.split(":function:", 1)[-1].split(":", 1)[0], arn, tags))
    return sorted(out)
