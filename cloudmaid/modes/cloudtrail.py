"""cloudtrail: the policy runs on CloudTrail API calls delivered by EventBridge.

``events`` holds shortcut names from events/trail.py or ``{source, event, ids}`` dicts whose
``ids`` is a JMESPath relative to ``detail`` (or to the whole event when it starts with
``detail.``). Failed calls (``detail.errorCode`` set) created nothing and are skipped.
"""
import jmespath

from ..errors import EventError, jmespath_problem
from ..events import trail
from .core import COMMON_SCHEMA, PatternMode, modes

EVENT_SPEC = {"type": "object", "required": ["event", "source", "ids"],
              "additionalProperties": False,
              "properties": {"source": {"type": "string"}, "event": {"type": "string"},
                             "ids": {"type": "string"}}}


@modes.register("cloudtrail")
class CloudTrailMode(PatternMode):
    """Runs on CloudTrail API calls (events: shortcut names or {source, event, ids})."""
    schema = {**COMMON_SCHEMA,
              "events": {"type": "array", "items": {"oneOf": [{"type": "string"}, EVENT_SPEC]}}}
    required = ("events",)

    def specs(self):
        """The configured events as ``{event, source, ids}`` rows (unknown shortcuts dropped)."""
        out = []
        for e in self.data.get("events") or ():
            row = trail.lookup(e) if isinstance(e, str) else e
            if isinstance(row, dict) and row.get("event") and row.get("source"):
                out.append(row)
        return out

    def base_pattern(self):
        specs = self.specs()
        sources = sorted({s["source"] for s in specs})
        p = {"detail-type": sorted({trail.detail_type(s) for s in sources}),
             "detail": {"eventSource": sources,
                        "eventName": sorted({s["event"] for s in specs})}}
        buses = {trail.eventbridge_source(s) for s in sources}
        if None not in buses:
            p["source"] = sorted(buses)
        return p

    def skip_reason(self, event):
        # delivered (the rule matches failed calls too), but there is nothing to act on
        reason = super().skip_reason(event)
        if reason:
            return reason
        code = (event.get("detail") or {}).get("errorCode")
        if code:
            return f"failed API call ({code}); nothing was created or changed"
        return None

    def ids(self, event):
        detail = event.get("detail") if isinstance(event, dict) else None
        if not isinstance(detail, dict) or not detail.get("eventName"):
            raise EventError("not a CloudTrail event: no detail.eventName")
        name, source = detail.get("eventName"), detail.get("eventSource")
        for spec in self.specs():
            if spec["event"] != name or spec["source"] != source:
                continue
            expr = spec.get("ids")
            if not expr:
                raise EventError(f"no ids expression for {source} {name}")
            found = jmespath.search(expr, event if expr.startswith("detail.") else detail)
            if found:
                return [str(i) for i in _flatten(found)]
        return []

    def validate(self):
        out = super().validate()
        events = self.data.get("events")
        if not events:
            out.append((("events",), "cloudtrail mode needs at least one event"))
            return out
        rtype = self.resource_type
        for i, e in enumerate(events):
            if isinstance(e, str):
                row = trail.lookup(e)
                if row is None:
                    from ..suggest import did_you_mean   # validation only
                    out.append((("events", i), f"unknown CloudTrail shortcut '{e}'"
                                f"{did_you_mean(e, trail.SHORTCUTS)}; use a {{source, event, ids}} "
                                f"entry for other API calls"))
                elif isinstance(rtype, str) and row["resource"] != rtype:
                    # its ids name another type's resources: the policy would never match
                    out.append((("events", i), f"CloudTrail shortcut '{e}' is for resource "
                                f"'{row['resource']}', not '{rtype}'; use a {{source, event, ids}} "
                                f"entry whose ids name {rtype} resources"))
            elif isinstance(e, dict):
                missing = [k for k in ("source", "event", "ids") if not e.get(k)]
                if missing:
                    out.append((("events", i), f"missing {', '.join(missing)}"))
                problem = jmespath_problem(e["ids"]) if isinstance(e.get("ids"), str) else None
                if problem:
                    out.append((("events", i, "ids"), problem))
            else:
                out.append((("events", i), "expected a shortcut name or {source, event, ids}"))
        return out


def _flatten(value):
    if isinstance(value, list):
        for v in value:
            yield from _flatten(v)
    elif value is not None:
        yield value
