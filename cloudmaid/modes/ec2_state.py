"""ec2-instance-state: the policy runs on EC2 instance state-change notifications."""
from ..errors import EventError
from .core import COMMON_SCHEMA, PatternMode, modes

STATES = ("pending", "running", "shutting-down", "stopped", "stopping", "terminated")
DETAIL_TYPE = "EC2 Instance State-change Notification"


@modes.register("ec2-instance-state")
class EC2InstanceStateMode(PatternMode):
    """Runs on EC2 instance state-change notifications (events: the states)."""
    schema = {**COMMON_SCHEMA, "events": {"type": "array", "items": {"enum": list(STATES)}}}
    for_resources = ("ec2",)

    def base_pattern(self):
        return {"source": ["aws.ec2"], "detail-type": [DETAIL_TYPE],
                "detail": {"state": sorted(set(self.data.get("events") or ()))}}

    def ids(self, event):
        iid = (event.get("detail") or {}).get("instance-id")
        if not isinstance(iid, str):
            raise EventError("not an EC2 state-change event: no detail.instance-id")
        return [iid]

    def validate(self):
        return super().validate() + self.event_problems(STATES, "instance state")
