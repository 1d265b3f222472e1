"""periodic: the policy runs on a schedule in Lambda, exactly like poll mode.

Its EventBridge rule fires a ``Scheduled Event`` (source ``aws.events``) whose ``resources``
names the rule: that is the only event delivered to the function. With a ``pattern`` key the
rule also fires on matching events (EventBridge rules may hold both; Cloud Custodian deploys
both too). Any other event -- a test invoke with ``{}``, another rule's schedule, a CloudTrail
call -- runs nothing.
"""
from ..events import pattern, schedule
from .core import SCHEDULED_SCHEMA, names_in_resources, RuleMode, modes

SCHEDULED = {"source": ["aws.events"], "detail-type": ["Scheduled Event"]}


@modes.register("periodic")
class PeriodicMode(RuleMode):
    """Runs like poll mode on an EventBridge rule's schedule (rate(...) or cron(...))."""
    schema = {**SCHEDULED_SCHEMA, "schedule": {"type": "string"}}
    required = ("schedule",)
    uses_ids = False
    deploy_only = RuleMode.deploy_only | {"schedule"}

    def rule(self):
        out = {"schedule": self.data.get("schedule")}
        if self.data.get("pattern"):
            out["pattern"] = pattern.canonical(self.data["pattern"])
        return out

    @property
    def rule_arn(self):
        """The ARN of the function's rule in the account and region it runs in."""
        ctx = self.policy.ctx
        return f"arn:{ctx.partition}:events:{ctx.region}:{ctx.account_id}:rule/{self.function_name}"

    def delivery(self, event):
        label = f"schedule {self.data.get('schedule')}"
        extra = self.data.get("pattern")
        if extra and pattern.matches(pattern.canonical(extra), event):
            return True, "pattern matches"
        why = pattern.mismatch(SCHEDULED, event)
        if why is not None:
            return False, f"not a Scheduled Event ({why})" + ("; nor does its pattern match" if extra else "")
        arn = self.rule_arn
        if not names_in_resources(event, arn):
            # a Scheduled Event names the rule that fired it; one naming no rule or another
            # rule is not this policy's schedule
            return False, f"a Scheduled Event whose resources do not name its rule {arn}"
        return True, label

    def resources(self, event=None):
        return self.manager.resources()

    def validate(self):
        out = super().validate()
        if "schedule" not in self.data:
            out.append(((), "periodic mode needs a 'schedule' such as 'rate(1 day)'"))
        else:
            out.extend((("schedule",), m) for m in schedule.problems(self.data["schedule"]))
        return out
