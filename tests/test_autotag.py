"""auto-tag-user tags what a CloudTrail call created with its caller, Custodian's rules: IAM
users by name, assumed roles by session name (not instance roles or old Lambda sessions),
``value`` choices, ``principal_id_tag``, ``update``; only in cloudtrail mode."""
import copy

import pytest

from cloudmaid.actions.autotag import caller
from cloudmaid.policy import Policy
from cloudmaid.resources.tagsource import tag_map
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances
from .seeders import fixture

ROLE = "arn:aws:iam::123456789012:role/maid"
ASSUMED = {"type": "AssumedRole", "principalId": "AROAEXAMPLE:bob@example.com",
           "arn": "arn:aws:sts::123456789012:assumed-role/Admin/bob@example.com",
           "sessionContext": {"sessionIssuer": {"userName": "Admin"}}}


def event_for(ids, identity=None):
    event = fixture("cloudtrail-run-instances.json")
    event["detail"]["responseElements"]["instancesSet"]["items"] = [{"instanceId": i} for i in ids]
    if identity:
        event["detail"]["userIdentity"] = identity
    return event


def run(ctx, event, **action):
    return Policy({"name": "autotag", "resource": "ec2",
                   "mode": {"type": "cloudtrail", "role": ROLE, "events": ["RunInstances"]},
                   "actions": [{"type": "auto-tag-user", "tag": "Creator", **action}]}, ctx).run(event)


def tags_of(ec2, iid):
    return tag_map(ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0])


def test_iam_user_and_principal_id(ctx, ec2):
    (iid,) = run_instances(ec2)
    meta = run(ctx, event_for([iid]), principal_id_tag="CreatorId")
    assert not meta["errors"]
    assert tags_of(ec2, iid) == {"Creator": "alice", "CreatorId": "AIDAEXAMPLEPRINCIPAL"}


def test_existing_tag_kept_unless_update(ctx, ec2):
    (iid,) = run_instances(ec2, tags={"Creator": "carol"})
    run(ctx, event_for([iid]))
    assert tags_of(ec2, iid)["Creator"] == "carol"
    run(ctx, event_for([iid]), update=True)
    assert tags_of(ec2, iid)["Creator"] == "alice"


def test_assumed_role_session_and_value_forms(ctx, ec2):
    (iid,) = run_instances(ec2)
    run(ctx, event_for([iid], ASSUMED), value="userName", principal_id_tag="Pid")
    assert tags_of(ec2, iid) == {"Creator": "Admin", "Pid": "AROAEXAMPLE"}
    assert caller(ASSUMED, "1.2.3.4", None)["user"] == "bob@example.com"
    assert caller(ASSUMED, "1.2.3.4", "sourceIPAddress")["value"] == "1.2.3.4"
    assert caller(ASSUMED, None, "arn")["value"] == ASSUMED["arn"]
    instance_role = dict(ASSUMED, arn="arn:aws:sts::1:assumed-role/r/i-0abc")
    assert caller(instance_role, None, None) is None
    assert caller({"type": "Root"}, None, None) is None
    assert caller(ASSUMED, None, None, ["IAMUser"]) is None


def problems(policy):
    return [m for _, m, _ in PolicyChecker(policy).run()]


def test_only_in_cloudtrail_mode():
    base = {"name": "p", "resource": "ec2", "actions": [{"type": "auto-tag-user", "tag": "C"}]}
    assert any("mode type cloudtrail" in m for m in problems(base))
    ok = dict(base, mode={"type": "cloudtrail", "role": ROLE, "events": ["RunInstances"]})
    assert problems(ok) == []
    assert problems(dict(ok, actions=[{"type": "auto-tag-user"}]))   # tag required
