"""A policy's ``query`` and ``source``, read as Cloud Custodian reads them.

``source: describe`` (the default) lists with the type's describe call; ``query`` then holds
that call's server-side selection, in the form the type's declaration names (its ``query``
field; the tables are in aws/<service>/types.py), as Custodian's query parsers accept them:

* ec2, ebs, ebs-snapshot: the filter shorthand ``- instance-state-name: running`` (a value or a
  list of values, one filter per item), or items holding one describe parameter each
  (``- Filters: [{Name, Values}]``, ``- InstanceIds: [...]``, ``- MaxResults: 100``); ebs and
  ebs-snapshot also take bare ``- {Name, Values}`` filters. Filter names and their allowed
  values are Custodian's; ``tag:<key>`` is always allowed. Values are strings, as AWS wants.
* ami: DescribeImages parameters, merged (``Owners`` defaults to ``[self]``).
* s3: ``- augment-keys: all | detect | none | [Key, ...]`` limits the per-bucket details read.
* security-group, subnet: Custodian passes no query to their describe: ``query`` is refused.

``source: config`` reads AWS Config's inventory instead (config_source.py); ``query`` then
holds ``- clause: "<Config SQL condition>"`` items (ANDed) or one ``- expr: "<SELECT ...>"``.

Where Custodian accepts a query and silently drops part of it (extra keys in a shorthand
item, all but the last ``Filters`` item or ``clause``), we either honour all of it or refuse
it; every problem is one ``(path, message)``. Nothing here calls AWS.
"""
import functools
import re

from ..errors import PolicyError
from ..suggest import did_you_mean as suggest
from .declaration import AugmentQuery, FilterQuery, ParamsQuery
from .selection import DEFAULT, Query  # noqa: F401 (the parser builds them)

SOURCES = ("describe", "config")

#: parameters a policy may not set: they belong to the paging and the call itself
RESERVED = ("DryRun", "NextToken")
AUGMENT = "augment-keys"




def problem(message, *path):
    return PolicyError(message, ("query",) + path)


def describe_value(value):
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f"'{value}'"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else "null"


# -- parse -------------------------------------------------------------------------------------
def parse(row, query=None, source=None):
    """The ``Query`` of a policy on declaration ``row``, in the form its ``query`` field
    names; raises PolicyError (path under the policy) on the first problem."""
    source = "describe" if source is None else source
    if source not in SOURCES:
        raise PolicyError(f"unknown source '{source}'" + suggest(source, SOURCES)
                          + f" (expected one of: {', '.join(SOURCES)})", ("source",))
    if query is not None and not isinstance(query, list):
        raise problem(f"expected a list, got {describe_value(query)}")
    for i, item in enumerate(query or ()):
        if not isinstance(item, dict):
            raise problem(f"expected a mapping, got {describe_value(item)}", i)
    if source == "config":
        return parse_config(row, query or [])
    if not query:
        return DEFAULT
    form = row.query
    if isinstance(form, FilterQuery):
        return Query(params=parse_filters(form, query), selective=True)
    if isinstance(form, ParamsQuery):
        return Query(params=parse_raw(row, form.operation, query), selective=True)
    if isinstance(form, AugmentQuery):
        return Query(details=parse_augment(query, row.detail_keys, form.always))
    raise problem(f"resource '{row.name}' takes no query with source describe"
                  + (" (with source: config, use '- clause: ...')" if row.config_type else ""))


def parse_filters(grammar, items):
    """Custodian's QueryParser forms -> describe parameters (``Filters`` merged by name)."""
    first = next(iter(items[0]), None)
    if grammar.name_values and "Values" in items[0]:
        form = "name-values"
    elif first not in grammar.params and first != "Filters" and is_filter(grammar, first):
        form = "shorthand"
    else:
        form = "params"
    filters, params = {}, {}
    for i, item in enumerate(items):
        if form == "name-values":
            add_filter(grammar, filters, item, (i,))
            continue
        if set(item) == {"Name", "Values"}:
            raise problem("a {Name, Values} filter goes in a list under 'Filters'", i)
        if len(item) != 1:
            raise problem(f"one {'filter' if form == 'shorthand' else 'parameter'} per item, "
                          f"got {len(item)} keys: {', '.join(map(str, item))}", i)
        [(key, value)] = item.items()
        if form == "shorthand":
            if key in grammar.params or key == "Filters":
                raise problem(f"'{key}' cannot follow the filter shorthand of query[0]; "
                              f"write the filters under 'Filters' instead", i)
            check_name(grammar, key, (i,))
            values = value if isinstance(value, list) else [value]
            merge(filters, key, [filter_value(grammar, key, v, (i, key)) for v in values])
        elif key == "Filters":
            if not isinstance(value, list):
                raise problem(f"expected a list of {{Name, Values}}, got {describe_value(value)}",
                              i, key)
            for j, f in enumerate(value):
                add_filter(grammar, filters, f, (i, key, j))
        elif key in grammar.params:
            add_param(grammar, params, key, value, (i, key))
        elif is_filter(grammar, key):
            raise problem(f"filter '{key}' cannot follow the parameters of query[0]; write it "
                          f"under 'Filters' instead", i)
        else:
            names = [*grammar.params, "Filters", *grammar.filters]
            what = "filter" if str(key)[:1].islower() else "parameter"
            raise problem(f"unknown {what} '{key}'" + suggest(key, names), i)
    if "MaxResults" in params and any(k.endswith("Ids") and k != "OwnerIds" for k in params):
        raise problem("MaxResults cannot be combined with a list of ids (AWS refuses the call)")
    if filters:
        params["Filters"] = [{"Name": n, "Values": v} for n, v in filters.items()]
    return params


def is_filter(grammar, name):
    return isinstance(name, str) and (name in grammar.filters or name.startswith("tag:"))


def check_name(grammar, name, path):
    if not is_filter(grammar, name):
        hint = " (use 'tag:<key>')" if name == "tag" else suggest(name, grammar.filters)
        raise problem(f"unknown filter '{name}'{hint}", *path)


def add_filter(grammar, filters, f, path):
    if not isinstance(f, dict):
        raise problem(f"expected a mapping with Name and Values, got {describe_value(f)}", *path)
    extra = [k for k in f if k not in ("Name", "Values")]
    if extra:
        raise problem(f"unknown key '{extra[0]}' in a filter (expected Name and Values)", *path)
    for key in ("Name", "Values"):
        if key not in f:
            raise problem(f"missing required key '{key}'", *path)
    name, values = f["Name"], f["Values"]
    check_name(grammar, name, path + ("Name",))
    if not isinstance(values, list):
        raise problem(f"expected a list of values, got {describe_value(values)}", *path, "Values")
    merge(filters, name, [filter_value(grammar, name, v, path + ("Values", j))
                          for j, v in enumerate(values)])


def filter_value(grammar, name, value, path):
    """A filter value as the string AWS takes; checked against Custodian's allowed values.
    Numbers are accepted only where the filter is numeric (a bare ``012345678901`` would be
    YAML's octal, not an account id), and there sent as strings (Custodian sends the int and
    botocore refuses it)."""
    vtype = grammar.filters.get(name, str)
    if vtype is int:
        if isinstance(value, int) and not isinstance(value, bool) or \
                isinstance(value, str) and value.isdigit():
            return str(value)
        raise problem(f"expected a whole number, got {describe_value(value)}", *path)
    if not isinstance(value, str):
        raise problem(f"expected a string, got {describe_value(value)} (AWS filter values "
                      f"are strings: quote it)", *path)
    if isinstance(vtype, tuple) and value not in vtype:
        raise problem(f"invalid value '{value}' for filter '{name}'" + (
            suggest(value, vtype) or f" (expected one of: {', '.join(vtype)})"), *path)
    return value


def merge(filters, name, values):
    """Values of one filter name add up (AWS ORs a filter's values), as Custodian merges a
    name repeated within its Filters."""
    out = filters.setdefault(name, [])
    out.extend(v for v in values if v not in out)


def add_param(grammar, params, key, value, path):
    if grammar.params[key] is int:
        if key in params:
            raise problem(f"'{key}' is given twice; give it once", *path)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise problem(f"'{key}' takes a whole number >= 1, got {describe_value(value)}", *path)
        params[key] = value
        return
    values = value if isinstance(value, list) else [value]
    for j, v in enumerate(values):
        if not isinstance(v, str):
            raise problem(f"'{key}' takes strings, got {describe_value(v)}",
                          *(path + ((j,) if isinstance(value, list) else ())))
    out = params.setdefault(key, [])
    out.extend(v for v in values if v not in out)


# -- ami: the operation's own parameters -------------------------------------------------------
def parse_raw(row, operation, items):
    """Items merged into the call's parameters, checked against botocore's model: members,
    value types and Filters names. Lists add up; a scalar given twice is refused (Custodian
    keeps the last one silently)."""
    shape = input_shape(row.service, operation)
    members = {n: s for n, s in shape.members.items() if n not in RESERVED}
    params = {}
    for i, item in enumerate(items):
        for key, value in item.items():
            if key not in members:
                raise problem(f"unknown parameter '{key}' of {operation}"
                              + suggest(key, members), i)
            kind = members[key].type_name
            if key == "Filters":
                grammar = FilterQuery(dict.fromkeys(filter_names(row.service, operation), str), {})
                if not isinstance(value, list):
                    raise problem(f"expected a list of {{Name, Values}}, got "
                                  f"{describe_value(value)}", i, key)
                filters = {f["Name"]: f["Values"] for f in params.get("Filters", ())}
                for j, f in enumerate(value):
                    add_filter(grammar, filters, f, (i, key, j))
                params["Filters"] = [{"Name": n, "Values": v} for n, v in filters.items()]
            elif kind == "list":
                values = value if isinstance(value, list) else None
                if values is None or not all(isinstance(v, str) for v in values):
                    raise problem(f"'{key}' takes a list of strings, got {describe_value(value)}",
                                  i, key)
                out = params.setdefault(key, [])
                out.extend(v for v in values if v not in out)
            else:
                expected = {"boolean": bool, "integer": int, "string": str}.get(kind)
                ok = isinstance(value, expected) and (expected is bool or not isinstance(value, bool))
                if not ok:
                    raise problem(f"'{key}' takes {kind_word(kind)}, got {describe_value(value)}",
                                  i, key)
                if key in params:
                    raise problem(f"'{key}' is given twice; give it once", i, key)
                params[key] = value
    return params


def kind_word(kind):
    return {"boolean": "true or false", "integer": "a whole number"}.get(kind, f"a {kind}")


@functools.lru_cache(maxsize=None)
def input_shape(service, operation):
    import botocore.session
    return botocore.session.get_session().get_service_model(service) \
        .operation_model(operation).input_shape


@functools.lru_cache(maxsize=None)
def filter_names(service, operation):
    """The ``Filters`` names an operation documents (botocore's model lists each one in a
    ``<li><p><code>name</code>`` item); ``tag:<key>`` is matched by prefix instead."""
    doc = input_shape(service, operation).members["Filters"].documentation or ""
    names = re.findall(r"<li>\s*<p>\s*<code>([^<]+)</code>", doc)
    return tuple(n for n in dict.fromkeys(names) if n != "tag" and not n.startswith("tag:"))


# -- s3 ------------------------------------------------------------------------------------------
def parse_augment(items, lazy_keys, always=()):
    """``augment-keys``: which per-resource details may be read (None: any, as needed);
    ``always``: those read whatever it says."""
    found = None
    for i, item in enumerate(items):
        for key, value in item.items():
            if key != AUGMENT:
                raise problem(f"unknown key '{key}' (s3 takes only '{AUGMENT}')", i)
            if found is not None:
                raise problem(f"'{AUGMENT}' is given twice; give it once", i, key)
            found = (i, value)
    i, value = found
    if value in ("all", "detect"):
        return None   # details are read as the filters need them, either way
    if value == "none":
        return frozenset(always)
    if isinstance(value, list):
        for j, k in enumerate(value):
            if k not in lazy_keys:
                raise problem(f"unknown bucket detail '{k}'" + (
                    suggest(k, sorted(lazy_keys))
                    or f" (expected some of: {', '.join(sorted(lazy_keys))})"), i, AUGMENT, j)
        return frozenset(value) | frozenset(always)
    raise problem(f"'{AUGMENT}' takes all, detect, none or a list of detail keys, got "
                  f"{describe_value(value)}", i, AUGMENT)


# -- config ------------------------------------------------------------------------------------
SELECT = "SELECT resourceId, {extra}configuration, supplementaryConfiguration " \
         "WHERE resourceType = '{type}'"


def default_expression(row):
    """Custodian's default select; a global type also reads each resource's region."""
    return SELECT.format(extra="awsRegion, " if row.global_resource else "", type=row.config_type)


def parse_config(row, items):
    if not row.config_type:
        raise PolicyError(f"AWS Config does not record resource '{row.name}': source config "
                          f"is not available for it", ("source",))
    clauses, expr = [], None
    for i, item in enumerate(items):
        if len(item) != 1 or next(iter(item)) not in ("clause", "expr"):
            key = next((k for k in item if k not in ("clause", "expr")), None)
            if key is not None:
                raise problem(f"unknown key '{key}'" + (suggest(key, ["clause", "expr"]) or
                              " (with source config, items are 'clause: <condition>' or "
                              "'expr: <SELECT ...>')"), i)
            raise problem("one of 'clause' or 'expr' per item", i)
        [(key, value)] = item.items()
        if not isinstance(value, str) or not value.strip():
            raise problem(f"'{key}' takes a non-empty string, got {describe_value(value)}", i, key)
        if key == "expr":
            if expr is not None:
                raise problem("'expr' is given twice; give one SELECT", i, key)
            lowered = value.lower()
            if "configuration" not in lowered or row.config_type.lower() not in lowered:
                raise problem(f"expr must select configuration and keep resourceType = "
                              f"'{row.config_type}'", i, key)
            expr = value
        else:
            clauses.append(value)
    if expr is not None and clauses:
        raise problem("'expr' is a whole SELECT: put the conditions of 'clause' in it")
    if expr is None:
        # Custodian keeps only the last clause; all of them are meant
        expr = default_expression(row) + "".join(f" AND ({c})" for c in clauses)
    return Query(source="config", expr=expr, selective=bool(items))


# -- validation (CLI side) ---------------------------------------------------------------------
def problems(data, modes):
    """``[(path, message, line_path)]`` for a policy's ``source`` and ``query``: the form, and
    a ``query`` only where the mode lists resources (pull, scheduled modes)."""
    from . import catalog
    row = catalog.get(data.get("resource"))
    if row is None or ("query" not in data and "source" not in data):
        return []
    try:
        spec = parse(row, data.get("query"), data.get("source"))
    except PolicyError as e:
        return [(e.path, e.message, e.path)]
    mode = data.get("mode") if isinstance(data.get("mode"), dict) else {}
    cls = modes.get(mode.get("type", "pull")) if isinstance(mode.get("type", "pull"), str) else None
    by_ids = cls is not None and cls.event_mode and getattr(cls, "uses_ids", True)
    if spec.selective and by_ids:
        return [(("query",), f"query applies to listings (pull and scheduled modes); mode "
                             f"'{mode['type']}' fetches the resources its events name",
                 ("query",))]
    return []
