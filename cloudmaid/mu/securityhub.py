"""A Security Hub custom action as a trigger model: choosing it in the console on findings or
insight results sends them, as an EventBridge event naming the action, to the function's rule.

Custom actions carry no tags: ``maid gc`` knows ours by their id, a digest of the function
name (events/securityhub.action_id), matched against our tagged functions. Where Security Hub
is not enabled there are no custom actions, and nothing is listed.
"""
from dataclasses import dataclass

from botocore.exceptions import ClientError

from ..events.securityhub import action_id
from .models import read_or_none
from .planner import APICall
from .remote import our_functions

MAX_NAME = 20           # CreateActionTarget's limits
MAX_DESCRIPTION = 500
NOT_ENABLED = "InvalidAccessException"


@dataclass(frozen=True)
class ActionTarget:
    arn: str                # arn:aws:securityhub:REGION:ACCOUNT:action/custom/ID
    name: str
    description: str

    @property
    def id(self):
        return self.arn.rsplit("/", 1)[-1]

    @property
    def key(self):
        return ("ActionTarget", self.arn)

    def observe(self, session_factory, found):
        hub = session_factory.client("securityhub")
        resp = read_or_none(hub.describe_action_targets, ActionTargetArns=[self.arn])
        for t in (resp or {}).get("ActionTargets") or ():
            if t.get("ActionTargetArn") == self.arn:
                return ActionTarget(arn=self.arn, name=t.get("Name", ""), description=t.get("Description", ""))
        return None

    def plan(self, have, state):
        if have is None:
            return [APICall("securityhub", "create_action_target", {
                "Name": self.name, "Description": self.description, "Id": self.id}, self.id)]
        if (have.name, have.description) != (self.name, self.description):
            return [APICall("securityhub", "update_action_target", {
                "ActionTargetArn": self.arn, "Name": self.name, "Description": self.description}, self.id)]
        return []

    @classmethod
    def ours(cls, session_factory):
        """``[(function name, removal steps)]`` for the custom actions of our functions."""
        hub = session_factory.client("securityhub")
        try:
            hub.describe_hub()
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") == NOT_ENABLED:
                return []                 # Security Hub is off here: no custom actions
            raise
        targets = [t["ActionTargetArn"] for page in hub.get_paginator("describe_action_targets").paginate()
                   for t in page.get("ActionTargets") or ()]
        if not targets:
            return []
        by_id = {action_id(name): name for name, _, _ in our_functions(session_factory)}
        out = []
        for arn in targets:
            name = by_id.get(arn.rsplit("/", 1)[-1])
            if name:
                out.append((name, [APICall("securityhub", "delete_action_target", {"ActionTargetArn": arn}, name)]))
        return sorted(out, key=lambda x: x[0])
