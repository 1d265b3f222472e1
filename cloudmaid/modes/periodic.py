"""periodic: the policy runs on a schedule in Lambda, exactly like poll mode."""
from ..events import schedule
from .core import COMMON_SCHEMA, EventMode, modes


@modes.register("periodic")
class PeriodicMode(EventMode):
    schema = {**COMMON_SCHEMA, "schedule": {"type": "string"}}
    required = ("schedule",)
    uses_ids = False

    def rule(self):
        return {"schedule": self.data.get("schedule")}

    def skip_reason(self, event):
        return None   # any invocation (the schedule, a test invoke) runs the policy

    def resources(self, event=None):
        return self.manager.resources()

    def validate(self):
        out = super().validate()
        if "schedule" not in self.data:
            out.append(((), "periodic mode needs a 'schedule' such as 'rate(1 day)'"))
        else:
            out.extend((("schedule",), m) for m in schedule.problems(self.data["schedule"]))
        return out
