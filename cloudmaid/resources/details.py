"""Per-resource detail calls (a declaration's ``details``): one call per resource and key, in
threads, with Custodian's handling of a missing configuration and of denied access."""
import concurrent.futures

from botocore.exceptions import ClientError

#: Custodian's annotation: the detail methods access was denied to
DENIED = "c7n:DeniedMethods"
WORKERS = 8


def not_found(code):
    # NoSuchBucket, InvalidVolume.NotFound, AWS.SimpleQueueService.NonExistentQueue
    return code.startswith("NoSuch") or "NotFound" in code or "NonExistent" in code


def pmap(fn, items):
    """``fn`` over ``items``, in threads when there are several (per-resource API calls)."""
    items = list(items)
    if len(items) <= 1:
        return [fn(i) for i in items]
    with concurrent.futures.ThreadPoolExecutor(min(WORKERS, len(items))) as pool:
        return list(pool.map(fn, items))


def fetch(client, detail, resource, resource_id):
    """``(True, value)``; the detail's default when the configuration does not exist;
    ``(False, None)`` when access is denied (recorded in ``c7n:DeniedMethods``, as Custodian
    does, the key left out)."""
    try:
        value = getattr(client, detail.op)(**{detail.param: resource_id})
    except ClientError as e:
        code = e.response["Error"]["Code"]
        if not_found(code):
            return True, detail.default
        if code in ("AccessDenied", "AccessDeniedException"):
            resource.setdefault(DENIED, []).append(detail.op)
            return False, None
        raise
    value.pop("ResponseMetadata", None)
    if detail.select and detail.select in value:
        value = value[detail.select]
    if detail.key == "Tags" and isinstance(value, dict):   # {key: value} (SQS, Logs, Backup)
        value = [{"Key": k, "Value": v} for k, v in value.items()]
    return True, value
