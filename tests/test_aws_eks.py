"""EKS clusters and node groups against moto: listing with tags, get-by-id, related network
filters, tags on clusters, and the delete actions."""
import boto3
import pytest

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

ROLE = "arn:aws:iam::123456789012:role/eks"


@pytest.fixture
def eks(aws):
    return boto3.client("eks", region_name="us-east-1")


@pytest.fixture
def net(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.6.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="eks", Description="eks", VpcId=vpc)["GroupId"]
    return vpc, subnet, group


def cluster(eks, net, name, **kw):
    return eks.create_cluster(name=name, roleArn=ROLE, resourcesVpcConfig={
        "subnetIds": [net[1]], "securityGroupIds": [net[2]]}, **kw)["cluster"]


def run(ctx, resource, actions, filters=()):
    data = {"name": "p", "resource": resource, "filters": list(filters), "actions": list(actions)}
    assert PolicyChecker(data).run() == []
    meta = Policy(data, ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta


def test_clusters_with_tags_related_filters_and_tagging(ctx, eks, net):
    cluster(eks, net, "a", tags={"team": "x"})
    cluster(eks, net, "b")
    m = ResourceManager.for_type(ctx, "eks")
    listed = {c["name"]: c for c in m.resources()}
    assert listed["a"]["Tags"] == [{"Key": "team", "Value": "x"}]
    assert [c["name"] for c in m.get_resources(["b", "gone"])] == ["b"]
    found = core.apply(core.parse([{"type": "security-group", "key": "GroupName",
                                    "value": "eks"}, {"tag:team": "x"}], m),
                       list(listed.values()), manager=m)
    assert [c["name"] for c in found] == ["a"]
    run(ctx, "eks", [{"type": "tag", "key": "owner", "value": "me"}], [{"name": "b"}])
    assert eks.describe_cluster(name="b")["cluster"]["tags"] == {"owner": "me"}


def test_nodegroups_listed_per_cluster_and_deleted(ctx, eks, net):
    cluster(eks, net, "c")
    arn = eks.create_nodegroup(clusterName="c", nodegroupName="ng", nodeRole=ROLE,
                               subnets=[net[1]], tags={"team": "x"})["nodegroup"]["nodegroupArn"]
    m = ResourceManager.for_type(ctx, "eks-nodegroup")
    [ng] = m.resources()
    assert ng["nodegroupArn"] == arn and ng["Tags"] == [{"Key": "team", "Value": "x"}]
    assert [n["nodegroupName"] for n in m.get_resources([arn])] == ["ng"]
    run(ctx, "eks-nodegroup", ["delete"], [{"tag:team": "x"}])
    assert eks.list_nodegroups(clusterName="c")["nodegroups"] == []


def test_cluster_delete_removes_nodegroups_first(ctx, eks, net):
    cluster(eks, net, "c")
    eks.create_nodegroup(clusterName="c", nodegroupName="ng", nodeRole=ROLE, subnets=[net[1]])
    run(ctx, "eks", ["delete"])
    assert eks.list_clusters()["clusters"] == []
