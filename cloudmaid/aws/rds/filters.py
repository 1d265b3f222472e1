"""RDS filters with Cloud Custodian's names, keys and semantics: ``default-vpc``,
``upgrade-available``, ``db-parameter``, ``engine`` (rds); ``age``, ``latest``, ``instance``
(rds-snapshot); ``unused`` (rds-subnet-group); the network and key filters from the rows'
``related``."""
import itertools
import re

from ...filters.core import Filter, filters
from ...resources.related import (
    AgeFilter, RelatedFilter, RelatedValueFilter, register_related, value_filter)
from ..elb.network import DefaultVpcFilter, default_vpc
from .types import TYPES

register_related(TYPES, __name__)
RDS = ("rds",)
_VALUE = {k: v for k, v in RelatedFilter.schema.items() if k not in ("match-resource", "operator")}
#: the annotation upgrade-available leaves and the upgrade action reads
UPGRADE = "c7n-rds-engine-upgrade"


@filters.register("default-vpc", resources=RDS)
class DefaultVpc(DefaultVpcFilter):
    """The instance's subnet group is in the region's default VPC."""

    def process(self, resources, event=None):
        vpc = default_vpc(self.manager) if resources else None
        return [r for r in resources
                if vpc and (r.get("DBSubnetGroup") or {}).get("VpcId") == vpc]

    def keys(self):
        return {"DBSubnetGroup"}


def version_key(version):
    """Order engine versions as Custodian's LooseVersion does: numbers numerically."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p)
            for p in re.findall(r"\d+|[a-zA-Z]+", version or "")]


def engine_upgrades(manager, major=False):
    """``{engine: {version: newest upgrade target}}`` (minor targets only unless ``major``);
    one DescribeDBEngineVersions listing per run."""
    key = ("rds-engine-upgrades", manager.ctx.region, bool(major))
    if key in manager.ctx.cache:
        return manager.ctx.cache[key]
    found = {}
    client = manager.client()
    for page in client.get_paginator("describe_db_engine_versions").paginate():
        for v in page.get("DBEngineVersions") or ():
            targets = found.setdefault(v["Engine"], {})
            for t in v.get("ValidUpgradeTarget") or ():
                if t.get("IsMajorVersionUpgrade") and not major:
                    continue
                best = targets.get(v["EngineVersion"])
                if best is None or version_key(t["EngineVersion"]) > version_key(best):
                    targets[v["EngineVersion"]] = t["EngineVersion"]
    manager.ctx.cache[key] = found
    return found


@filters.register("upgrade-available", resources=RDS)
class UpgradeAvailable(Filter):
    """Instances whose engine version has an upgrade (``major`` targets too when true;
    ``value: false`` matches those without one). The newest target is kept in
    ``c7n-rds-engine-upgrade``."""
    predicate = False
    schema = {"major": {"type": "boolean"}, "value": {"type": "boolean"}}
    permissions = ("rds:DescribeDBEngineVersions",)

    def process(self, resources, event=None):
        upgrades = engine_upgrades(self.manager, self.data.get("major", False))
        want = self.data.get("value", True)
        out = []
        for r in resources:
            target = upgrades.get(r.get("Engine"), {}).get(r.get("EngineVersion"))
            if target is None:
                if want is False:
                    out.append(r)
                continue
            r[UPGRADE] = target
            out.append(r)
        return out

    def keys(self):
        return {"Engine", "EngineVersion"}


def recast(value, datatype):
    """A parameter's string value as its declared type (Custodian's recast)."""
    if datatype == "boolean":
        if value.isdigit():
            return bool(int(value))
        return {"TRUE": True, "FALSE": False}.get(value, value)
    if datatype == "integer":
        return int(value) if value.isdigit() else value
    if datatype == "float":
        return float(value) if value else 0.0
    return str(value) if datatype == "string" else value


@filters.register("db-parameter", resources=RDS)
class DbParameter(RelatedValueFilter):
    """A value filter over the instance's parameter groups' values (``key``: a parameter
    name); the matched keys are listed in ``c7n:MatchedDBParameter``. Each group is read once
    per run."""
    predicate = False
    schema = _VALUE
    permissions = ("rds:DescribeDBInstances", "rds:DescribeDBParameters")
    annotation = "c7n:MatchedDBParameter"

    def group_values(self, name):
        cache = self.manager.ctx.cache.setdefault(("rds-pg", self.manager.ctx.region), {})
        if name not in cache:
            pages = self.manager.client().get_paginator("describe_db_parameters").paginate(
                DBParameterGroupName=name)
            cache[name] = {p["ParameterName"]: recast(p["ParameterValue"], p.get("DataType"))
                           for p in itertools.chain.from_iterable(
                               page.get("Parameters") or () for page in pages)
                           if "ParameterValue" in p}
        return cache[name]

    def process(self, resources, event=None):
        match = value_filter(self.data, self.manager).match
        out = []
        for r in resources:
            for group in r.get("DBParameterGroups") or ():
                if match(self.group_values(group["DBParameterGroupName"])):
                    r.setdefault(self.annotation, []).append(self.data.get("key"))
                    out.append(r)
                    break
        return out

    def keys(self):
        return {"DBParameterGroups"}


@filters.register("engine", resources=RDS)
class Engine(RelatedValueFilter):
    """A value filter over the instance's engine version as DescribeDBEngineVersions describes
    it (``Status``, ``SupportedFeatureNames``, ...), kept in ``c7n:Engine``."""
    predicate = False
    schema = _VALUE
    permissions = ("rds:DescribeDBEngineVersions",)

    def process(self, resources, event=None):
        match = value_filter(self.data, self.manager).match
        if not resources:
            return []
        engines = sorted({r["Engine"] for r in resources})
        versions = sorted({r["EngineVersion"] for r in resources})
        known = {}
        pages = self.manager.client().get_paginator("describe_db_engine_versions").paginate(
            Filters=[{"Name": "engine", "Values": engines},
                     {"Name": "engine-version", "Values": versions}], IncludeAll=True)
        for page in pages:
            for e in page.get("DBEngineVersions") or ():
                known[(e["Engine"], e["EngineVersion"])] = e
        out = []
        for r in resources:
            v = known.get((r["Engine"], r["EngineVersion"]))
            if v is not None and match(v):
                r["c7n:Engine"] = v
                out.append(r)
        return out

    def keys(self):
        return {"Engine", "EngineVersion"}


# -- rds-snapshot -----------------------------------------------------------------------------
@filters.register("age", resources=("rds-snapshot", "rds-cluster-snapshot"))
class SnapshotAge(AgeFilter):
    date_key = "SnapshotCreateTime"
    schema = {"days": {"type": "number"}, "op": AgeFilter.schema["op"]}


@filters.register("latest", resources=("rds-snapshot",))
class Latest(Filter):
    """The newest snapshot of each instance (manual ones only with ``automatic: false``)."""
    predicate = False
    schema = {"automatic": {"type": "boolean"}}
    permissions = ("rds:DescribeDBSnapshots",)

    def process(self, resources, event=None):
        if not self.data.get("automatic", True):
            resources = [r for r in resources if r.get("SnapshotType") == "manual"]
        newest = {}
        for r in resources:
            db = r.get("DBInstanceIdentifier")
            if db not in newest or r["SnapshotCreateTime"] > newest[db]["SnapshotCreateTime"]:
                newest[db] = r
        return [r for r in resources if newest.get(r.get("DBInstanceIdentifier")) is r]

    def keys(self):
        return {"SnapshotType", "DBInstanceIdentifier", "SnapshotCreateTime"}


@filters.register("instance", resources=("rds-snapshot",))
class SnapshotInstance(RelatedFilter):
    """A value filter on the snapshot's database instance (``value_type: resource_count``,
    ``value: 0`` finds snapshots whose instance is gone)."""
    related_type = "rds"
    ids_expression = "DBInstanceIdentifier"
    annotation = None
    permissions = ("rds:DescribeDBInstances",)

    def process(self, resources, event=None):
        if self.data.get("value_type") != "resource_count":
            return super().process(resources, event)
        from ...filters.ops import OPERATORS
        related = self.related(resources)
        op = OPERATORS[self.data.get("op", "eq")]
        return [r for r in resources
                if op(len([i for i in self.related_ids(r) if i in related]),
                      self.data.get("value"))]


# -- rds-subnet-group -------------------------------------------------------------------------
@filters.register("unused", resources=("rds-subnet-group",))
class UnusedSubnetGroup(Filter):
    """Subnet groups no instance or cluster uses."""
    predicate = False
    permissions = ("rds:DescribeDBInstances", "rds:DescribeDBClusters")

    def process(self, resources, event=None):
        from ...resources.manager import ResourceManager
        ctx = self.manager.ctx
        used = {(d.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")
                for d in ResourceManager.for_type(ctx, "rds").resources()}
        used |= {c.get("DBSubnetGroup") for c in
                 ResourceManager.for_type(ctx, "rds-cluster").resources()}
        return [r for r in resources if r["DBSubnetGroupName"] not in used]
