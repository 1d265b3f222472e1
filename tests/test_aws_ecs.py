"""ECS services and task definitions against moto: listing across clusters with tags,
get-by-ARN, the related network filters and the delete actions."""
import boto3
import pytest

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker


@pytest.fixture
def ecs(aws):
    return boto3.client("ecs", region_name="us-east-1")


def definition(ecs, family, tags=()):
    return ecs.register_task_definition(
        family=family, containerDefinitions=[{"name": "c", "image": "nginx", "memory": 64}],
        tags=list(tags))["taskDefinition"]["taskDefinitionArn"]


def run(ctx, resource, actions, filters=()):
    data = {"name": "p", "resource": resource, "filters": list(filters), "actions": list(actions)}
    assert PolicyChecker(data).run() == []
    meta = Policy(data, ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta


def test_services_across_clusters_with_tags(ctx, ecs, ec2):
    task = definition(ecs, "web")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.0.0/24")["Subnet"]["SubnetId"]
    arns = []
    for cluster in ("a", "b"):
        ecs.create_cluster(clusterName=cluster)
        arns.append(ecs.create_service(
            cluster=cluster, serviceName=f"svc-{cluster}", taskDefinition=task, desiredCount=0,
            networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet],
                                                          "securityGroups": []}},
            tags=[{"key": "team", "value": cluster}])["service"]["serviceArn"])
    m = ResourceManager.for_type(ctx, "ecs-service")
    listed = {s["serviceArn"]: s for s in m.resources()}
    assert sorted(listed) == sorted(arns)
    assert listed[arns[1]]["Tags"] == [{"Key": "team", "Value": "b"}] and "tags" not in listed[arns[1]]
    assert [s["serviceName"] for s in m.get_resources([arns[0], "arn:aws:ecs:us-east-1:1:service/old"])] \
        == ["svc-a"]
    found = core.apply(core.parse([{"type": "subnet", "key": "VpcId", "value": vpc},
                                   {"tag:team": "a"}], m), list(listed.values()), manager=m)
    assert [s["serviceArn"] for s in found] == [arns[0]]


def test_delete_service_scales_down_first(ctx, ecs):
    ecs.create_cluster(clusterName="c")
    ecs.create_service(cluster="c", serviceName="s", taskDefinition=definition(ecs, "t"),
                       desiredCount=2)
    sent = []
    ctx.session_factory.client("ecs").meta.events.register(
        "provide-client-params.ecs.*", lambda params, model, **kw: sent.append(model.name))
    run(ctx, "ecs-service", ["delete"])
    assert sent.index("UpdateService") < sent.index("DeleteService")
    assert [s["status"] for s in ecs.describe_services(cluster="c", services=["s"])["services"]
            ] != ["ACTIVE"]


def test_task_definitions_tags_and_delete(ctx, ecs):
    keep = definition(ecs, "keep", [{"key": "team", "value": "x"}])
    old = definition(ecs, "old")
    m = ResourceManager.for_type(ctx, "ecs-task-definition")
    listed = {t["taskDefinitionArn"]: t for t in m.resources()}
    assert sorted(listed) == sorted([keep, old])
    assert listed[keep]["Tags"] == [{"Key": "team", "Value": "x"}]
    assert [t["family"] for t in m.get_resources([old, old + "9"])] == ["old"]
    run(ctx, "ecs-task-definition", ["delete"], [{"family": "old"}])
    assert ecs.list_task_definitions()["taskDefinitionArns"] == [keep]
    assert ecs.describe_task_definition(taskDefinition=old)["taskDefinition"]["status"] == "INACTIVE"


def test_taggable_reads_the_arn_format():
    from cloudmaid.aws.ecs.filters import taggable
    assert taggable("arn:aws:ecs:us-east-1:1:service/cluster/web")
    assert not taggable("arn:aws:ecs:us-east-1:1:service/web")
    assert taggable("arn:aws:ecs:us-east-1:1:task-definition/web:1")


def test_taggable_filter(ctx, ecs):
    ecs.create_cluster(clusterName="c")
    ecs.create_service(cluster="c", serviceName="s", taskDefinition=definition(ecs, "t"),
                       desiredCount=0)
    m = ResourceManager.for_type(ctx, "ecs-service")
    assert len(core.apply(core.parse([{"type": "taggable", "state": True}], m), m.resources(),
                          manager=m)) == 1
    assert core.apply(core.parse(["taggable"], m), m.resources(), manager=m) == []
