"""ELBv2 (app-elb, app-elb-target-group): tags in batches, filters and actions with
Custodian's semantics, against moto."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker


@pytest.fixture
def lb(aws):
    """``make(name, protocol=..., health=...)`` -> (load balancer ARN, target group ARN)."""
    ec2 = boto3.client("ec2", region_name="us-east-1")
    elbv2 = boto3.client("elbv2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for i, z in enumerate("ab")]

    def make(name, health="HTTP", tags=None):
        params = {"Name": name, "Subnets": subnets}
        if tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        arn = elbv2.create_load_balancer(**params)["LoadBalancers"][0]["LoadBalancerArn"]
        tg = elbv2.create_target_group(Name=f"{name}-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                       HealthCheckProtocol=health)["TargetGroups"][0]
        elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[
            {"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
        return arn, tg["TargetGroupArn"]
    make.client = elbv2
    make.vpc = vpc
    return make


def run(ctx, filters=(), actions=(), resource="app-elb"):
    meta = Policy({"name": "p", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta


def names(meta, key="LoadBalancerName"):
    return sorted(r[key] for r in meta["matched"])


def test_tags_twenty_arns_per_call(ctx, lb):
    for i in range(21):
        lb(f"lb-{i:02d}", tags={"n": str(i)})
    calls = []
    client = ResourceManager.for_type(ctx, "app-elb").client()
    client.meta.events.register("provide-client-params.elastic-load-balancing-v2.DescribeTags",
                                lambda params, **kw: calls.append(params["ResourceArns"]))
    assert names(run(ctx, [{"tag:n": "3"}])) == ["lb-03"]
    assert sorted(len(c) for c in calls) == [1, 20]


def test_get_by_arn_and_by_name(ctx, lb):
    arn, _ = lb("web")
    m = ResourceManager.for_type(ctx, "app-elb")
    gone = arn.replace("/web/", "/gone/")
    assert [r["LoadBalancerArn"] for r in m.get_resources([arn, gone])] == [arn]
    assert [r["LoadBalancerArn"] for r in m.get_resources(["web"])] == [arn]


def test_listener_filter_and_modify_listener(ctx, lb):
    arn, _ = lb("web")
    lb("other")
    meta = run(ctx, [{"LoadBalancerName": "web"}, {"type": "listener", "key": "Protocol",
                                                  "value": "HTTP"},
                     {"type": "listener", "key": "Port", "value": 80, "matched": True}],
               [{"type": "modify-listener", "port": 8080}])
    assert names(meta) == ["web"]
    assert [li["Port"] for li in meta["matched"][0]["c7n:MatchedListeners"]] == [80]
    ports = [li["Port"] for li in lb.client.describe_listeners(LoadBalancerArn=arn)["Listeners"]]
    assert ports == [8080]
    assert names(run(ctx, [{"type": "listener", "key": "Port", "value": 8080}])) == ["web"]


def test_delete_listener(ctx, lb):
    arn, _ = lb("web")
    run(ctx, [{"type": "listener", "key": "Port", "value": 80}], ["delete-listener"])
    assert lb.client.describe_listeners(LoadBalancerArn=arn)["Listeners"] == []


def problems(data):
    return [m for _, m, _ in PolicyChecker({"name": "p", **data}).run()]


def test_listener_requirements_are_validated():
    assert any("needs a listener filter" in m for m in problems(
        {"resource": "app-elb", "actions": [{"type": "modify-listener", "port": 1}]}))
    assert any("earlier listener filter" in m for m in problems(
        {"resource": "app-elb", "filters": [
            {"type": "listener", "key": "Port", "value": 1, "matched": True}]}))
    assert problems({"resource": "app-elb", "filters": [
        {"not": [{"type": "listener", "key": "Port", "value": 1}]}],
        "actions": [{"type": "modify-listener", "port": 1}]}) == []
    assert any("needs a listener filter" in m for m in problems(
        {"resource": "app-elb", "actions": ["delete-listener"]}))
    assert any("bucket and prefix" in m for m in problems(
        {"resource": "app-elb", "actions": [{"type": "set-s3-logging", "state": "enabled"}]}))


def test_logging_and_attributes(ctx, lb):
    lb("logged", tags={"team": "web"})
    lb("quiet")
    run(ctx, [{"LoadBalancerName": "logged"}], [
        {"type": "set-s3-logging", "state": "enabled", "bucket": "logs",
         "prefix": "{team}/{LoadBalancerName}"}])
    meta = run(ctx, ["is-logging"])
    assert names(meta) == ["logged"]
    assert meta["matched"][0]["Attributes"]["access_logs.s3.prefix"] == "web/logged"
    assert names(run(ctx, [{"type": "is-logging", "prefix": "web/logged"}])) == ["logged"]
    assert names(run(ctx, [{"type": "is-logging", "log-type": "connection"}])) == []
    assert names(run(ctx, ["is-not-logging"])) == ["quiet"]
    assert names(run(ctx, [{"type": "is-not-logging", "bucket": "other"}])) == ["logged", "quiet"]
    run(ctx, [{"LoadBalancerName": "quiet"}], [
        {"type": "modify-attributes", "attributes": {"deletion_protection.enabled": True,
                                                     "idle_timeout.timeout_seconds": 120}}])
    meta = run(ctx, [{"type": "attributes", "key": "deletion_protection.enabled",
                      "value": True}])
    assert names(meta) == ["quiet"]
    assert meta["matched"][0]["Attributes"]["idle_timeout.timeout_seconds"] == 120


def test_delete_force_lifts_deletion_protection_first(ctx, lb):
    lb("protected")
    calls = []
    client = ResourceManager.for_type(ctx, "app-elb").client()
    client.meta.events.register("provide-client-params.elastic-load-balancing-v2.*",
                                lambda params, model, **kw: calls.append((model.name, params)))
    run(ctx, [], ["delete"])
    assert [c[0] for c in calls if c[0] != "DescribeLoadBalancers"] == ["DeleteLoadBalancer"]
    lb("again")
    calls.clear()
    run(ctx, [], [{"type": "delete", "force": True}])
    writes = [c for c in calls if not c[0].startswith("Describe")]
    assert [c[0] for c in writes] == ["ModifyLoadBalancerAttributes", "DeleteLoadBalancer"]
    assert writes[0][1]["Attributes"] == [{"Key": "deletion_protection.enabled", "Value": "false"}]
    assert lb.client.describe_load_balancers()["LoadBalancers"] == []


def test_target_group_filters(ctx, lb):
    lb("match")
    lb("mismatch", health="HTTPS")
    assert names(run(ctx, ["healthcheck-protocol-mismatch"])) == ["mismatch"]
    assert names(run(ctx, [{"type": "target-group", "key": "[].HealthCheckProtocol",
                            "value": ["HTTPS"], "op": "intersect"}])) == ["mismatch"]


def test_target_group_type(ctx, lb):
    _, tg = lb("web")
    lone = lb.client.create_target_group(Name="lone", Protocol="HTTP", Port=80,
                                         VpcId=lb.vpc)["TargetGroups"][0]["TargetGroupArn"]
    meta = run(ctx, [{"TargetGroupName": "web-tg"}, {"type": "value",
                     "key": "TargetHealthDescriptions", "value": "empty"}],
               resource="app-elb-target-group")
    assert names(meta, "TargetGroupName") == ["web-tg"]
    run(ctx, [{"TargetGroupName": "lone"}], [
        {"type": "modify-attributes", "attributes": {"deregistration_delay.timeout_seconds": 30}}],
        resource="app-elb-target-group")
    meta = run(ctx, [{"type": "attributes", "key": "deregistration_delay.timeout_seconds",
                      "value": 30}], resource="app-elb-target-group")
    assert names(meta, "TargetGroupName") == ["lone"]
    run(ctx, [{"TargetGroupName": "lone"}], ["delete"], resource="app-elb-target-group")
    assert [t["TargetGroupArn"] for t in lb.client.describe_target_groups()["TargetGroups"]] == [tg]


def test_default_vpc(ctx, lb):
    lb("custom-vpc")
    assert names(run(ctx, ["default-vpc"])) == []
    assert names(run(ctx, [{"type": "vpc", "key": "VpcId", "value": lb.vpc}])) == ["custom-vpc"]
