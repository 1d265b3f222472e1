"""asg-instance-state: the policy runs on Auto Scaling instance launch/terminate events; the
resource is the group."""
from ..errors import EventError
from ..events import pattern
from .core import COMMON_SCHEMA, EventMode, modes, suggest

#: mode event name -> EventBridge detail-type
DETAIL_TYPES = {
    "launch-success": "EC2 Instance Launch Successful",
    "launch-failure": "EC2 Instance Launch Unsuccessful",
    "terminate-success": "EC2 Instance Terminate Successful",
    "terminate-failure": "EC2 Instance Terminate Unsuccessful",
}


@modes.register("asg-instance-state")
class ASGInstanceStateMode(EventMode):
    schema = {**COMMON_SCHEMA, "events": {"type": "array", "items": {"enum": list(DETAIL_TYPES)}}}

    def rule(self):
        p = {"source": ["aws.autoscaling"],
             "detail-type": sorted({DETAIL_TYPES.get(e, e) for e in self.data.get("events") or ()})}
        return {"pattern": pattern.canonical(pattern.merge(p, self.data.get("pattern")))}

    def ids(self, event):
        name = (event.get("detail") or {}).get("AutoScalingGroupName")
        if not isinstance(name, str):
            raise EventError("not an Auto Scaling event: no detail.AutoScalingGroupName")
        return [name]

    def validate(self):
        out = super().validate()
        events = self.data.get("events")
        if not events:
            out.append((("events",), f"asg-instance-state needs events: {', '.join(DETAIL_TYPES)}"))
        for i, e in enumerate(events or ()):
            if e not in DETAIL_TYPES:
                out.append((("events", i), f"unknown Auto Scaling event '{e}'"
                                           f"{suggest(e, DETAIL_TYPES)}"))
        return out
