"""VPCs against moto: the related filters by VPC, vpc-attributes, dhcp-options, flow-logs,
set-flow-log, modify, delete-empty, and the ``network-addr`` alias of ``elastic-ip``."""
import pytest

from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

ROLE = "arn:aws:iam::123456789012:role/flow-logs"


def run(ctx, resource, filters=(), actions=()):
    return Policy({"name": "p", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def ids(meta, key):
    return sorted(r[key] for r in meta["matched"])


def problems(data):
    return [m for _, m, _ in PolicyChecker(dict({"name": "p"}, **data)).run()]


def tags(**kv):
    return [{"Key": k, "Value": v} for k, v in kv.items()]


@pytest.fixture
def net(ec2):
    """Two VPCs named a and b (a: a Gray security group, subnet, gateway and endpoint)."""
    a = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": tags(Name="a")}])["Vpc"]["VpcId"]
    b = ec2.create_vpc(CidrBlock="10.2.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": tags(Name="b")}])["Vpc"]["VpcId"]
    ec2.create_security_group(GroupName="g", Description="g", VpcId=a, TagSpecifications=[
        {"ResourceType": "security-group", "Tags": tags(Color="Gray")}])
    ec2.create_subnet(VpcId=a, CidrBlock="10.1.1.0/24", TagSpecifications=[
        {"ResourceType": "subnet", "Tags": tags(Color="Gray")}])
    igw = ec2.create_internet_gateway(TagSpecifications=[
        {"ResourceType": "internet-gateway", "Tags": tags(Color="Gray")}])
    ec2.attach_internet_gateway(InternetGatewayId=igw["InternetGateway"]["InternetGatewayId"],
                                VpcId=a)
    ec2.create_vpc_endpoint(VpcId=a, ServiceName="com.amazonaws.us-east-1.s3")
    return {"a": a, "b": b}


def test_related_filters_by_vpc(ctx, net):
    for name in ("security-group", "subnet", "internet-gateway"):
        meta = run(ctx, "vpc", [{"type": name, "key": "tag:Color", "value": "Gray"}])
        assert ids(meta, "VpcId") == [net["a"]], name
    meta = run(ctx, "vpc", [{"type": "internet-gateway", "key": "tag:Color", "value": "Gray"}])
    assert meta["matched"][0]["c7n:MatchedVpcsIgws"]
    meta = run(ctx, "vpc", [{"type": "vpc-endpoint", "key": "ServiceName",
                             "value": "com.amazonaws.us-east-1.s3"}])
    assert ids(meta, "VpcId") == [net["a"]]
    # b has no subnet at all: none of its subnets matches
    meta = run(ctx, "vpc", [{"tag:Name": "b"}, {"type": "subnet", "key": "CidrBlock",
                                                "value": "absent"}])
    assert meta["matched"] == []
    meta = run(ctx, "vpc", [{"tag:Name": "present"}, {"type": "subnet", "key": "SubnetId",
                                                      "value_type": "resource_count",
                                                      "op": "eq", "value": 0}])
    assert ids(meta, "VpcId") == [net["b"]]


def test_vpc_attributes(ctx, ec2, net):
    ec2.modify_vpc_attribute(VpcId=net["a"], EnableDnsHostnames={"Value": True})
    meta = run(ctx, "vpc", [{"tag:Name": "present"},
                            {"type": "vpc-attributes", "dnshostnames": True}])
    assert ids(meta, "VpcId") == [net["a"]]
    assert meta["matched"][0]["c7n:attributes"] == {"dnshostnames": True}
    meta = run(ctx, "vpc", [{"tag:Name": "present"},
                            {"type": "vpc-attributes", "dnshostnames": False,
                             "dnssupport": True}])
    assert ids(meta, "VpcId") == [net["b"]]


def test_modify_sets_the_attribute(ctx, ec2, net):
    meta = run(ctx, "vpc", [{"tag:Name": "b"}], [{"type": "modify", "dnshostnames": True}])
    assert not meta["errors"]
    got = ec2.describe_vpc_attribute(VpcId=net["b"], Attribute="enableDnsHostnames")
    assert got["EnableDnsHostnames"]["Value"] is True


def test_dhcp_options(ctx, ec2, net):
    dopt = ec2.create_dhcp_options(DhcpConfigurations=[
        {"Key": "domain-name", "Values": ["corp.example"]},
        {"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS", "10.1.0.2"]}])
    ec2.associate_dhcp_options(DhcpOptionsId=dopt["DhcpOptions"]["DhcpOptionsId"],
                               VpcId=net["a"])
    named = [{"tag:Name": "present"}]
    meta = run(ctx, "vpc", named + [{"type": "dhcp-options", "domain-name": "corp.example"}])
    assert ids(meta, "VpcId") == [net["a"]]
    assert meta["matched"][0]["c7n:DhcpConfiguration"]["domain-name"] == ["corp.example"]
    meta = run(ctx, "vpc", named + [{"type": "dhcp-options", "domain-name": "corp.example",
                                     "present": False}])
    # b has no options set ("default"): no option holds (Custodian fails on it)
    assert net["a"] not in ids(meta, "VpcId") and net["b"] in ids(meta, "VpcId")
    # every Amazon-provided server: AmazonProvidedDNS and the VPC's base + 2
    meta = run(ctx, "vpc", named + [{"type": "dhcp-options", "match-operator": "all",
                                     "domain-name-servers": "amazon"}])
    assert net["a"] in ids(meta, "VpcId")
    meta = run(ctx, "vpc", named + [{"type": "dhcp-options",
                                     "domain-name-servers": ["10.1.0.2", "AmazonProvidedDNS"]}])
    assert ids(meta, "VpcId") == [net["a"]]
    # both options must hold (a failed first one is not undone by a later one)
    meta = run(ctx, "vpc", named + [{"type": "dhcp-options", "domain-name": "other.example",
                                     "domain-name-servers": "amazon"}])
    assert net["a"] not in ids(meta, "VpcId")
    assert any("needs one of" in m for m in problems(
        {"resource": "vpc", "filters": [{"type": "dhcp-options", "present": False}]}))


def flow_log(ec2, vpc, traffic="ALL"):
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType=traffic,
                         LogGroupName="/flow", DeliverLogsPermissionArn=ROLE)


def test_flow_logs_legacy_keys(ctx, ec2, net):
    flow_log(ec2, net["a"], "REJECT")
    named = [{"tag:Name": "present"}]
    assert ids(run(ctx, "vpc", named + ["flow-logs"]), "VpcId") == [net["b"]]
    meta = run(ctx, "vpc", named + [{"type": "flow-logs", "enabled": True}])
    assert ids(meta, "VpcId") == [net["a"]]
    assert meta["matched"][0]["c7n:flow-logs"][0]["TrafficType"] == "REJECT"
    meta = run(ctx, "vpc", named + [{"type": "flow-logs", "enabled": True,
                                     "traffic-type": "all"}])
    assert meta["matched"] == []
    meta = run(ctx, "vpc", named + [{"type": "flow-logs", "enabled": True, "op": "not-equal",
                                     "traffic-type": "all"}])
    assert ids(meta, "VpcId") == [net["a"]]
    meta = run(ctx, "vpc", named + [{"type": "flow-logs", "enabled": True, "set-op": "and",
                                     "log-group": "/flow"}])
    assert ids(meta, "VpcId") == [net["a"]]   # b has none: not "all of them match"


def test_flow_logs_attrs(ctx, ec2, net):
    flow_log(ec2, net["a"])
    named = [{"tag:Name": "present"}]
    meta = run(ctx, "vpc", named + [{"type": "flow-logs", "attrs": [{"TrafficType": "ALL"}]}])
    assert ids(meta, "VpcId") == [net["a"]]
    assert meta["matched"][0]["c7n:ListItemMatches"][0]["LogGroupName"] == "/flow"
    meta = run(ctx, "vpc", named + [{"type": "flow-logs", "attrs": [{"TrafficType": "ALL"}],
                                     "count": 0}])
    assert ids(meta, "VpcId") == [net["b"]]
    assert any("legacy" in m for m in problems({"resource": "vpc", "filters": [
        {"type": "flow-logs", "attrs": [], "traffic-type": "all"}]}))


def test_set_flow_log_creates_and_removes(ctx, ec2, aws, net):
    import boto3
    attrs = {"LogGroupName": "/maid/flow", "TrafficType": "ALL",
             "DeliverLogsPermissionArn": ROLE}
    meta = run(ctx, "vpc", [{"tag:Name": "b"}], [{"type": "set-flow-log", "attrs": attrs}])
    assert not meta["errors"], meta["errors"]
    logs = ec2.describe_flow_logs()["FlowLogs"]
    assert [f["ResourceId"] for f in logs] == [net["b"]]
    groups = boto3.client("logs", region_name="us-east-1").describe_log_groups()["logGroups"]
    assert "/maid/flow" in [g["logGroupName"] for g in groups]
    # the legacy top-level keys are the same attrs
    run(ctx, "vpc", [{"tag:Name": "a"}], [dict(attrs, type="set-flow-log")])
    assert len(ec2.describe_flow_logs()["FlowLogs"]) == 2
    run(ctx, "vpc", [{"tag:Name": "b"}], [{"type": "set-flow-log", "state": False}])
    assert [f["ResourceId"] for f in ec2.describe_flow_logs()["FlowLogs"]] == [net["a"]]


def test_set_flow_log_validation():
    assert any("CreateFlowLogs parameter" in m for m in problems({"resource": "vpc", "actions": [
        {"type": "set-flow-log", "attrs": {"LogGroupNme": "x"}}]}))
    assert any("aren't compatible" in m for m in problems({"resource": "vpc", "actions": [
        {"type": "set-flow-log", "attrs": {}, "TrafficType": "ALL"}]}))
    assert not problems({"resource": "eni", "actions": [
        {"type": "set-flow-log", "attrs": {"LogDestinationType": "s3",
                                            "LogDestination": "arn:aws:s3:::b"}}]})


def test_delete_empty(ctx, ec2, net):
    meta = run(ctx, "vpc", [{"tag:Name": "b"}], ["delete-empty"])
    assert not meta["errors"], meta["errors"]
    assert net["b"] not in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]


def test_network_addr_is_an_alias_of_elastic_ip(ctx, ec2):
    data = {"name": "p", "resource": "network-addr", "actions": ["release"]}
    assert not PolicyChecker(data).run()
    assert data["resource"] == "elastic-ip"
    assert not problems({"resource": "aws.network-addr"})
    ec2.allocate_address(Domain="vpc")
    meta = run(ctx, "network-addr", [], ["release"])
    assert len(meta["matched"]) == 1 and not meta["errors"]
    assert ec2.describe_addresses()["Addresses"] == []
