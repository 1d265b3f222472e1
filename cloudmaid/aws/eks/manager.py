"""EKS managers: clusters completed by DescribeCluster, node groups listed cluster by cluster
(and fetched by ARN, which names both). The answers' ``tags`` maps become ``Tags``,
remembered as the tag detail for the run."""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager, register_manager


def normalise_tags(manager, items):
    done = manager.run_cache()
    for r in items:
        tags = r.get("tags")
        if isinstance(tags, dict):
            r["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
            done.setdefault(manager.resource_id(r), {})["Tags"] = r["Tags"]
    return items


def gone(error):
    return details.not_found(error.response["Error"]["Code"])


@register_manager("eks")
class ClusterManager(ResourceManager):

    def describe(self, params):
        return normalise_tags(self, super().describe(params))

    def get_resources(self, ids):
        return normalise_tags(self, super().get_resources(ids))


def nodegroup_parts(arn):
    """``(cluster, nodegroup)`` of ``...:nodegroup/CLUSTER/NAME/UUID``, None otherwise."""
    parts = arn.rsplit(":", 1)[-1].split("/") if isinstance(arn, str) else []
    return (parts[1], parts[2]) if len(parts) >= 3 and parts[0] == "nodegroup" else None


@register_manager("eks-nodegroup")
class NodegroupManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("eks:ListClusters", "eks:ListNodegroups", "eks:DescribeNodegroup")

    def describe(self, params):
        client = self.client()
        pairs = []
        for page in client.get_paginator("list_clusters").paginate():
            for cluster in page.get("clusters") or ():
                try:
                    pairs.extend((cluster, n) for p in client.get_paginator(
                        "list_nodegroups").paginate(clusterName=cluster)
                        for n in p.get("nodegroups") or ())
                except ClientError as e:
                    if not gone(e):
                        raise
        return self.nodegroups(pairs)

    def nodegroups(self, pairs):
        client = self.client()

        def one(pair):
            try:
                return client.describe_nodegroup(clusterName=pair[0],
                                                 nodegroupName=pair[1])["nodegroup"]
            except ClientError as e:
                if gone(e):
                    return None
                raise
        return normalise_tags(self, [n for n in details.pmap(one, pairs) if n is not None])

    def get_resources(self, ids):
        if self.query.source == "config":
            return super().get_resources(ids)
        pairs = [p for p in (nodegroup_parts(i) for i in dict.fromkeys(ids)) if p]
        wanted = set(ids)
        return [n for n in self.nodegroups(pairs) if n["nodegroupArn"] in wanted]
