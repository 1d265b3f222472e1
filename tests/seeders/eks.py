"""EKS seeders: clusters (in the compute VPC) and node groups (in a shared cluster)."""
from . import ACCOUNT, named, seeder
from .autoscaling import compute_network

ROLE = f"arn:aws:iam::{ACCOUNT}:role/maid-test-eks"


def cluster(world, name, tags=None):
    _, subnets, group = compute_network(world)
    return world.client("eks").create_cluster(
        name=name, roleArn=ROLE, tags=tags or {},
        resourcesVpcConfig={"subnetIds": subnets, "securityGroupIds": [group]})["cluster"]


@seeder("eks", "cloudtrail-create-eks-cluster.json", ids="responseElements.cluster.name")
def clusters(world, label):
    return [cluster(world, label, world.tags(label))["name"]]


@seeder("eks-nodegroup", "cloudtrail-create-nodegroup.json")
def nodegroup(world, label):
    parent = world.shared("eks-cluster", lambda w: cluster(w, "maid-test")["name"])
    _, subnets, _ = compute_network(world)
    named(label, f"node-groups/{label}")   # DeleteNodegroup's URL names it so
    return [world.client("eks").create_nodegroup(
        clusterName=parent, nodegroupName=label, nodeRole=ROLE, subnets=subnets[:1],
        tags=world.tags(label))["nodegroup"]["nodegroupArn"]]
