"""security-group ingress/egress filters (Custodian's semantics) and delete, against moto."""
import pytest

from cloudmaid.policy import Policy
from cloudmaid.aws.ec2.security_group import Ingress


def run(ctx, filters=(), actions=()):
    meta = Policy({"name": "p", "resource": "security-group", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()
    return meta


def names(meta):
    return sorted(g["GroupName"] for g in meta["matched"] if g["GroupName"] != "default")


@pytest.fixture
def groups(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def group(name, ingress=(), tags=None):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if ingress:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=list(ingress))
        if tags:
            ec2.create_tags(Resources=[gid], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        return gid

    def tcp(lo, hi, cidr="0.0.0.0/0"):
        return {"IpProtocol": "tcp", "FromPort": lo, "ToPort": hi, "IpRanges": [{"CidrIp": cidr}]}

    g = {"vpc": vpc}
    g["ssh-world"] = group("ssh-world", [tcp(22, 22)])
    g["ssh-office"] = group("ssh-office", [tcp(22, 22, "10.1.0.0/16")])
    g["web"] = group("web", [tcp(443, 443), tcp(80, 80)])
    g["range"] = group("range", [tcp(1000, 2000)])
    g["v6"] = group("v6", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                            "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    g["self"] = group("self")
    ec2.authorize_security_group_ingress(GroupId=g["self"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupId": g["self"]}]}])
    g["public-tag"] = group("public-tag", tags={"Access": "Public"})
    g["refs-public"] = group("refs-public")
    ec2.authorize_security_group_ingress(GroupId=g["refs-public"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
         "UserIdGroupPairs": [{"GroupId": g["public-tag"]}]}])
    return g


def test_ports_and_cidr(ctx, groups):
    assert names(run(ctx, [{"type": "ingress", "Ports": [22]}])) == ["ssh-office", "ssh-world", "v6"]
    assert names(run(ctx, [{"type": "ingress", "Ports": [22], "Cidr": {"value": "0.0.0.0/0"}}])) == \
        ["ssh-world"]
    assert names(run(ctx, [{"type": "ingress", "Ports": [1500]}])) == ["range"]
    assert names(run(ctx, [{"type": "ingress", "Cidr": "0.0.0.0/0"}])) == ["range", "ssh-world", "web"]
    assert names(run(ctx, [{"type": "ingress", "CidrV6": {"value": "::/0"}}])) == ["v6"]
    # match-operator or: either family open to the world
    assert names(run(ctx, [{"type": "ingress", "match-operator": "or", "Cidr": "0.0.0.0/0",
                            "CidrV6": "::/0"}])) == ["range", "ssh-world", "v6", "web"]


def test_only_ports(ctx, groups):
    # matches permissions that allow ports outside the list
    assert names(run(ctx, [{"type": "ingress", "OnlyPorts": [22, 80, 443]}])) == \
        ["range", "self"]


def test_value_keys_and_self_reference(ctx, groups):
    assert names(run(ctx, [{"type": "ingress", "FromPort": 5432}])) == ["self"]
    assert names(run(ctx, [{"type": "ingress", "SelfReference": True}])) == ["self"]
    assert names(run(ctx, [{"type": "ingress", "IpProtocol": "tcp", "ToPort": 2000}])) == ["range"]
    assert names(run(ctx, [{"type": "ingress", "FromPort": {"value": 1000, "op": "ge"}}])) == \
        ["range", "self"]


def test_sg_references_and_annotation(ctx, groups):
    meta = run(ctx, [{"type": "ingress",
                      "SGReferences": {"key": "tag:Access", "value": "Public"}}])
    assert names(meta) == ["refs-public"]
    [g] = meta["matched"]
    assert g["MatchedIpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == groups["public-tag"]


def test_egress_default_allow_all(ctx, groups):
    # every VPC group has the default all-traffic egress rule to 0.0.0.0/0
    assert len(names(run(ctx, [{"type": "egress", "Cidr": "0.0.0.0/0",
                                "IpProtocol": "-1"}]))) == 8
    assert names(run(ctx, [{"type": "egress", "Ports": [22]}])) == []


def test_unknown_key_is_a_validation_problem():
    problems = Ingress({"type": "ingress", "Port": [22]}).validate()
    assert problems and "Port" in problems[0][1]


def test_delete_isolates_failures(ctx, ec2, groups):
    # ssh-world is referenced by nobody; public-tag is referenced by refs-public (in use)
    meta = run(ctx, [{"type": "value", "key": "GroupName", "op": "in",
                      "value": ["ssh-world", "public-tag"]}], ["delete"])
    result = meta["actions"][0]
    left = {g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert "ssh-world" not in left
    assert result["succeeded"] + len(result["failed"]) == 2
    if result["failed"]:   # moto may or may not enforce the reference
        assert "public-tag" in left
