"""CloudTrail's event history for the sandbox: the recorded calls, served as LookupEvents.

moto's CloudTrail keeps trails but no events; the lab keeps every record it wrote and answers
``LookupEvents`` from them with CloudTrail's shapes (newest first, one lookup attribute,
StartTime/EndTime, MaxResults up to 50, NextToken), so tools that read CloudTrail history
(``maid replay``, the AWS CLI's ``aws cloudtrail lookup-events``) work against the sandbox.
"""
import datetime
import functools
import json
import threading

import jmespath

from .recorder import json_error, json_response

ATTRIBUTES = ("EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName",
              "EventSource", "AccessKeyId")
MAX_RESULTS = 50


def _kind(decl):
    return decl.config_type     # CloudTrail's resource type names are Config's


@functools.lru_cache(maxsize=None)
def _shortcuts():
    """(eventSource, eventName) -> [(AWS resource type, ids JMESPath)] from the declarations'
    CloudTrail shortcuts."""
    from .. import index
    from ..resources import catalog
    out = {}
    for name, rtype in index.SHORTCUTS.items():
        decl = catalog.get(rtype)
        row = decl.shortcut(name)
        if _kind(decl):
                out.setdefault((row["source"], row["event"]), []).append(
                (_kind(decl), jmespath.compile(row["ids"])))
    return out


@functools.lru_cache(maxsize=None)
def _id_keys():
    """(eventSource, CloudTrail key) -> [(AWS resource type, id prefix)]: the keys a record
    names a resource by (``instanceId``, ``volumeId``; S3's ``bucketName``), from each
    declaration's id field."""
    from .. import index
    from ..resources import catalog
    out = {}
    for rtype in sorted(index.TYPES):
        decl = catalog.get(rtype)
        if not decl.event_source or not decl.id or not _kind(decl):
            continue
        if decl.id_prefix:   # EC2's tagging calls name any resource as resourceId
            out.setdefault((decl.event_source, "resourceId"), []).append((_kind(decl), decl.id_prefix))
        key = "bucketName" if decl.event_source == "s3.amazonaws.com" else decl.id[:1].lower() + decl.id[1:]
        if key in ("name", "id", "arn"):
            continue                        # too generic to say which resource it is
        out.setdefault((decl.event_source, key), []).append((_kind(decl), decl.id_prefix))
    return out


def _walk(value, source, found):
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str):
                found += [(kind, v) for kind, prefix in _id_keys().get((source, k), ())
                          if not prefix or v.startswith(prefix)][:1]
            else:
                _walk(v, source, found)
    elif isinstance(value, list):
        for v in value:
            _walk(v, source, found)


def resources(detail):
    """The ``Resources`` LookupEvents lists for a record: [{ResourceType, ResourceName}]."""
    pairs = []
    for kind, path in _shortcuts().get((detail.get("eventSource"), detail.get("eventName")), ()):
        ids = path.search(detail)
        pairs += [(kind, rid) for rid in (ids if isinstance(ids, list) else [ids])]
    for part in ("requestParameters", "responseElements"):
        _walk(detail.get(part), detail.get("eventSource"), pairs)
    found = []
    for kind, rid in pairs:
        if isinstance(rid, str) and rid and {"ResourceType": kind, "ResourceName": rid} not in found:
            found.append({"ResourceType": kind, "ResourceName": rid})
    return found


def _time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def _as_time(value):
    """A LookupEvents StartTime/EndTime: epoch seconds (json protocol) or ISO text."""
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    try:
        return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


class History:
    def __init__(self):
        self._events = []     # LookupEvents entries, oldest first
        self._lock = threading.Lock()

    def add(self, detail, username):
        entry = {"EventId": detail["eventID"], "EventName": detail["eventName"],
                 "ReadOnly": "true" if detail.get("readOnly") else "false",
                 "AccessKeyId": (detail.get("userIdentity") or {}).get("accessKeyId"),
                 "EventTime": _time(detail["eventTime"]), "EventSource": detail["eventSource"],
                 "Username": username, "Resources": resources(detail),
                 "CloudTrailEvent": json.dumps(detail)}
        with self._lock:
            self._events.append({k: v for k, v in entry.items() if v is not None})

    def records(self):
        """The recorded CloudTrail records, oldest first."""
        with self._lock:
            return [json.loads(e["CloudTrailEvent"]) for e in self._events]

    def lookup(self, params):
        """LookupEvents: (status line, headers, body)."""
        attrs = params.get("LookupAttributes") or []
        if len(attrs) > 1:
            return json_error("InvalidLookupAttributesException",
                              "You cannot specify more than one lookup attribute.")
        if attrs and attrs[0].get("AttributeKey") not in ATTRIBUTES:
            return json_error("InvalidLookupAttributesException",
                              f"Invalid attribute key: {attrs[0].get('AttributeKey')}; "
                              f"valid keys: {', '.join(ATTRIBUTES)}")
        if params.get("EventCategory") not in (None, "insight"):
            return json_error("InvalidEventCategoryException", "EventCategory must be insight.")
        if params.get("EventCategory") == "insight":
            return json_response({"Events": []})
        start, end = (_as_time(params[k]) if params.get(k) is not None else None
                      for k in ("StartTime", "EndTime"))
        if (params.get("StartTime") is not None and start is None) or (
                params.get("EndTime") is not None and end is None):
            return json_error("InvalidTimeRangeException", "StartTime and EndTime must be dates.")
        if start and end and start > end:
            return json_error("InvalidTimeRangeException", "StartTime is after EndTime.")
        limit = params.get("MaxResults") or MAX_RESULTS
        if not isinstance(limit, int) or not 1 <= limit <= MAX_RESULTS:
            return json_error("InvalidMaxResultsException", f"MaxResults must be 1 to {MAX_RESULTS}.")
        with self._lock:
            events = list(reversed(self._events))
        # start/end are inclusive to the second, as CloudTrail's are
        chosen = [e for e in events if _matches(e, attrs[0] if attrs else None)
                  and (start is None or e["EventTime"] >= start.replace(microsecond=0))
                  and (end is None or e["EventTime"] <= end)]
        offset = 0
        if params.get("NextToken"):
            try:
                offset = int(params["NextToken"])
            except ValueError:
                return json_error("InvalidNextTokenException", "Invalid NextToken.")
        page = chosen[offset:offset + limit]
        out = {"Events": page}
        if offset + limit < len(chosen):
            out["NextToken"] = str(offset + limit)
        return json_response(out)


def _matches(entry, attr):
    if attr is None:
        return True
    key, value = attr.get("AttributeKey"), attr.get("AttributeValue")
    if key in ("ResourceType", "ResourceName"):
        return any(r[key] == value for r in entry["Resources"])
    return entry.get(key) == value
