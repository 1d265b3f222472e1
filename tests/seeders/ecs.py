"""ECS seeders: services (in a shared cluster, in the compute VPC) and task definitions."""
from . import seeder
from .autoscaling import compute_network


def ecs_tags(world, label):
    return [{"key": k, "value": v} for k, v in world.tags(label).items()]


def cluster(world):
    return world.shared("ecs-cluster", lambda w: w.client("ecs").create_cluster(
        clusterName="maid-test")["cluster"]["clusterArn"])


def task_definition(world, label, tags=()):
    return world.client("ecs").register_task_definition(
        family=label, containerDefinitions=[{"name": "web", "image": "nginx:latest",
                                             "memory": 128}],
        tags=list(tags))["taskDefinition"]["taskDefinitionArn"]


@seeder("ecs-service", "cloudtrail-create-service.json")
def service(world, label):
    _, subnets, group = compute_network(world)
    definition = world.shared("ecs-task", lambda w: task_definition(w, "maid-test-task"))
    return [world.client("ecs").create_service(
        cluster=cluster(world), serviceName=label, taskDefinition=definition, desiredCount=1,
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets[:1],
                                                      "securityGroups": [group]}},
        tags=ecs_tags(world, label))["service"]["serviceArn"]]


@seeder("ecs-task-definition", "cloudtrail-register-task-definition.json")
def definition(world, label):
    return [task_definition(world, label, ecs_tags(world, label))]
