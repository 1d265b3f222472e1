"""Writes that must happen at most once: creates, copies and deliveries.

botocore's retries re-send a request whose answer was lost (connection reset, read timeout,
500/503), and for CreateSnapshot, CopySnapshot, CreateDBSnapshot, SQS SendMessage ... a
request carried out twice makes two snapshots or delivers twice. ``once`` sends such a call
through a client without botocore's retries and decides itself, from what the failure
proves:

- nothing was done (a throttle, a connection never made): send again after a back-off;
- it may have been done (the answer is lost, a 5xx): ``find`` looks for the result first
  (by the marker tag the write carried, or by its unique name), and only when there is none
  is the call sent again; a call with no way to look (a delivery) is not sent again and
  fails as uncertain;
- anything else is AWS's answer: raised as botocore raises it.

Where the API takes an idempotency token (CopyImage and CreateVolume ``ClientToken``, a FIFO
queue's or topic's ``MessageDeduplicationId``) the caller passes ``token(...)``, the same for
every attempt of the run's write on one resource, so that AWS itself drops a repeat and any
retry is safe. The look-up comes after a back-off, as a new snapshot takes a moment to be
listed; a write still in flight when it is looked for can still be repeated (AWS gives
CreateSnapshot no token to prevent that).
"""
import hashlib
import random
import threading
import time
import uuid
import weakref

from botocore.config import Config
from botocore.exceptions import (BotoCoreError, ClientError, ConnectTimeoutError,
                                 EndpointConnectionError, ProxyConnectionError)

#: the tag a created snapshot/copy carries: ``<execution id>:<resource id>``
MARKER = "maid:execution"
ATTEMPTS = 5
#: back-off before attempt n: random() * min(MAX_DELAY, BASE_DELAY * 2**n), botocore's curve
BASE_DELAY = 1.0
MAX_DELAY = 20.0

# answers that prove the request was refused before anything was done
THROTTLED = frozenset((
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
    "RequestThrottled", "SlowDown", "EC2ThrottledException", "BandwidthLimitExceeded",
    "PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException"))
# failures before the request left this machine
NOT_SENT = (EndpointConnectionError, ConnectTimeoutError, ProxyConnectionError)

_clients = weakref.WeakKeyDictionary()
_lock = threading.Lock()


class OutcomeUnknown(ClientError):
    """A write that may or may not have been carried out (or could not be sent at all): a
    ClientError so that an action's per-resource failure handling records it."""

    def __init__(self, operation, message, code="OutcomeUnknown"):
        super().__init__({"Error": {"Code": code, "Message": message}}, operation)


def uncertain(error):
    """Whether ``error`` leaves open that the write was carried out."""
    return isinstance(error, OutcomeUnknown) and error.response["Error"]["Code"] == "OutcomeUnknown"


def client(factory, service, region=None):
    """A client of ``factory``'s session for ``service`` that makes one attempt per call
    (cached per factory; counted in the factory's API call counts)."""
    key = (service, region or factory.region)
    with _lock:
        per_factory = _clients.setdefault(factory, {})
        found = per_factory.get(key)
        if found is None:
            # total_max_attempts counts the first attempt (max_attempts counts retries)
            config = factory.config.merge(Config(retries={"total_max_attempts": 1,
                                                          "mode": "standard"}))
            found = factory.session.client(service, region_name=key[1], config=config)
            found.meta.events.register("before-call", factory.counter)
            per_factory[key] = found
        return found


def execution_id(manager):
    """The run's execution id (Policy.run sets it); one of its own for a manager run outside
    a policy, kept so that every write of that run shares it."""
    execution = getattr(manager, "execution", None)
    if not execution or not execution.get("id"):
        execution = dict(execution or {}, id=str(uuid.uuid4()))
        manager.execution = execution
    return execution["id"]


def marker(manager, resource_id):
    """The marker tag for the write on ``resource_id`` in this run."""
    return {"Key": MARKER, "Value": f"{execution_id(manager)}:{resource_id}"[:256]}


def token(manager, *parts, size=64):
    """A deterministic idempotency token (ASCII, ``size`` characters at most) for this run's
    write on ``parts``."""
    digest = hashlib.sha256("\0".join((execution_id(manager),) + parts).encode()).hexdigest()
    return digest[:size]


def has_marker(item, tag):
    return any(t.get("Key") == tag["Key"] and t.get("Value") == tag["Value"]
               for t in item.get("Tags") or item.get("TagList") or ())


def outcome(error):
    """``'retry'`` (nothing was done), ``'unknown'`` (it may have been done) or ``'final'``
    (AWS's answer)."""
    if isinstance(error, NOT_SENT):
        return "retry"
    if isinstance(error, BotoCoreError):
        return "unknown"       # read timeout, connection closed or reset after sending
    code = error.response.get("Error", {}).get("Code")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    if code in THROTTLED or status == 429:
        return "retry"
    if status >= 500 or code in ("InternalError", "InternalFailure", "ServiceUnavailable",
                                 "Unavailable"):
        return "unknown"
    return "final"


def backoff(attempt):
    return random.random() * min(MAX_DELAY, BASE_DELAY * 2 ** attempt)   # noqa: S311


def _look(find, operation, error):
    try:
        return find()
    except (ClientError, BotoCoreError) as e:   # cannot tell: do not send again
        raise OutcomeUnknown(operation, f"{type(error).__name__}: {error}; looking for its "
                             f"result failed ({type(e).__name__}: {e})") from e


def once(call, operation, params, find=None, exists=(), attempts=ATTEMPTS, idempotent=False):
    """``call(**params)`` (a method of ``client(...)``) carried out at most once.

    ``find()`` returns the result a lost attempt made (shaped like ``call``'s answer), or
    None; it is asked after an attempt that may have been carried out and, with ``exists``
    (error codes of a unique name already taken), when a repeat is refused as a duplicate:
    the result is ours only if ``find`` says so, else that refusal is raised.
    ``idempotent``: ``params`` carry a token that makes AWS drop a repeat, so an attempt
    that may have been carried out is sent again.
    """
    maybe_done = False
    for attempt in range(attempts):
        try:
            return call(**params)
        except (ClientError, BotoCoreError) as e:
            kind = outcome(e)
            code = e.response.get("Error", {}).get("Code") if isinstance(e, ClientError) else None
            if code in exists and find is not None:
                found = _look(find, operation, e)
                if found is not None:
                    return found
                raise
            if kind == "final":
                raise
            last = e
        maybe_done = maybe_done or kind == "unknown"
        if kind == "unknown" and not idempotent:
            if find is None:
                raise OutcomeUnknown(operation, f"{type(last).__name__}: {last}; it may have "
                                     "been carried out, so it is not sent again")
            time.sleep(backoff(attempt))
            found = _look(find, operation, last)
            if found is not None:
                return found
        elif attempt + 1 < attempts:
            time.sleep(backoff(attempt))
    if isinstance(last, ClientError) and not maybe_done:
        raise last
    raise OutcomeUnknown(operation, f"{type(last).__name__}: {last} (after {attempts} attempts)",
                         code="OutcomeUnknown" if maybe_done else "NotSent")


# -- finders shared by actions -----------------------------------------------------------------
def ec2_snapshots(ec2, tag):
    """This account's EBS snapshots carrying the marker ``tag``."""
    pages = ec2.get_paginator("describe_snapshots").paginate(
        OwnerIds=["self"], Filters=[{"Name": f"tag:{tag['Key']}", "Values": [tag["Value"]]}])
    return [s for page in pages for s in page["Snapshots"]]


def tag_specs(params, resource_type, tag):
    """``params`` with ``tag`` added to the TagSpecifications of ``resource_type``."""
    specs = [dict(s) for s in params.get("TagSpecifications") or ()]
    for spec in specs:
        if spec.get("ResourceType") == resource_type:
            spec["Tags"] = list(spec.get("Tags") or ()) + [tag]
            break
    else:
        specs.append({"ResourceType": resource_type, "Tags": [tag]})
    return dict(params, TagSpecifications=specs)


def ec2_snapshot_write(manager, operation, params, resource_id, region=None):
    """CreateSnapshot, CreateSnapshots or CopySnapshot at most once: the snapshots marked
    with the run and ``resource_id`` (TagSpecifications, so the mark comes with the
    snapshot), looked up by that mark when an answer is lost. A snapshot already given
    AWS's 50 tags has no room for the mark: no look-up then, and no blind repeat."""
    tag = marker(manager, resource_id)
    tags = (params.get("TagSpecifications") or [{}])[0].get("Tags") or ()

    def find():
        found = ec2_snapshots(manager.client("ec2", region), tag)
        if not found:
            return None
        return {"Snapshots": found} if operation == "CreateSnapshots" else found[0]
    room = len(tags) < 50
    if room:
        params = tag_specs(params, "snapshot", tag)
    method = getattr(client(manager.ctx.session_factory, "ec2", region),
                     botocore_name(operation))
    return once(method, operation, params, find=find if room else None)


def botocore_name(operation):
    from botocore import xform_name
    return xform_name(operation)


def named_write(manager, service, operation, params, find, exists, region=None):
    """A create/copy whose name is unique (a repeat is refused with one of ``exists``) at
    most once: ``find()`` says whether a thing of that name is this run's."""
    method = getattr(client(manager.ctx.session_factory, service, region),
                     botocore_name(operation))
    return once(method, operation, params, find=find, exists=exists)


def since_start(manager, when, slack=300):
    """Whether ``when`` (a datetime; None: not stamped yet, as while a snapshot is being
    created) is no earlier than this run's start, less ``slack`` seconds for clocks."""
    start = (getattr(manager, "execution", None) or {}).get("start")
    return when is None or start is None or when.timestamp() >= start - slack
