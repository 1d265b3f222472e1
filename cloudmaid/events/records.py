"""CloudTrail records as the EventBridge events they become, and the documents that hold them.

A CloudTrail record (one item of a log file's ``Records``, or LookupEvents' ``CloudTrailEvent``
text) reaches EventBridge as ``{version, id, detail-type, source, account, time, region,
resources: [], detail: <the record>}``: ``detail-type`` and ``source`` are derived from the
record exactly as cloudtrail mode's patterns derive them (events/trail.py), so what a replay
delivers and what a deployed rule receives cannot disagree.

Pure functions over parsed JSON; reading files and calling LookupEvents is replay's job.
"""
import json

from . import trail

#: detail-type by CloudTrail eventType, where it is not the eventSource's (trail.detail_type)
EVENT_TYPES = {"AwsServiceEvent": "AWS Service Event via CloudTrail",
               "AwsConsoleSignIn": "AWS Console Sign In via CloudTrail"}


class RecordError(ValueError):
    pass


def is_record(value):
    """A CloudTrail record: it names its eventSource and eventName."""
    return isinstance(value, dict) and isinstance(value.get("eventSource"), str) \
        and isinstance(value.get("eventName"), str)


def is_event(value):
    """An EventBridge event: it has a source and a detail-type."""
    return isinstance(value, dict) and "detail-type" in value and "source" in value


def detail_type(record):
    return EVENT_TYPES.get(record.get("eventType")) or trail.detail_type(record["eventSource"])


def source(record):
    """The event's ``source``: ``aws.<service>``. For services whose EventBridge source is not
    known to follow that rule (events/trail.py), cloudtrail-mode patterns do not name
    ``source`` at all, so this best guess decides nothing."""
    event_source = record["eventSource"]
    return trail.eventbridge_source(event_source) or "aws." + event_source.split(".", 1)[0]


def to_event(record):
    """The EventBridge event carrying one CloudTrail record."""
    if not is_record(record):
        raise RecordError("not a CloudTrail record: no eventSource/eventName")
    identity = record.get("userIdentity") if isinstance(record.get("userIdentity"), dict) else {}
    return {"version": "0",
            "id": record.get("eventID") or "",
            "detail-type": detail_type(record),
            "source": source(record),
            "account": record.get("recipientAccountId") or identity.get("accountId") or "",
            "time": record.get("eventTime") or "",
            "region": record.get("awsRegion") or "",
            "resources": [],
            "detail": record}


def not_on_the_bus(event):
    """Why EventBridge would not put this CloudTrail event on the bus for a rule in state
    ENABLED (the state rules are deployed in), or None. Such rules do not receive read-only
    management events (Describe*, Get*, List*, ...); those need
    ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS."""
    detail = event.get("detail") if isinstance(event, dict) else None
    if not isinstance(detail, dict) or "eventSource" not in detail:
        return None
    if detail.get("readOnly") is True and detail.get("managementEvent", True) is not False:
        return "a read-only management event (rules in state ENABLED do not receive those)"
    if detail.get("eventCategory") == "Insight":
        return "a CloudTrail Insights event"
    return None


def from_lookup(item):
    """The EventBridge event of one LookupEvents ``Events`` item (its ``CloudTrailEvent`` is
    the record as JSON text)."""
    text = item.get("CloudTrailEvent") if isinstance(item, dict) else None
    if not isinstance(text, str):
        raise RecordError("a LookupEvents item without CloudTrailEvent")
    try:
        record = json.loads(text)
    except ValueError as e:
        raise RecordError(f"CloudTrailEvent is not JSON: {e}") from None
    return to_event(record)


def from_document(doc):
    """The EventBridge events a parsed JSON document holds: a CloudTrail log file
    (``{"Records": [...]}``), a LookupEvents answer (``{"Events": [...]}``, as ``aws
    cloudtrail lookup-events`` prints it), one EventBridge event or CloudTrail record, or a
    list of those; a CloudTrail digest file holds none. Raises RecordError for anything else."""
    if isinstance(doc, list):
        return [e for item in doc for e in from_document(item)]
    if not isinstance(doc, dict):
        raise RecordError(f"expected a JSON object or list, got {type(doc).__name__}")
    if isinstance(doc.get("Records"), list):
        return [to_event(r) for r in doc["Records"] if is_record(r)]
    if isinstance(doc.get("Events"), list):
        return [from_lookup(item) for item in doc["Events"]]
    if is_event(doc):
        return [doc]
    if is_record(doc):
        return [to_event(doc)]
    if "digestStartTime" in doc and "logFiles" in doc:
        return []
    raise RecordError("neither CloudTrail records ({\"Records\": [...]}), a LookupEvents answer "
                      "({\"Events\": [...]}) nor EventBridge events")


def label(event):
    """A short name for an event: the API call's name, else its detail-type."""
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
    name = detail.get("eventName")
    if isinstance(name, str):
        return name
    state = detail.get("state")
    kind = str(event.get("detail-type") or "?")
    return f"{kind} ({state})" if isinstance(state, str) else kind
