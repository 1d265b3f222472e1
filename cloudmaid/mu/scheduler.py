"""An EventBridge Scheduler schedule as a trigger model: it invokes the function itself
(a templated Lambda target), with the Scheduler's own role, every ``expression``.

Schedules carry no tags: ``maid gc`` knows ours by their target, one of our tagged functions.
A schedule is named after its function; one left in another group (the policy's
``group-name`` changed) is removed when the new one is created, as Cloud Custodian does.
"""
from dataclasses import dataclass, field
from typing import Optional

from ..events.schedule import as_utc
from .models import function_arn, read_or_none
from .planner import APICall, arn_names
from .remote import our_functions

#: the time window Cloud Custodian sets: invoke at the scheduled time
FLEXIBLE_WINDOW = {"Mode": "OFF"}


def iso(value):
    """A date (ISO text or datetime, naive meaning UTC) as UTC ISO text, or None."""
    return None if value is None else as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Schedule:
    name: str
    group: str
    expression: str
    timezone: str
    function: str                       # function name (desired); ARN resolved by the planner
    role_arn: str                       # the role the Scheduler invokes the function with
    input: str                          # the event the function gets (JSON text)
    description: str = ""
    start_date: Optional[str] = None    # UTC ISO text (``iso``)
    end_date: Optional[str] = None
    state: str = "ENABLED"
    target_arn: str = field(default=None, compare=False)        # observed Target.Arn
    #: observed: other groups holding a schedule of this name for this function
    stale_groups: tuple = field(default=(), compare=False)

    @property
    def key(self):
        return ("Schedule", self.name)

    def observe(self, session_factory, found):
        scheduler = session_factory.client("scheduler")
        groups = [s["GroupName"] for page in scheduler.get_paginator("list_schedules").paginate(NamePrefix=self.name)
                  for s in page.get("Schedules") or ()
                  if s.get("Name") == self.name and arn_names((s.get("Target") or {}).get("Arn"), "function", self.function)]
        if not groups:
            return None
        group = self.group if self.group in groups else groups[0]
        s = read_or_none(scheduler.get_schedule, Name=self.name, GroupName=group)
        if s is None:
            return None
        target = s.get("Target") or {}
        return Schedule(
            name=self.name, group=group, expression=s.get("ScheduleExpression"),
            timezone=s.get("ScheduleExpressionTimezone"), function=self.function,
            role_arn=target.get("RoleArn"), input=target.get("Input"), description=s.get("Description") or "",
            start_date=iso(s.get("StartDate")), end_date=iso(s.get("EndDate")), state=s.get("State"),
            target_arn=target.get("Arn"), stale_groups=tuple(g for g in groups if g != group))

    def plan(self, have, state):
        fn_arn = function_arn(state, self.function)
        if have is None:
            return [self._call("create_schedule", fn_arn)]
        if have.group != self.group:
            calls = [self._call("create_schedule", fn_arn), self._delete(have.group)]
        elif self != have or not arn_names(have.target_arn, "function", self.function):
            calls = [self._call("update_schedule", fn_arn)]
        else:
            calls = []
        return calls + [self._delete(g) for g in have.stale_groups if g != self.group]

    def _call(self, method, fn_arn):
        # UpdateSchedule replaces the whole schedule: both calls carry every setting
        params = {"Name": self.name, "GroupName": self.group, "ScheduleExpression": self.expression,
                  "ScheduleExpressionTimezone": self.timezone, "Description": self.description,
                  "State": self.state, "FlexibleTimeWindow": dict(FLEXIBLE_WINDOW),
                  "Target": {"Arn": fn_arn, "RoleArn": self.role_arn, "Input": self.input}}
        if self.start_date:
            params["StartDate"] = self.start_date
        if self.end_date:
            params["EndDate"] = self.end_date
        return APICall("scheduler", method, params, self.name)

    def _delete(self, group):
        return APICall("scheduler", "delete_schedule", {"Name": self.name, "GroupName": group}, self.name)

    @classmethod
    def ours(cls, session_factory):
        """``[(function name, removal steps)]`` for the schedules whose target is one of our
        functions."""
        scheduler = session_factory.client("scheduler")
        schedules = [s for page in scheduler.get_paginator("list_schedules").paginate()
                     for s in page.get("Schedules") or ()]
        if not schedules:
            return []
        functions = {arn: name for name, arn, _ in our_functions(session_factory)}
        out = {}
        for s in schedules:
            name = functions.get((s.get("Target") or {}).get("Arn"))
            if name:
                out.setdefault(name, []).append(APICall("scheduler", "delete_schedule", {
                    "Name": s["Name"], "GroupName": s["GroupName"]}, s["Name"]))
        return sorted(out.items())


#: what a schedule trigger deploys besides the function
MODEL_TYPES = (Schedule,)
