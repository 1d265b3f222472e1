"""asg-instance-state: the policy runs on Auto Scaling instance launch/terminate events; the
resource is the group, fetched by name (retried for ``delay`` seconds while not visible)."""
from ..errors import EventError
from .core import COMMON_SCHEMA, PatternMode, modes

#: mode event name -> EventBridge detail-type
DETAIL_TYPES = {
    "launch-success": "EC2 Instance Launch Successful",
    "launch-failure": "EC2 Instance Launch Unsuccessful",
    "terminate-success": "EC2 Instance Terminate Successful",
    "terminate-failure": "EC2 Instance Terminate Unsuccessful",
}


@modes.register("asg-instance-state")
class ASGInstanceStateMode(PatternMode):
    """Runs on Auto Scaling instance launch/terminate events about the group."""
    schema = {**COMMON_SCHEMA, "events": {"type": "array", "items": {"enum": list(DETAIL_TYPES)}}}
    for_resources = ("asg",)

    def base_pattern(self):
        return {"source": ["aws.autoscaling"],
                "detail-type": sorted({DETAIL_TYPES.get(e, e) for e in self.data.get("events") or ()})}

    def ids(self, event):
        name = (event.get("detail") or {}).get("AutoScalingGroupName")
        if not isinstance(name, str):
            raise EventError("not an Auto Scaling event: no detail.AutoScalingGroupName")
        return [name]

    def resource_ids(self, event):
        """The group named by the event, as it is: group names carry no id prefix."""
        return [i for i in self.ids(event) if i]

    def validate(self):
        return super().validate() + self.event_problems(list(DETAIL_TYPES), "Auto Scaling event")
