"""Read what AWS has for the models we want (read-only).

Each model reads itself back (``model.observe``, see models.py) into the same frozen model
type, so the planner compares like with like (absent optional settings read back as their
empty defaults). gc's listings of what carries our tag are here (functions) and on the
trigger model kinds (``ours()``).
"""
from .models import TAG_POLICY
from .planner import key


def observe(session_factory, desired):
    """``{key(model): observed model}`` for each desired model that exists in AWS."""
    found = {}
    for model in desired:
        reader = getattr(model, "observe", None)
        if not callable(reader):
            raise TypeError(f"cannot observe model type {type(model).__name__}")
        got = reader(session_factory, found)
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
