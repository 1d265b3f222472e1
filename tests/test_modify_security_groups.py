"""modify-security-groups on ec2 instances (moto): add by id and name, remove matched, remove
all with an isolation group, add-by-tag; bad combinations refused. moto accepts
ModifyNetworkInterfaceAttribute but keeps the groups as they were, so the groups asked for are
read from the request sent."""
import pytest

from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances


@pytest.fixture
def net(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]

    def group(name, tags=None):
        kw = {"TagSpecifications": [{"ResourceType": "security-group", "Tags": [
            {"Key": k, "Value": v} for k, v in tags.items()]}]} if tags else {}
        return ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc, **kw)["GroupId"]
    groups = {n: group(n) for n in ("web", "wizard", "quarantine")}
    groups["prod"] = group("prod", {"env": "production"})
    (iid,) = run_instances(ec2, SubnetId=subnet, SecurityGroupIds=[groups["web"], groups["wizard"]])
    return groups, iid


SENT = []


def groups_of(ec2, iid):
    return sorted(SENT[-1]["Groups"])


def run(ctx, iid, action, filters=()):
    ctx.session_factory.client("ec2").meta.events.register(
        "provide-client-params.ec2.ModifyNetworkInterfaceAttribute",
        lambda params, **kw: SENT.append(dict(params)), unique_id="msg-recorder")
    return Policy({"name": "msg", "resource": "ec2", "filters": [{"InstanceId": iid}, *filters],
                   "actions": [dict(action, type="modify-security-groups")]}, ctx).run()


def test_remove_matched_and_add_by_name(ctx, ec2, net):
    groups, iid = net
    meta = run(ctx, iid, {"add": "prod", "remove": "matched"},
               [{"type": "security-group", "key": "GroupName", "value": "wizard"}])
    assert not meta["errors"], meta["errors"]
    assert groups_of(ec2, iid) == sorted([groups["web"], groups["prod"]])


def test_remove_all_leaves_the_isolation_group(ctx, ec2, net):
    groups, iid = net
    run(ctx, iid, {"remove": "all", "isolation-group": groups["quarantine"]})
    assert groups_of(ec2, iid) == [groups["quarantine"]]


def test_add_by_tag_and_unknown_names(ctx, ec2, net):
    groups, iid = net
    run(ctx, iid, {"add-by-tag": {"key": "env", "values": ["production"]}})
    assert groups["prod"] in groups_of(ec2, iid)
    meta = run(ctx, iid, {"add": "nowhere"})
    assert "no security group named 'nowhere'" in meta["errors"][0]


def problems(action):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ec2", "actions": [
        dict(action, type="modify-security-groups")]}).run()]


def test_validation():
    assert problems({"add": "sg-1"}) == []
    assert problems({"remove": "matched", "isolation-group": "sg-1"}) == []
    assert problems({"remove": "matched"})
    assert any("isolation-group" in m for m in problems({"remove": "all", "add": "sg-1"}))
