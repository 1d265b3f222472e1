"""ec2-instance-state: the policy runs on EC2 instance state-change notifications."""
from ..errors import EventError
from ..events import pattern
from .core import COMMON_SCHEMA, EventMode, modes, suggest

STATES = ("pending", "running", "shutting-down", "stopped", "stopping", "terminated")
DETAIL_TYPE = "EC2 Instance State-change Notification"


@modes.register("ec2-instance-state")
class EC2InstanceStateMode(EventMode):
    schema = {**COMMON_SCHEMA, "events": {"type": "array", "items": {"enum": list(STATES)}}}

    def rule(self):
        p = {"source": ["aws.ec2"], "detail-type": [DETAIL_TYPE],
             "detail": {"state": sorted(set(self.data.get("events") or ()))}}
        return {"pattern": pattern.canonical(pattern.merge(p, self.data.get("pattern")))}

    def ids(self, event):
        iid = (event.get("detail") or {}).get("instance-id")
        if not isinstance(iid, str):
            raise EventError("not an EC2 state-change event: no detail.instance-id")
        return [iid]

    def validate(self):
        out = super().validate()
        events = self.data.get("events")
        if not events:
            out.append((("events",), f"ec2-instance-state needs events: {', '.join(STATES)}"))
        for i, e in enumerate(events or ()):
            if e not in STATES:
                out.append((("events", i), f"unknown instance state '{e}'{suggest(e, STATES)}"))
        return out
