"""ECS managers: services are listed cluster by cluster and described ten at a time with
their tags; task definitions are described one by one with theirs. ECS's ``tags``
(``key``/``value``) become Custodian's ``Tags``, which then need no Tagging API call."""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager, register_manager


def normalise_tags(manager, items, tags=None):
    """``tags`` (ECS's form) -> ``Tags``, remembered as the items' tag detail for the run."""
    done = manager.run_cache()
    for r in items:
        raw = r.pop("tags", None) if tags is None else tags
        r["Tags"] = [{"Key": t["key"], "Value": t.get("value")} for t in raw or ()]
        done.setdefault(manager.resource_id(r), {})["Tags"] = r["Tags"]
    return items


def service_cluster(arn):
    """The cluster of a service ARN in the long format (``service/CLUSTER/NAME``); None for
    the old format, which does not name it."""
    parts = arn.rsplit(":", 1)[-1].split("/") if isinstance(arn, str) else []
    return parts[1] if len(parts) == 3 and parts[0] == "service" else None


@register_manager("ecs-service")
class ServiceManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices")

    def describe(self, params):
        client = self.client()
        out = []
        for page in client.get_paginator("list_clusters").paginate():
            for cluster in page.get("clusterArns") or ():
                arns = [a for p in client.get_paginator("list_services").paginate(cluster=cluster)
                        for a in p.get("serviceArns") or ()]
                out.extend(self.services(cluster, arns))
        return out

    def services(self, cluster, arns):
        client = self.client()
        out = []
        for start in range(0, len(arns), 10):
            try:
                answer = client.describe_services(cluster=cluster, services=arns[start:start + 10],
                                                  include=["TAGS"])
            except ClientError as e:
                if details.not_found(e.response["Error"]["Code"]):
                    continue
                raise
            out.extend(answer.get("services") or ())
        return normalise_tags(self, out)

    def get_resources(self, ids):
        if self.query.source == "config":
            return super().get_resources(ids)
        by_cluster = {}
        for i in dict.fromkeys(ids):
            cluster = service_cluster(i)
            if cluster:   # the old ARN format names no cluster: Custodian refuses it too
                by_cluster.setdefault(cluster, []).append(i)
        return [s for cluster, arns in by_cluster.items() for s in self.services(cluster, arns)]


@register_manager("ecs-task-definition")
class TaskDefinitionManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("ecs:DescribeTaskDefinition",)

    def _get_each(self, ids):
        client = self.client()

        def one(arn):
            try:
                answer = client.describe_task_definition(taskDefinition=arn, include=["TAGS"])
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if details.not_found(code) or code in ("ClientException", "InvalidParameterException"):
                    return None
                raise
            return normalise_tags(self, [answer["taskDefinition"]], answer.get("tags"))[0]
        found = details.pmap(one, list(dict.fromkeys(ids)))
        return {self.resource_id(r): r for r in found if r is not None}
