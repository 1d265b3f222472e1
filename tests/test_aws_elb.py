"""Classic ELB: tags in batches, filters and actions with Custodian's semantics, against moto."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager

HTTP = {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 80}
HTTPS = {"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP",
         "InstancePort": 80, "SSLCertificateId": "arn:aws:iam::123456789012:server-certificate/x"}


@pytest.fixture
def elb(aws):
    return boto3.client("elb", region_name="us-east-1")


def make(elb, name, listeners=(HTTP,), tags=None, **kw):
    if tags:
        kw["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    elb.create_load_balancer(LoadBalancerName=name, Listeners=list(listeners),
                             AvailabilityZones=["us-east-1a"], **kw)
    return name


def run(ctx, filters=(), actions=()):
    return Policy({"name": "p", "resource": "elb", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def names(meta):
    return sorted(r["LoadBalancerName"] for r in meta["matched"])


def test_tags_read_twenty_per_call_only_when_needed(ctx, elb):
    for i in range(23):
        make(elb, f"lb-{i:02d}", tags={"n": str(i)})
    calls = []
    client = ResourceManager.for_type(ctx, "elb").client()
    client.meta.events.register("provide-client-params.elastic-load-balancing.DescribeTags",
                                lambda params, **kw: calls.append(params["LoadBalancerNames"]))
    assert len(run(ctx, [{"DNSName": "present"}])["matched"]) == 23
    assert calls == []          # no filter reads tags: no DescribeTags
    assert names(run(ctx, [{"tag:n": "7"}])) == ["lb-07"]
    assert sorted(len(c) for c in calls) == [3, 20]


def test_get_by_ids_skips_a_gone_name(ctx, elb):
    make(elb, "here")
    m = ResourceManager.for_type(ctx, "elb")
    assert [r["LoadBalancerName"] for r in m.get_resources(["here", "gone"])] == ["here"]


def test_is_ssl_and_healthcheck_mismatch(ctx, elb):
    make(elb, "plain")
    make(elb, "secure", [HTTP, HTTPS])
    make(elb, "tcp-check")
    elb.configure_health_check(LoadBalancerName="tcp-check", HealthCheck={
        "Target": "TCP:80", "Interval": 30, "Timeout": 5, "UnhealthyThreshold": 2,
        "HealthyThreshold": 2})
    elb.configure_health_check(LoadBalancerName="plain", HealthCheck={
        "Target": "HTTP:80/", "Interval": 30, "Timeout": 5, "UnhealthyThreshold": 2,
        "HealthyThreshold": 2})
    assert names(run(ctx, ["is-ssl"])) == ["secure"]
    assert "tcp-check" in names(run(ctx, ["healthcheck-protocol-mismatch"]))
    assert "plain" not in names(run(ctx, ["healthcheck-protocol-mismatch"]))


def test_logging_filters_and_actions(ctx, elb):
    make(elb, "logged")
    make(elb, "quiet")
    meta = run(ctx, [{"LoadBalancerName": "logged"}], [
        {"type": "enable-s3-logging", "bucket": "logs", "prefix": "elb", "emit_interval": 5}])
    assert not meta["errors"], meta["errors"]
    log = elb.describe_load_balancer_attributes(LoadBalancerName="logged")[
        "LoadBalancerAttributes"]["AccessLog"]
    assert log["Enabled"] and log["S3BucketName"] == "logs" and log["EmitInterval"] == 5
    assert names(run(ctx, ["is-logging"])) == ["logged"]
    assert names(run(ctx, [{"type": "is-logging", "bucket": "other"}])) == []
    assert names(run(ctx, ["is-not-logging"])) == ["quiet"]
    assert names(run(ctx, [{"type": "is-not-logging", "prefix": "other"}])) == ["logged", "quiet"]
    assert names(run(ctx, [{"type": "attributes", "key": "AccessLog.S3BucketName",
                            "value": "logs"}])) == ["logged"]
    run(ctx, ["is-logging"], ["disable-s3-logging"])
    assert names(run(ctx, ["is-logging"])) == []


def test_ssl_policy_and_set_ssl_listener_policy(ctx, elb):
    make(elb, "secure", [HTTPS])
    make(elb, "plain")
    elb.create_load_balancer_policy(
        LoadBalancerName="secure", PolicyName="old-ssl", PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[{"AttributeName": "Protocol-SSLv3", "AttributeValue": "true"},
                          {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"},
                          {"AttributeName": "Protocol-TLSv1", "AttributeValue": "false"}])
    elb.set_load_balancer_policies_of_listener(LoadBalancerName="secure", LoadBalancerPort=443,
                                               PolicyNames=["old-ssl"])
    meta = run(ctx, [{"type": "ssl-policy", "blacklist": ["Protocol-SSLv3"]}])
    assert names(meta) == ["secure"]
    assert meta["matched"][0]["ProhibitedPolicies"] == ["Protocol-SSLv3"]
    assert names(run(ctx, [{"type": "ssl-policy", "whitelist": ["Protocol-TLSv1.2"]}])) \
        == ["secure"]
    assert names(run(ctx, [{"type": "ssl-policy", "matching": "^Protocol-TLS",
                            "whitelist": ["Protocol-TLSv1.2"]}])) == []
    meta = run(ctx, [{"type": "ssl-policy", "blacklist": ["Protocol-SSLv3"]}], [
        {"type": "set-ssl-listener-policy", "name": "tls12",
         "attributes": ["Protocol-TLSv1.2"]}])
    assert not meta["errors"], meta["errors"]
    listener = elb.describe_load_balancers(LoadBalancerNames=["secure"])[
        "LoadBalancerDescriptions"][0]["ListenerDescriptions"][0]
    assert len(listener["PolicyNames"]) == 1 and listener["PolicyNames"][0].startswith("tls12-")
    assert names(run(ctx, [{"type": "ssl-policy", "blacklist": ["Protocol-SSLv3"]}])) == []


def test_ssl_policy_needs_one_list():
    from cloudmaid.validate import PolicyChecker
    problems = PolicyChecker({"name": "p", "resource": "elb", "filters": [
        {"type": "ssl-policy", "whitelist": ["a"], "blacklist": ["b"]}]}).run()
    assert any("either whitelist or blacklist" in m for _, m, _ in problems), problems


def test_delete_and_default_vpc(ctx, elb):
    make(elb, "doomed")
    make(elb, "kept")
    assert names(run(ctx, ["default-vpc"])) == ["doomed", "kept"]   # moto: the default VPC
    meta = run(ctx, [{"LoadBalancerName": "doomed"}], ["delete"])
    assert meta["actions"][0]["succeeded"] == 1
    assert [d["LoadBalancerName"] for d in elb.describe_load_balancers()[
        "LoadBalancerDescriptions"]] == ["kept"]


def test_related_security_group(ctx, elb, ec2):
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    elb.create_load_balancer(LoadBalancerName="grouped", Listeners=[HTTP],
                             Subnets=[subnet["SubnetId"]], SecurityGroups=[sg])
    make(elb, "other")
    assert names(run(ctx, [{"type": "security-group", "key": "GroupName", "value": "web"}])) \
        == ["grouped"]


def test_instance_filter(ctx, elb, ec2):
    from .conftest import run_instances
    web, other = run_instances(ec2, 2)
    ec2.create_tags(Resources=[web], Tags=[{"Key": "role", "Value": "web"}])
    make(elb, "fronted")
    make(elb, "empty")
    elb.register_instances_with_load_balancer(
        LoadBalancerName="fronted", Instances=[{"InstanceId": web}, {"InstanceId": other}])
    meta = run(ctx, [{"type": "instance", "key": "tag:role", "value": "web"}])
    assert names(meta) == ["fronted"]
    assert [i["InstanceId"] for i in meta["matched"][0]["c7n:MatchedInstances"]] == [web]
