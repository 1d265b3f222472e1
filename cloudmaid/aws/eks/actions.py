"""EKS actions with Cloud Custodian's names and semantics; one resource per call, failures
recorded per resource, a resource already gone counts as done."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...resources.related import register_related
from .manager import gone
from .types import TYPES

register_related(TYPES, __name__)


@actions.register("delete", resources=("eks",))
class DeleteCluster(Action):
    """Delete the cluster's node groups and Fargate profiles, wait until they are gone (AWS
    refuses to delete a cluster that has them), then the cluster."""
    schema = {}
    permissions = ("eks:DeleteCluster", "eks:ListNodegroups", "eks:DeleteNodegroup",
                   "eks:ListFargateProfiles", "eks:DeleteFargateProfile",
                   "eks:DescribeNodegroup", "eks:DescribeFargateProfile")

    def process(self, resources):
        client = self.manager.client()

        def delete(cluster):
            name = cluster["name"]
            try:
                nodegroups = client.list_nodegroups(clusterName=name).get("nodegroups") or []
                for n in nodegroups:
                    client.delete_nodegroup(clusterName=name, nodegroupName=n)
                profiles = client.list_fargate_profiles(clusterName=name).get(
                    "fargateProfileNames") or []
                for p in profiles:   # one at a time: EKS refuses parallel profile deletes
                    client.delete_fargate_profile(clusterName=name, fargateProfileName=p)
                    client.get_waiter("fargate_profile_deleted").wait(
                        clusterName=name, fargateProfileName=p)
                for n in nodegroups:
                    client.get_waiter("nodegroup_deleted").wait(clusterName=name,
                                                                nodegroupName=n)
                client.delete_cluster(name=name)
            except ClientError as e:
                if not gone(e):
                    raise
        self.each(resources, delete)


@actions.register("delete", resources=("eks-nodegroup",))
class DeleteNodegroup(Action):
    schema = {}
    permissions = ("eks:DeleteNodegroup",)

    def process(self, resources):
        client = self.manager.client()

        def delete(nodegroup):
            try:
                client.delete_nodegroup(clusterName=nodegroup["clusterName"],
                                        nodegroupName=nodegroup["nodegroupName"])
            except ClientError as e:
                if not gone(e):
                    raise
        self.each(resources, delete)
