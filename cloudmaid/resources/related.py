"""Related-resource lookups and the filters built on them (ec2 -> security groups, subnets,
volumes, images; ebs -> instances), plus the age filter base.

Lookups are batched and cached in ``ctx.cache`` for the run: a few ids are fetched by id with
a describe ``Filters`` clause (an unknown id does not fail the call, unlike ``VolumeIds``), many
ids read the type's full listing, which later policies on that type then share.
"""
import datetime

import jmespath

from ..errors import PolicyError
from ..filters.core import Filter, now_of
from ..filters.ops import OPERATORS
from ..filters.value import VALUE_SCHEMA, ValueFilter
from .manager import ResourceManager

#: below this many ids, fetch by id; at or above it, list the whole type (Custodian uses 10)
FETCH_THRESHOLD = 10
#: values per describe filter (AWS allows 200)
FILTER_BATCH = 200


def related_key(type_name, region):
    return ("related", type_name, region)


def lookup(ctx, type_name, ids, list_all=None):
    """``{id: resource}`` for ``ids`` of ``type_name`` (unknown ids are absent).

    ``list_all`` forces (True) or forbids (False) the full listing; by default it is used when
    already cached or when there are at least FETCH_THRESHOLD ids.
    """
    ids = [i for i in dict.fromkeys(ids) if i]
    if not ids:
        return {}
    manager = ResourceManager.for_type(ctx, type_name)
    known = ctx.cache.setdefault(related_key(type_name, ctx.region), {})
    missing = [i for i in ids if i not in known]
    listing = ctx.cache.get((type_name, ctx.region))
    many = len(missing) >= FETCH_THRESHOLD
    if missing and listing is None and (list_all or (list_all is None and many)):
        listing = manager.resources()
    if missing and listing is not None:
        for r in listing:
            known.setdefault(manager.resource_id(r), r)
        missing = [i for i in ids if i not in known]
    if missing:
        # not in the listing (e.g. a public AMI is not one of "own images"): fetch by id
        for r in fetch_by_ids(manager, missing):
            known[manager.resource_id(r)] = r
        for i in missing:
            known.setdefault(i, None)   # remember that it is gone: no second call this run
    return {i: known[i] for i in ids if known.get(i) is not None}


def fetch_by_ids(manager, ids):
    row = manager.rtype
    out = []
    for start in range(0, len(ids), FILTER_BATCH):
        batch = ids[start:start + FILTER_BATCH]
        if row.id_filter:
            params = {"Filters": [{"Name": row.id_filter, "Values": batch}]}
            out.extend(manager.describe(params))
        else:
            out.extend(manager.get_resources(batch))
    return out


def value_data(data):
    """The value filter on the related resource: the related filter's own keys."""
    vf = {k: v for k, v in data.items()
          if k not in ("type", "operator", "match-resource", "skip-devices")}
    vf["type"] = "value"
    return vf


def value_filter(data, manager):
    return ValueFilter(value_data(data), manager)


class ValueOverFilter(Filter):
    """A value filter over something the filter reads (a detail, a related listing), as
    Custodian's ValueFilter subclasses: the filter's own keys are the value filter's."""
    schema = VALUE_SCHEMA

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._vf = value_filter(self.data, manager)

    def validate(self):
        return self._vf.validate()


def value_filter_problems(data, manager):
    """What building the related filter's value filter at run time would reject, as
    ``[(path, message)]`` (paths are the related filter's own keys)."""
    from ..filters.valuecheck import value_problems   # validation only
    vf = value_data(data)
    problems = list(value_problems(vf))
    if problems:
        return problems
    try:
        ValueFilter(vf, manager)
    except PolicyError as e:
        return [(tuple(e.path or ()), e.message)]
    return []


class RelatedValueFilter(Filter):
    """A filter holding a value filter over other resources: validation builds it."""

    def validate(self):
        return value_filter_problems(self.data, self.manager)


class RelatedFilter(RelatedValueFilter):
    """A value filter applied to the resources a resource refers to (Custodian's
    RelatedResourceFilter): ``operator: or`` (default) matches when one related resource
    matches, ``and`` when all do; ``match-resource: true`` takes the value from the resource's
    own ``key``; ``value_type: resource_count`` compares the number of related ids."""
    predicate = False
    related_type = None          # catalog name of the related type
    ids_expression = None        # JMESPath of the related ids in a resource
    annotation = None            # c7n:<annotation> lists the related ids that matched
    schema = dict(ValueFilter.schema, **{"match-resource": {"type": "boolean"},
                                         "operator": {"enum": ["and", "or"]}})
    permissions = ("ec2:DescribeInstances",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self._ids = jmespath.compile(self.ids_expression)
        self._vf = None
        self._per_value = {}

    def related_ids(self, resource):
        found = self._ids.search(resource)
        if isinstance(found, str):
            return [found]
        return list(dict.fromkeys(i for i in found or () if i))

    def related(self, resources):
        ids = [i for r in resources for i in self.related_ids(r)]
        return lookup(self.manager.ctx, self.related_type, ids)

    def matcher(self, resource):
        if self.data.get("match-resource"):
            from ..filters.value import getter  # noqa: PLC0415
            value = getter(self.data["key"])(resource)
            key = repr(value)
            if key not in self._per_value:
                self._per_value[key] = value_filter(dict(self.data, value=value), self.manager)
            return self._per_value[key].match
        if self._vf is None:
            self._vf = value_filter(self.data, self.manager)
        return self._vf.match

    def process(self, resources, event=None):
        if self.data.get("value_type") == "resource_count":
            op = OPERATORS[self.data.get("op", "eq")]
            return [r for r in resources
                    if op(len(self.related_ids(r)), self.data.get("value"))]
        related = self.related(resources)
        return [r for r in resources if self.match_related(r, related)]

    def match_related(self, resource, related):
        ids = self.related_ids(resource)
        match = self.matcher(resource)
        found = []
        for rid in ids:
            robj = related.get(rid)
            if robj is None:
                # a related resource that is gone has every key absent
                if self.data.get("value") == "absent":
                    found.append(rid)
                continue
            if match(robj):
                found.append(rid)
        if found and self.annotation:
            key = f"c7n:{self.annotation}"
            resource[key] = sorted(set(found).union(resource.get(key, ())))
        if self.data.get("operator", "or") == "and":
            return bool(ids) and len(found) == len(ids)
        return bool(found)

    def keys(self):
        return {self.ids_expression.split(".")[0].split("[")[0]}


#: Custodian's related filters a declaration may name: related type, annotation, permission
RELATED = {
    "security-group": ("security-group", "matched-security-groups", "ec2:DescribeSecurityGroups"),
    "subnet": ("subnet", "matched-subnets", "ec2:DescribeSubnets"),
    "vpc": ("vpc", "matched-vpcs", "ec2:DescribeVpcs"),
    "kms-key": ("kms-key", "matched-kms-key", "kms:DescribeKey"),
}
#: related filters whose ids need the related service's reading (a KMS key is named by id,
#: ARN, alias name or alias ARN): the module holding their base class (``RelatedBase``)
RELATED_BASES = {"kms-key": "cloudmaid.aws.kms.related"}


def register_related(rows, module):
    """Register the related filters (``RELATED``) the rows declare in their ``related`` field,
    one class per filter name and ids expression. A service package calls it from the module
    holding its filters (``register_related(TYPES, __name__)``), so the index records that
    module for them."""
    from ..filters.core import filters
    made = {}
    for row in rows:
        for name, expr in row.related.items():
            related_type, annotation, permission = RELATED[name]
            key = (name, expr)
            if key not in made:
                base = RelatedFilter
                if name in RELATED_BASES:
                    import importlib
                    base = importlib.import_module(RELATED_BASES[name]).RelatedBase
                made[key] = (type(f"Related_{name}_{len(made)}".replace("-", "_"),
                                  (base,),
                                  {"related_type": related_type, "ids_expression": expr,
                                   "annotation": annotation, "permissions": (permission,),
                                   "__module__": module,
                                   "__doc__": f"Custodian's {name} filter: a value filter "
                                              f"on the {related_type}s named by {expr}."}),
                             [])
            made[key][1].append(row.name)
    for (name, _), (cls, types) in made.items():
        filters.register(name, resources=types)(cls)
    return [cls for cls, _ in made.values()]


class AgeFilter(Filter):
    """Custodian's AgeFilter: with ``op`` (default greater-than) applied as
    ``op(now - days/hours/minutes, resource date)``, so ``gt`` reads "older than"; ``now`` is
    the run's clock (a warm Lambda container runs again later)."""
    date_key = None
    schema = {"days": {"type": "number"}, "hours": {"type": "number"},
              "minutes": {"type": "number"}, "op": {"enum": sorted(OPERATORS)}}

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        d = self.data
        self._op = OPERATORS.get(d.get("op", "greater-than"), OPERATORS["greater-than"])
        self._age = datetime.timedelta(days=d.get("days", 0) or 0, hours=d.get("hours", 0) or 0,
                                       minutes=d.get("minutes", 0) or 0)

    def validate(self):
        op = self.data.get("op")
        if op is not None and op not in OPERATORS:
            return [(("op",), f"unknown op '{op}'")]
        return []

    def resource_date(self, resource):
        from ..filters.valuetypes import parse_date
        return parse_date(resource.get(self.date_key))

    def matcher(self, now, event=None):
        threshold = now - self._age
        op, date = self._op, self.resource_date

        def match(resource):
            when = date(resource)
            if when is None:
                return False
            try:
                return bool(op(threshold, when))
            except TypeError:
                return False
        return match

    def match(self, resource, event=None):
        return self.matcher(now_of(self.manager), event)(resource)

    def keys(self):
        return {self.date_key} if self.date_key else None
