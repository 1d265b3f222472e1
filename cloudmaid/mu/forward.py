"""Central event mode plumbing: member accounts forward their events to a central account's
event bus, where the ``member-role`` policies' functions run.

In the central account, per bus: a ``BusPermission`` statement per member account (or one per
organization) letting it put events on the bus. In each member account: the ``ForwardRole``
EventBridge assumes to put events on a bus of another account (AWS requires one when the bus
grants an organization, and recommends one always), and per policy a forwarding rule on the
member's default bus with the central rule's pattern (an eventbridge.Rule named after the
policy's function and tagged like it, so ``maid gc`` in the member account removes it with
the policy) and its ``ForwardTarget``, the central bus. Models as in models.py: key,
observe, plan.
"""
import json
from dataclasses import dataclass, field
from typing import Mapping, Optional

from botocore.exceptions import ClientError

from .. import __version__
from ..events import pattern as patterns
from .eventbridge import DEFAULT_BUS, Rule, list_targets, on_bus
from .models import TAG_INFO, TAG_POLICY
from .planner import APICall

#: the role EventBridge assumes in a member account to put events on central buses
FORWARD_ROLE = "maid-event-forwarder"
#: its inline policy's name
FORWARD_ROLE_POLICY = "maid-forward"
#: the IAM path of the roles cloudmaid makes
ROLE_PATH = "/cloudmaid/"
#: bus policy statements we add start with this (gc recognises them by it)
SID_PREFIX = "maid-forward-"
#: TAG_INFO of a forwarding rule starts with this
FORWARD_INFO = "mode=forward"
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def bus_arn(partition, region, account, bus):
    return f"arn:{partition}:events:{region}:{account}:event-bus/{bus}"


def role_arn(partition, account, name=FORWARD_ROLE):
    return f"arn:{partition}:iam::{account}:role{ROLE_PATH}{name}"


def statement_id(principal):
    """The Sid of the statement for a member account id or an organization id (o-...)."""
    return f"{SID_PREFIX}{principal}"


# -- central account: who may put events on the bus -------------------------------------------
@dataclass(frozen=True)
class BusPermission:
    """``events:PutEvents`` on ``bus`` for one account, or for every account of
    ``organization`` (Principal ``*`` with an ``aws:PrincipalOrgID`` condition)."""
    bus: str
    account: Optional[str] = None
    organization: Optional[str] = None

    @property
    def statement_id(self):
        return statement_id(self.organization or self.account)

    @property
    def key(self):
        return ("BusPermission", self.bus, self.statement_id)

    def observe(self, view, found):
        for st in bus_statements(view, self.bus):
            if st.get("Sid") == self.statement_id:
                return statement_model(self.bus, st)
        return None

    def plan(self, have, state):
        if have == self:
            return []
        where = on_bus(self.bus)
        calls = []
        if have is not None:
            calls.append(APICall("events", "remove_permission",
                                 {**where, "StatementId": self.statement_id}, self.bus))
        params = {**where, "Action": "events:PutEvents", "StatementId": self.statement_id}
        if self.organization:
            params.update(Principal="*", Condition={
                "Type": "StringEquals", "Key": "aws:PrincipalOrgID", "Value": self.organization})
        else:
            params["Principal"] = self.account
        return calls + [APICall("events", "put_permission", params, self.bus)]


def bus_statements(view, bus):
    """The statements of ``bus``'s resource policy (none when it has none), read once per view."""
    def read():
        try:
            resp = view.client("events").describe_event_bus(Name=bus)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return []
            raise
        return (json.loads(resp["Policy"]).get("Statement") or []) if resp.get("Policy") else []
    return view._listed(("bus policy", bus), read)


def statement_model(bus, st):
    """A BusPermission from a bus policy statement of ours, as AWS shows it
    (``{"AWS": "arn:aws:iam::ACCOUNT:root"}``, an account id or ``*``)."""
    principal = st.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("AWS")
    if isinstance(principal, str) and principal.startswith("arn:"):
        principal = principal.split(":")[4]
    org = ((st.get("Condition") or {}).get("StringEquals") or {}).get("aws:PrincipalOrgID")
    if org:
        return BusPermission(bus=bus, organization=org)
    return BusPermission(bus=bus, account=principal)


def our_statements(view, bus):
    """The Sids of our statements on ``bus`` (gc)."""
    return sorted(st["Sid"] for st in bus_statements(view, bus)
                  if str(st.get("Sid", "")).startswith(SID_PREFIX))


def remove_statement(bus, sid):
    return APICall("events", "remove_permission", {**on_bus(bus), "StatementId": sid}, bus)


# -- member account: the role EventBridge forwards with ---------------------------------------
@dataclass(frozen=True)
class ForwardRole:
    """An IAM role EventBridge may assume, allowed to put events on ``buses`` (central bus
    ARNs) only."""
    buses: tuple
    name: str = FORWARD_ROLE
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self):
        return ("ForwardRole", self.name)

    def document(self):
        return {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "events:PutEvents", "Resource": sorted(self.buses)}]}

    def observe(self, view, found):
        iam = view.client("iam")
        try:
            iam.get_role(RoleName=self.name)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") == "NoSuchEntity":
                return None
            raise
        try:
            doc = iam.get_role_policy(RoleName=self.name, PolicyName=FORWARD_ROLE_POLICY)["PolicyDocument"]
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "NoSuchEntity":
                raise
            return ForwardRole(buses=(), name=self.name, tags=self.tags)
        doc = json.loads(doc) if isinstance(doc, str) else doc
        resources = [r for st in doc.get("Statement") or () for r in
                     ([st.get("Resource")] if isinstance(st.get("Resource"), str) else st.get("Resource") or ())]
        return ForwardRole(buses=tuple(sorted(resources)), name=self.name, tags=self.tags)

    def plan(self, have, state):
        calls = []
        if have is None:
            calls.append(APICall("iam", "create_role", {
                "RoleName": self.name, "Path": ROLE_PATH, "AssumeRolePolicyDocument": json.dumps(TRUST),
                "Description": "cloudmaid: EventBridge forwards events to central event buses",
                "Tags": [{"Key": k, "Value": v} for k, v in sorted(self.tags.items())]}, self.name))
        if have is None or tuple(sorted(have.buses)) != tuple(sorted(self.buses)):
            calls.append(APICall("iam", "put_role_policy", {
                "RoleName": self.name, "PolicyName": FORWARD_ROLE_POLICY,
                "PolicyDocument": json.dumps(self.document(), sort_keys=True)}, self.name))
        return calls


def remove_role(name=FORWARD_ROLE):
    return [APICall("iam", "delete_role_policy", {"RoleName": name, "PolicyName": FORWARD_ROLE_POLICY}, name),
            APICall("iam", "delete_role", {"RoleName": name}, name)]


def role_exists(view, name=FORWARD_ROLE):
    try:
        view.client("iam").get_role(RoleName=name)
        return True
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "NoSuchEntity":
            return False
        raise


# -- member account: the forwarding rule's target ---------------------------------------------
@dataclass(frozen=True)
class ForwardTarget:
    """The central bus as the target of forwarding rule ``rule``, put with ``role``."""
    rule: str
    id: str
    bus_arn: str
    role_arn: str
    bus: str = DEFAULT_BUS           # the member's bus the rule is on

    @property
    def key(self):
        return ("Target", self.rule, self.id)

    def observe(self, view, found):
        if ("Rule", self.rule) not in found:
            return None
        for t in list_targets(view.client("events"), self.rule, self.bus):
            if t["Id"] == self.id:
                return ForwardTarget(rule=self.rule, id=self.id, bus_arn=t["Arn"],
                                     role_arn=t.get("RoleArn") or "", bus=self.bus)
        return None

    def plan(self, have, state):
        if have == self and not state.get(("recreated", self.rule)):
            return []
        return [APICall("events", "put_targets", {"Rule": self.rule, **on_bus(self.bus), "Targets": [
            {"Id": self.id, "Arn": self.bus_arn, "RoleArn": self.role_arn}]}, self.rule)]


def forward_models(policy, function, pattern, central_bus_arn, forward_role_arn):
    """The forwarding rule and its target for one policy in a member account: on the default
    bus, ``pattern`` (a dict, the central rule's), named after ``function`` (the central
    function's name) and tagged with the policy, so ``maid gc`` treats it as the policy's."""
    tags = {TAG_POLICY: policy, TAG_INFO: f"{FORWARD_INFO}:version={__version__}"}
    rule = Rule(name=function, description=f"cloudmaid: forwards policy {policy}'s events to {central_bus_arn}",
                pattern=patterns.render(pattern), tags=tags)
    return (rule, ForwardTarget(rule=function, id=function, bus_arn=central_bus_arn,
                                role_arn=forward_role_arn))
