"""One line per policy run, for people: what matched and what the actions did (or would do).

``ebs-unencrypted: 4 ebs matched in us-east-1, snapshot: 4 ok``
``ebs-tag: 3 ebs matched in us-east-1, would tag 3 ebs resource(s)``   (--dryrun, --plan)
"""


def actions_text(meta, resource):
    """``, tag: 3 ok 1 failed`` / ``, would tag 3 ebs resource(s)`` / the max-resources stop."""
    text = ""
    for a in meta.get("actions") or ():
        failed = len(a["failed"]) if isinstance(a["failed"], list) else a["failed"]
        text += f", {a['action']}: {a['succeeded']} ok" + (f" {failed} failed" if failed else "")
    for p in meta.get("planned") or ():
        text += f", would {p['action']} {p['resources']} {resource} resource(s)"
    if meta.get("limit"):
        text += f", stopped: {meta['limit']}"
    return text


def poll_line(name, resource, region, meta):
    matched = meta["resources"]["matched"]
    return f"{name}: {matched} {resource} matched in {region}" + actions_text(meta, resource)
