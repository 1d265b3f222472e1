"""ECS's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

Services live in clusters: the listing walks the clusters (manager.py). Both types are
described with their tags (``include: TAGS``) and expose Custodian's ``Tags``; tags are
written through the Resource Groups Tagging API.
"""
from ...resources.declaration import TAGGING_API, Get, ResourceType, Shortcut

_ARN = "arn:{partition}:ecs:{region}:{account}:"

TYPES = (
    ResourceType(
        name="ecs-service", service="ecs", enum_op="list_services", enum_path="serviceArns[]",
        id="serviceArn", name_key="serviceName", date="createdAt", arn_key="serviceArn",
        arn=_ARN + "service/{id}", tags=TAGGING_API, complete=True, batch_size=10,
        get=Get("describe_services", "services", "services[]", {"include": ["TAGS"]},
                many=True),
        config_type="AWS::ECS::Service",
        trail={"CreateService": Shortcut("responseElements.service.serviceArn")},
        related={"security-group":
                 "networkConfiguration.awsvpcConfiguration.securityGroups[]",
                 "subnet": "networkConfiguration.awsvpcConfiguration.subnets[]"},
    ),
    ResourceType(
        # active task definitions (ListTaskDefinitions' default), as Custodian
        name="ecs-task-definition", service="ecs", enum_op="list_task_definitions",
        enum_path="taskDefinitionArns[]", id="taskDefinitionArn", date="registeredAt",
        arn_key="taskDefinitionArn", arn=_ARN + "task-definition/{id}", tags=TAGGING_API,
        complete=True,
        get=Get("describe_task_definition", "taskDefinition", "taskDefinition",
                {"include": ["TAGS"]}),
        config_type="AWS::ECS::TaskDefinition",
        trail={"RegisterTaskDefinition": Shortcut(
            "responseElements.taskDefinition.taskDefinitionArn")},
    ),
)
