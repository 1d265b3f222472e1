"""schedule: the policy runs on an EventBridge Scheduler schedule in Lambda, exactly like poll
mode (Cloud Custodian's mode of that name).

Unlike a periodic policy's EventBridge rule, a Scheduler schedule takes a ``timezone`` for its
cron expressions, one-time ``at(...)`` expressions, and ``start-date`` / ``end-date``; it
invokes the function with a role of its own (``scheduler-role``, which may call
lambda:InvokeFunction on it). The function gets a Scheduled Event naming the schedule (the
Scheduler fills in its ARN and time): that is the only event it runs on.
"""
import json

from ..events import pattern, schedule
from .core import SCHEDULED_SCHEMA, names_in_resources, ROLE_ARN, ROLE_NAME, EventMode, modes

SOURCE = "aws.scheduler"
DETAIL_TYPE = "Scheduled Event"
DEFAULT_GROUP = "default"
DEFAULT_TIMEZONE = "Etc/UTC"          # Cloud Custodian's default
GROUP_NAME = r"^[0-9a-zA-Z-_.]{1,64}$"
#: what the Scheduler sends (with the account and region): its context attributes are filled
#: in at each invocation; shaped as an EventBridge event
EVENT = {"version": "0", "id": "<aws.scheduler.execution-id>", "detail-type": DETAIL_TYPE,
         "source": SOURCE, "time": "<aws.scheduler.scheduled-time>",
         "resources": ["<aws.scheduler.schedule-arn>"],
         "detail": {"attempt": "<aws.scheduler.attempt-number>"}}


@modes.register("schedule")
class ScheduleMode(EventMode):
    """Runs like poll mode on an EventBridge Scheduler schedule (schedule, timezone,
    start-date, end-date, group-name; scheduler-role invokes the function)."""
    schema = {**SCHEDULED_SCHEMA, "schedule": {"type": "string"}, "timezone": {"type": "string"},
              "start-date": {"type": "string"}, "end-date": {"type": "string"},
              "scheduler-role": {"type": "string"},
              "group-name": {"type": "string", "pattern": GROUP_NAME}}
    required = ("schedule",)
    uses_ids = False
    deploy_only = EventMode.deploy_only | {"schedule", "timezone", "start-date", "end-date", "scheduler-role"}

    @property
    def group(self):
        return self.data.get("group-name", DEFAULT_GROUP)

    @property
    def schedule_arn(self):
        ctx = self.policy.ctx
        return (f"arn:{ctx.partition}:scheduler:{ctx.region}:{ctx.account_id}:schedule/"
                f"{self.group}/{self.function_name}")

    # -- the trigger --------------------------------------------------------------------------
    @classmethod
    def model_types(cls):
        from ..mu import scheduler
        return scheduler.MODEL_TYPES

    def models(self, function):
        from ..mu import scheduler
        md = self.data
        role = md["scheduler-role"]
        if not role.startswith("arn:"):
            role = f"arn:{self.policy.ctx.partition}:iam::{function.account}:role/{role}"
        return (scheduler.Schedule(
            name=function.name, group=self.group, expression=md["schedule"].strip(),
            timezone=md.get("timezone", DEFAULT_TIMEZONE), function=function.name, role_arn=role,
            # canonical text, so an unchanged policy plans nothing
            input=json.dumps(dict(EVENT, account=function.account, region=self.policy.ctx.region),
                             sort_keys=True, separators=(",", ":")), description=function.description,
            start_date=scheduler.iso(md.get("start-date")), end_date=scheduler.iso(md.get("end-date"))),)

    def deploy_problems(self):
        out = super().deploy_problems()
        if not self.data.get("scheduler-role"):
            out.append((("mode",), "mode.scheduler-role is required to deploy: the role EventBridge "
                                   "Scheduler invokes the function with (an IAM role ARN or name)"))
        return out

    def delivery(self, event):
        label = f"schedule {self.data.get('schedule')}" if self.data.get("schedule") else "its schedule"
        why = pattern.mismatch({"source": [SOURCE], "detail-type": [DETAIL_TYPE]}, event)
        if why is not None:
            return False, f"not a Scheduler event ({why})"
        arn = self.schedule_arn
        if not names_in_resources(event, arn):
            return False, f"a Scheduler event whose resources do not name its schedule {arn}"
        return True, label

    def resources(self, event=None):
        return self.manager.resources()

    # -- validation ---------------------------------------------------------------------------
    def validate(self):
        md = self.data
        out = super().validate() + self.no_pattern("EventBridge Scheduler schedules do not use event patterns")
        if "schedule" not in md:
            out.append(((), "schedule mode needs a 'schedule' such as 'rate(1 day)', "
                            "'cron(0 8 * * ? *)' or 'at(2030-01-31T08:00:00)'"))
        else:
            out.extend((("schedule",), m) for m in schedule.problems(md["schedule"], one_time=True))
        if "timezone" in md:
            problem = timezone_problem(md["timezone"])
            if problem:
                out.append((("timezone",), problem))
        dates = {}
        for key in ("start-date", "end-date"):
            if key in md:
                try:
                    dates[key] = schedule.as_utc(md[key])
                except ValueError:
                    out.append(((key,), f"'{md[key]}' is not a date or time (e.g. '2030-01-31' or "
                                        f"'2030-01-31T09:00:00Z')"))
        if len(dates) == 2 and dates["end-date"] <= dates["start-date"]:
            out.append((("end-date",), "end-date must be after start-date"))
        role = md.get("scheduler-role")
        if role is not None and not (ROLE_ARN.match(role) or (ROLE_NAME.match(role) and ":" not in role)):
            out.append((("scheduler-role",), f"scheduler-role '{role}' is neither an IAM role ARN "
                                             f"(arn:aws:iam::ACCOUNT:role/NAME) nor a role name"))
        return out


def timezone_problem(name):
    import zoneinfo   # validation only
    try:
        zoneinfo.ZoneInfo(name)
        return None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"unknown timezone '{name}' (an IANA name such as 'Europe/Paris' or 'Etc/UTC')"
