"""remove-permissions and set-permissions on moto: the matched world-open SSH range goes, the
office range on the same rule stays; all; adding is idempotent; bad additions are refused."""
import pytest

from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

WORLD_SSH = {"type": "ingress", "IpProtocol": "tcp", "Ports": [22], "Cidr": {"value": "0.0.0.0/0"}}


@pytest.fixture
def group(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    gid = ec2.create_security_group(GroupName="web", Description="d", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "198.51.100.0/24"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return gid


def ranges(ec2, gid, direction="IpPermissions"):
    (g,) = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"]
    return sorted((p.get("FromPort"), r["CidrIp"]) for p in g[direction] for r in p.get("IpRanges", []))


def run(ctx, gid, filters, actions):
    return Policy({"name": "sg", "resource": "security-group",
                   "filters": [{"GroupId": gid}] + filters, "actions": actions}, ctx).run()


def test_remove_matched_keeps_the_rest(ctx, ec2, group):
    meta = run(ctx, group, [WORLD_SSH], [{"type": "remove-permissions", "ingress": "matched"}])
    assert meta["resources"]["matched"] == 1 and not meta["errors"]
    assert ranges(ec2, group) == [(22, "198.51.100.0/24"), (443, "0.0.0.0/0")]


def test_remove_all_ingress_and_egress(ctx, ec2, group):
    run(ctx, group, [], [{"type": "remove-permissions", "ingress": "all", "egress": "all"}])
    assert ranges(ec2, group) == [] and ranges(ec2, group, "IpPermissionsEgress") == []


def test_set_permissions_adds_then_removes(ctx, ec2, group):
    add = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "203.0.113.7/32", "Description": "bastion"}]}]
    actions = [{"type": "set-permissions", "add-ingress": [{"IpPermissions": add}],
                "remove-ingress": "matched"}]
    run(ctx, group, [WORLD_SSH], actions)
    assert (22, "203.0.113.7/32") in ranges(ec2, group) and (22, "0.0.0.0/0") not in ranges(ec2, group)
    again = run(ctx, group, [], [{"type": "set-permissions", "add-ingress": [{"IpPermissions": add}]}])
    assert not again["errors"]   # already there: fine


def problems(action):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "security-group",
                                            "actions": [action]}).run()]


def test_validation():
    assert problems({"type": "remove-permissions"}) == []
    assert problems({"type": "remove-permissions", "ingress": "some"})
    assert problems({"type": "set-permissions", "add-ingress": [{"IpPermissions": []}]}) == []
    assert any("AuthorizeIngress" in m for m in problems(
        {"type": "set-permissions", "add-ingress": [{"Bogus": 1}]}))
    assert problems({"type": "remove-permissions", "ingress": "all"}) == []
    assert [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ec2", "actions": [
        "remove-permissions"]}).run()]   # security groups only
