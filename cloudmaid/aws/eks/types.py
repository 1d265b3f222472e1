"""EKS's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

ListClusters returns names, each completed by DescribeCluster; node groups live in clusters
(manager.py walks them). Both answers carry ``tags`` as a map, exposed as Custodian's
``Tags`` (manager.py), so a cluster's declared tag detail is read only when a resource was
built elsewhere.
"""
from ...resources.declaration import DETAIL, Detail, Get, ResourceType, Shortcut

_TAGS = Detail("Tags", "list_tags_for_resource", "resourceArn", "tags", default=[], arn=True)

TYPES = (
    ResourceType(
        name="eks", service="eks", enum_op="list_clusters", enum_path="clusters[]", id="name",
        get=Get("describe_cluster", "name", "cluster"), complete=True, date="createdAt",
        arn_key="arn", arn="arn:{partition}:eks:{region}:{account}:cluster/{id}",
        tags=DETAIL, details=(_TAGS,), config_type="AWS::EKS::Cluster",
        related={"security-group": "resourcesVpcConfig.securityGroupIds[]",
                 "subnet": "resourcesVpcConfig.subnetIds[]", "vpc": "resourcesVpcConfig.vpcId"},
    ),
    ResourceType(
        name="eks-nodegroup", service="eks", enum_op="list_nodegroups",
        enum_path="nodegroups[]", id="nodegroupArn", name_key="nodegroupName",
        get=Get("describe_nodegroup", "nodegroupName", "nodegroup"), complete=True,
        date="createdAt", arn_key="nodegroupArn",
        arn="arn:{partition}:eks:{region}:{account}:nodegroup/{id}",
        # its ``Tags`` (from DescribeNodegroup) can be filtered on; Custodian has no tag
        # actions for node groups, and neither does cloudmaid
        tags=None,
        trail={"CreateNodegroup": Shortcut("responseElements.nodegroup.nodegroupArn")},
    ),
)
