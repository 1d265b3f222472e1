"""Per-resource detail calls (a declaration's ``details``): one call per resource and key, in
threads, with Custodian's handling of a missing configuration and of denied access."""
import concurrent.futures

from botocore.exceptions import ClientError
from botocore.retries import standard

#: Custodian's annotation: the detail methods access was denied to
DENIED = "c7n:DeniedMethods"
WORKERS = 8
#: the error codes botocore's standard retry mode retries (throttles, timeouts)
_RETRIED_CODES = frozenset(
    [*getattr(standard.ThrottledRetryableChecker, "_THROTTLED_ERROR_CODES", ()),
     *getattr(standard.TransientRetryableChecker, "_TRANSIENT_ERROR_CODES", ())])


def transient(error):
    """Did the read fail for want of an answer (throttled, a 5xx: what botocore retries, so
    it got here only once the retries ran out) rather than for what the resource is? Those
    must fail the policy: a filter that swallows a ClientError re-raises them."""
    meta = error.response.get("ResponseMetadata") or {}
    return (meta.get("HTTPStatusCode") or 0) >= 500 or meta.get("RetryQuotaReached") is True \
        or error.response.get("Error", {}).get("Code") in _RETRIED_CODES


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
