"""Where a type's tags come from, and the one reading of a tag list.

Every resource exposes Custodian's ``Tags``: a list of ``{Key, Value}``. A declaration names
the inline key holding them (``Tags``, ``TagList``: renamed to ``Tags`` on listing), or the
Resource Groups Tagging API (one paginated GetResources per region and ARN type, matched by
ARN), or a per-resource detail call.
"""
from botocore.exceptions import ClientError

from .declaration import DETAIL, TAGGING_API  # noqa: F401 -- the tag source names

DENIED_CODES = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")


def normalise(row, items):
    """Inline tags under another key (``TagList``) -> ``Tags``."""
    key = row.tags
    if not key or key in ("Tags", TAGGING_API, DETAIL):
        return items
    for r in items:
        if key in r:
            r["Tags"] = r.pop(key) or []
    return items


def tag_map(resource):
    """A resource's tags as a dict (Tags is a list of Key/Value pairs, or already a dict)."""
    tags = resource.get("Tags") or ()
    if isinstance(tags, dict):
        return dict(tags)
    return {t["Key"]: t.get("Value") for t in tags if isinstance(t, dict) and "Key" in t}


def tag_value(resource, key):
    """The value of tag ``key``, None when absent."""
    for tag in resource.get("Tags") or ():
        if isinstance(tag, dict) and tag.get("Key") == key:
            return tag.get("Value")
    return None


def resource_type_filter(row):
    """GetResources' ``ResourceTypeFilters`` item: ``service`` or ``service:type``."""
    return row.arn_service + (f":{row.arn_type}" if row.arn_type else "")


def tagging_api(manager, resources, regions=None):
    """``{arn: [tags]}`` of the type's tagged resources in ``regions`` (default: the
    context's), or None when access is denied. Untagged resources are absent."""
    row = manager.rtype
    found = {}
    try:
        for region in sorted(regions or {manager.ctx.region}):
            client = manager.client("resourcegroupstaggingapi", region)
            for page in client.get_paginator("get_resources").paginate(
                    ResourceTypeFilters=[resource_type_filter(row)]):
                for m in page.get("ResourceTagMappingList") or ():
                    found[m.get("ResourceARN")] = m.get("Tags") or []
    except ClientError as e:
        if e.response["Error"]["Code"] not in DENIED_CODES:
            raise
        return None
    return found
