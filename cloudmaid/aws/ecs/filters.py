"""ECS filters with Cloud Custodian's names: taggable."""
from ...filters.core import Filter, filters

#: ARN kinds that can carry tags only in the long format (naming the cluster)
NEW_ARN_STYLE = ("container-instance", "service", "task")


def taggable(arn):
    """Custodian's test: tags need the long ARN format (``service/CLUSTER/NAME``)."""
    parts = arn.rsplit(":", 1)[-1].split("/")
    return parts[0] not in NEW_ARN_STYLE or len(parts) > 2


@filters.register("taggable", resources=("ecs-service", "ecs-task-definition"))
class Taggable(Filter):
    """Resources whose ARN is in the format that takes tags (``state: true``), or not
    (``state`` false or absent, as in Custodian)."""
    schema = {"state": {"type": "boolean"}}

    def match(self, resource, event=None):
        return taggable(self.manager.resource_id(resource)) == bool(self.data.get("state"))

    def keys(self):
        return {self.manager.rtype.id} if self.manager else None
