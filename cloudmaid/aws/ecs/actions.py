"""ECS actions with Cloud Custodian's names, keys and semantics; one resource per call,
failures recorded per resource, a resource already gone counts as done."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...resources.related import register_related
from .types import TYPES

register_related(TYPES, __name__)


def primary_count(service):
    """The desired count of the service's primary deployment (or task set)."""
    for key, count in (("deployments", "desiredCount"), ("taskSets", "computedDesiredCount")):
        primary = [d for d in service.get(key) or () if d.get("status") == "PRIMARY"]
        if primary:
            return primary[-1].get(count, 0)
    return 0


@actions.register("delete", resources=("ecs-service",))
class DeleteService(Action):
    """Scale the service's primary deployment to 0 (when it runs tasks), then delete it."""
    schema = {}
    permissions = ("ecs:UpdateService", "ecs:DeleteService")

    def process(self, resources):
        client = self.manager.client()

        def delete(service):
            try:
                if primary_count(service) > 0:
                    client.update_service(cluster=service["clusterArn"],
                                          service=service["serviceArn"], desiredCount=0)
                client.delete_service(cluster=service["clusterArn"],
                                      service=service["serviceArn"])
            except ClientError as e:
                if e.response["Error"]["Code"] != "ServiceNotFoundException":
                    raise
        self.each(resources, delete)


@actions.register("delete", resources=("ecs-task-definition",))
class DeleteTaskDefinition(Action):
    """Deregister the task definition (running tasks and services keep it; new ones cannot
    use it); ``force: true`` then deletes it for good (DeleteTaskDefinitions)."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("ecs:DeregisterTaskDefinition", "ecs:DeleteTaskDefinitions")

    def process(self, resources):
        client = self.manager.client()
        force = self.data.get("force", False)

        def delete(definition):
            arn = definition["taskDefinitionArn"]
            if definition.get("status") != "INACTIVE":
                try:
                    client.deregister_task_definition(taskDefinition=arn)
                except ClientError as e:
                    if "does not exist" not in (e.response["Error"].get("Message") or ""):
                        raise
            if force:
                answer = client.delete_task_definitions(taskDefinitions=[arn])
                failures = answer.get("failures") or ()
                if failures:
                    raise ClientError({"Error": {"Code": failures[0].get("reason") or "Failed",
                                                 "Message": failures[0].get("detail") or arn}},
                                      "DeleteTaskDefinitions")
        self.each(resources, delete)

