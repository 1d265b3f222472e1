"""``source: config``: resources from AWS Config's inventory, in the describe shape.

Listing runs the policy's Config SELECT (``query.parse_config``); when the default select
finds nothing (Config's advanced query does not cover every type) the recorded ids are
listed and read 100 per BatchGetResourceConfig call, as Cloud Custodian falls back. Event
modes read their ids with BatchGetResourceConfig. A configuration item records the describe
output with lowerCamel keys: keys are capitalised, ISO dates under ``*time*``/``*date*`` keys
become datetimes (describe gives datetimes), tags come from the configuration, the item's
``tags`` or its supplementary configuration; some types need a little more (their
service's config.py).
"""
import importlib
import json

from .. import index
from ..filters.valuetypes import parse_date
from .query import default_expression

BATCH = 100      # resource keys per BatchGetResourceConfig call (AWS's limit)


def resources(manager):
    client = manager.client("config")
    expr = manager.query.expr
    found = []
    for page in client.get_paginator("select_resource_config").paginate(Expression=expr):
        for text in page.get("Results") or ():
            found.append(load_resource(manager.rtype, json.loads(text)))
    if not found and expr == default_expression(manager.rtype):
        ids = [r["resourceId"] for page in client.get_paginator("list_discovered_resources")
               .paginate(resourceType=manager.rtype.config_type)
               for r in page.get("resourceIdentifiers") or ()]
        found = get_resources(manager, ids)
    return [r for r in found if r is not None]


def get_resources(manager, ids):
    """The recorded configuration of ``ids``; ids Config does not know are absent."""
    client = manager.client("config")
    kind = manager.rtype.config_type
    out = []
    for start in range(0, len(ids), BATCH):
        keys = [{"resourceType": kind, "resourceId": i} for i in ids[start:start + BATCH]]
        while keys:
            page = client.batch_get_resource_config(resourceKeys=keys)
            out.extend(load_resource(manager.rtype, item)
                       for item in page.get("baseConfigurationItems") or ())
            left = page.get("unprocessedResourceKeys") or []
            # AWS returns the keys it had no time for; ask again while it makes progress
            keys = left if len(left) < len(keys) else []
    return [r for r in out if r is not None]


def load_resource(row, item):
    """One configuration item (select result, batch or history item) -> describe shape; None
    when the item carries no configuration (a deleted resource)."""
    config = item.get("configuration")
    if isinstance(config, str):
        config = json.loads(config)
    if not isinstance(config, dict):
        return None
    resource = capitalise(config)
    supplementary = {k: decode(v) for k, v in (item.get("supplementaryConfiguration") or {}).items()}
    if "Tags" not in resource:
        tags = item.get("tags") or supplementary.get("Tags")
        if isinstance(tags, dict):
            resource["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        elif isinstance(tags, list):
            resource["Tags"] = [{"Key": t.get("key", t.get("tagKey")),
                                 "Value": t.get("value", t.get("tagValue"))} for t in tags]
    convert = converter(row.name)
    if convert:
        convert(resource, item, supplementary)
    return resource


def decode(value):
    """Supplementary values are JSON text, some of it twice over (s3's AccessControlList)."""
    while isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            break
    return value


def capitalise(value, key=""):
    if isinstance(value, dict):
        return {(k[:1].upper() + k[1:] if isinstance(k, str) else k): capitalise(v, str(k))
                for k, v in value.items()}
    if isinstance(value, list):
        return [capitalise(v, key) for v in value]
    if isinstance(value, str) and ("time" in key.lower() or "date" in key.lower()):
        return parse_date(value) or value
    return value


#: resource type -> ``fn(resource, item, supplementary)`` finishing the describe shape; the
#: type's service package registers it (aws/<service>/config.py, recorded in the index)
CONVERTERS = {}


def converter(name):
    """The converter of type ``name``, importing its module (the index says which)."""
    if name not in CONVERTERS:
        module = (index.TYPES.get(name) or {}).get("config")
        if module:
            importlib.import_module(module)
    return CONVERTERS.get(name)
