"""EC2 instance filters on Systems Manager, the instance profile's role, the image metadata and
the VPC, against moto; where moto lacks the API (DescribeInstanceInformation,
ListInventoryEntries, ListResourceComplianceSummaries, DescribeInstanceImageMetadata,
SimulatePrincipalPolicy), botocore's Stubber answers with the real response shapes."""
import datetime
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from cloudmaid.policy import Policy
from cloudmaid.resources.related import lookup
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances

ACCOUNT = "123456789012"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def run(ctx, ids, filters=(), actions=()):
    return Policy({"name": "p", "resource": "ec2", "filters": [
        {"type": "value", "key": "InstanceId", "op": "in", "value": list(ids)}, *filters],
        "actions": list(actions)}, ctx).run()


def matched(meta):
    return sorted(r["InstanceId"] for r in meta["matched"])


def problems(*filters, actions=()):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ec2",
                                            "filters": list(filters),
                                            "actions": list(actions)}).run()]


def stubbed(ctx, service):
    """A Stubber on a fresh ``service`` client the run's session factory hands out."""
    client = boto3.client(service, region_name="us-east-1")
    made = ctx.session_factory.client
    ctx.session_factory.client = lambda name, *a, **k: \
        client if name == service else made(name, *a, **k)
    return Stubber(client)


# -- ssm ---------------------------------------------------------------------------------
def info(iid, ping="Online", platform="Ubuntu"):
    return {"InstanceId": iid, "PingStatus": ping, "PlatformName": platform,
            "PlatformType": "Linux", "PlatformVersion": "18.04", "AgentVersion": "3.2.0",
            "ResourceType": "EC2Instance"}


def test_ssm_filters_on_instance_information(ctx, ec2):
    a, b, c = run_instances(ec2, count=3)
    stub = stubbed(ctx, "ssm")
    # one call for the batch; c is not managed by SSM (absent from the answer)
    stub.add_response("describe_instance_information", {"InstanceInformationList": [
        info(a), info(b, ping="ConnectionLost")]},
        {"Filters": [{"Key": "InstanceIds", "Values": ANY}]})
    with stub:
        meta = run(ctx, [a, b, c], [{"type": "ssm", "key": "PingStatus", "value": "Online"},
                                    {"type": "ssm", "key": "PlatformName", "value": "Ubuntu"}])
    assert matched(meta) == [a]
    assert meta["matched"][0]["c7n:SsmState"]["AgentVersion"] == "3.2.0"
    stub.assert_no_pending_responses()


def test_ssm_unmanaged_instance_has_empty_state(ctx, ec2):
    (a,) = run_instances(ec2)
    stub = stubbed(ctx, "ssm")
    stub.add_response("describe_instance_information", {"InstanceInformationList": []})
    with stub:
        meta = run(ctx, [a], [{"type": "ssm", "key": "PingStatus", "value": "absent"}])
    assert matched(meta) == [a] and meta["matched"][0]["c7n:SsmState"] == {}


def test_ssm_inventory_query_and_paging(ctx, ec2):
    a, b = run_instances(ec2, count=2)
    query = [{"Key": "Name", "Values": ["docker"], "Type": "Equal"}]
    stub = stubbed(ctx, "ssm")
    entry = {"Name": "docker", "Version": "20.10"}
    stub.add_response("list_inventory_entries", {"InstanceId": a, "Entries": [entry],
                                                 "NextToken": "t"},
                      {"InstanceId": a, "TypeName": "AWS:Application", "Filters": query})
    stub.add_response("list_inventory_entries", {"InstanceId": a, "Entries": [entry]},
                      {"InstanceId": a, "TypeName": "AWS:Application", "Filters": query,
                       "NextToken": "t"})
    stub.add_response("list_inventory_entries", {"InstanceId": b, "Entries": []},
                      {"InstanceId": b, "TypeName": "AWS:Application", "Filters": query})
    with stub:
        # one instance at a time: the stub answers in order
        meta_a = run(ctx, [a], [{"type": "ssm-inventory", "query": query}])
        meta_b = run(ctx, [b], [{"type": "ssm-inventory", "query": query}])
    assert matched(meta_a) == [a] and matched(meta_b) == []
    assert meta_a["matched"][0]["c7n:SSM-Inventory"] == [entry, entry]


def summary(iid, status="NON_COMPLIANT", kind="Patch", executed=None):
    executed = executed or datetime.datetime.now(datetime.timezone.utc)
    return {"ComplianceType": kind, "ResourceType": "ManagedInstance", "ResourceId": iid,
            "Status": status, "OverallSeverity": "CRITICAL",
            "ExecutionSummary": {"ExecutionTime": executed}}


def test_ssm_compliance_sends_the_filters_and_evaluates(ctx, ec2):
    a, b, c = run_instances(ec2, count=3)
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    stub = stubbed(ctx, "ssm")
    stub.add_response("list_resource_compliance_summaries", {
        "ResourceComplianceSummaryItems": [summary(a), summary(b, executed=old)]},
        {"Filters": [
            {"Key": "Status", "Values": ["NON_COMPLIANT"], "Type": "EQUAL"},
            {"Key": "ComplianceType", "Values": ["Association", "Patch"], "Type": "EQUAL"},
            {"Key": "OverallSeverity", "Values": ["CRITICAL", "HIGH"], "Type": "EQUAL"}]})
    with stub:
        meta = run(ctx, [a, b, c], [{
            "type": "ssm-compliance", "compliance_types": ["Association", "Patch"],
            "severity": ["CRITICAL", "HIGH"], "states": ["NON_COMPLIANT"],
            "eval_filters": [{"type": "value", "key": "ExecutionSummary.ExecutionTime",
                              "value_type": "age", "value": 30, "op": "less-than"}]}])
    assert matched(meta) == [a]
    assert meta["matched"][0]["c7n:ssm-compliance"][0]["ComplianceType"] == "Patch"


def test_ssm_compliance_op_and_needs_every_eval_filter(ctx, ec2):
    a, b = run_instances(ec2, count=2)
    stub = stubbed(ctx, "ssm")
    for _ in range(2):
        stub.add_response("list_resource_compliance_summaries", {
            "ResourceComplianceSummaryItems": [summary(a, status="COMPLIANT"),
                                               summary(b, status="COMPLIANT", kind="Custom")]})
    spec = {"type": "ssm-compliance", "compliance_types": ["Patch", "Custom"],
            "states": ["COMPLIANT"],
            "eval_filters": [{"ComplianceType": "Patch"}, {"Status": "COMPLIANT"}]}
    with stub:
        every = run(ctx, [a, b], [dict(spec, op="and")])
        one = run(ctx, [a, b], [spec])
    assert matched(every) == [a]
    assert matched(one) == sorted([a, b])


def test_ssm_validation():
    assert any("compliance_types" in m for m in problems({"type": "ssm-compliance"}))
    assert problems({"type": "ssm-compliance", "compliance_types": ["Patch"],
                     "eval_filters": [{"type": "value", "key": "x", "op": "bogus"}]})
    assert problems({"type": "ssm-inventory", "query": [{"Key": "Name"}]})


# -- image-metadata ----------------------------------------------------------------------
def test_image_metadata_even_for_a_deregistered_image(ctx, ec2):
    a, b = run_instances(ec2, count=2)
    stub = stubbed(ctx, "ec2")
    stub.add_response("describe_instances", ec2.describe_instances(InstanceIds=[a, b]))
    stub.add_response("describe_instance_image_metadata", {"InstanceImageMetadata": [
        {"InstanceId": a, "InstanceType": "t3.micro", "ImageMetadata": {
            "ImageId": "ami-12345678", "State": "deregistered", "IsPublic": False}},
        {"InstanceId": b, "InstanceType": "t3.micro", "ImageMetadata": {
            "ImageId": "ami-12345679", "State": "available", "IsPublic": False}}]},
        {"InstanceIds": ANY})
    with stub:
        meta = run(ctx, [a, b], [{"type": "image-metadata", "key": "State",
                                  "value": "deregistered"}])
    assert matched(meta) == [a]
    assert meta["matched"][0]["c7n:image-metadata"]["ImageId"] == "ami-12345678"


# -- the instance profile's role ----------------------------------------------------------
@pytest.fixture
def profiled(ctx, ec2):
    """Instances: one whose profile's role has AdministratorAccess-like policies attached,
    one whose profile has a plain role, one without a profile."""
    iam = boto3.client("iam", region_name="us-east-1")
    out = {}
    for name, policies in (("admin", ["AmazonS3FullAccess", "admin-policy"]), ("plain", [])):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST,
                        Tags=[{"Key": "Environment", "Value": name}])
        iam.create_instance_profile(InstanceProfileName=f"{name}-profile", Path="/app/")
        iam.add_role_to_instance_profile(InstanceProfileName=f"{name}-profile", RoleName=name)
        for p in policies:
            arn = iam.create_policy(PolicyName=p, PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))["Policy"]["Arn"]
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        (out[name],) = run_instances(ec2, IamInstanceProfile={"Name": f"{name}-profile"})
    (out["none"],) = run_instances(ec2)
    return out


def test_has_specific_managed_policy(ctx, profiled):
    every = list(profiled.values())
    meta = run(ctx, every, [{"type": "has-specific-managed-policy", "value": "admin-policy"}])
    assert matched(meta) == [profiled["admin"]]
    assert [p["PolicyName"] for p in meta["matched"][0]["c7n:MatchedPolicies"]] == ["admin-policy"]
    meta = run(ctx, every, [{"type": "has-specific-managed-policy", "op": "glob",
                             "value": "*FullAccess"}])
    assert matched(meta) == [profiled["admin"]]
    meta = run(ctx, every, [{"type": "has-specific-managed-policy", "key": "PolicyArn",
                             "op": "regex", "value": "arn:aws:iam::.*:policy/none"}])
    assert matched(meta) == []


def test_iam_role_filter_reads_the_profile_role(ctx, profiled):
    meta = run(ctx, list(profiled.values()), [{"type": "iam-role", "key": "tag:Environment",
                                               "value": "plain"}])
    assert matched(meta) == [profiled["plain"]]
    assert meta["matched"][0]["c7n:matched-iam-roles"] == ["plain"]


def evaluation(action, decision):
    return {"EvalActionName": action, "EvalResourceName": "*", "EvalDecision": decision}


def test_check_permissions_simulates_the_profile_role(ctx, profiled):
    # the profiles are read (from moto) before the simulator is stubbed
    lookup(ctx, "iam-profile", ["admin-profile", "plain-profile"])
    stub = stubbed(ctx, "iam")
    for role, decision in (("admin", "allowed"), ("plain", "implicitDeny")):
        stub.add_response("simulate_principal_policy", {"EvaluationResults": [
            evaluation("s3:PutObject", decision)], "IsTruncated": False}, {
            "PolicySourceArn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
            "ActionNames": ["s3:PutObject"],
            "PermissionsBoundaryPolicyInputList": [ANY]})
    ordered = [profiled["admin"], profiled["plain"], profiled["none"]]
    with stub:
        meta = run(ctx, ordered, [{"type": "check-permissions", "match": "allowed",
                                   "actions": ["s3:PutObject"], "boundaries": False}])
    stub.assert_no_pending_responses()
    assert matched(meta) == [profiled["admin"]]
    assert meta["matched"][0]["c7n:perm-matches"][0]["EvalDecision"] == "allowed"


def test_check_permissions_validation():
    assert any("<service>:<action>" in m for m in problems(
        {"type": "check-permissions", "match": "allowed", "actions": ["PutObject"]}))


# -- vpc / default-vpc -------------------------------------------------------------------
def test_vpc_and_default_vpc(ctx, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Color", "Value": "Gray"}])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    (inside,) = run_instances(ec2, SubnetId=subnet)
    (default,) = run_instances(ec2)
    meta = run(ctx, [inside, default], [{"type": "vpc", "key": "tag:Color", "value": "Gray"}])
    assert matched(meta) == [inside]
    assert matched(run(ctx, [inside, default], ["default-vpc"])) == [default]


# -- cost-optimization (and resize enacting its Rightsize) --------------------------------
def recommendation(iid, savings, target="t3.nano", action="Rightsize"):
    return {"recommendationId": f"rec-{iid}", "accountId": ACCOUNT, "region": "us-east-1",
            "resourceId": iid, "resourceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{iid}",
            "currentResourceType": "Ec2Instance", "recommendedResourceType": "Ec2Instance",
            "estimatedMonthlySavings": savings, "actionType": action,
            "implementationEffort": "VeryLow", "restartNeeded": True,
            "recommendationLookbackPeriodInDays": 14,
            "currentResourceSummary": "t3.micro", "recommendedResourceSummary": target}


def test_cost_optimization_rightsize_and_resize(ctx, ec2):
    big, small, none = run_instances(ec2, count=3)
    ec2.stop_instances(InstanceIds=[big, small, none])
    stub = stubbed(ctx, "cost-optimization-hub")
    stub.add_response("list_recommendations", {"items": [
        recommendation(big, 40.0), recommendation(small, 5.0)]}, {"filter": {
            "actionTypes": ["Rightsize"], "regions": ["us-east-1"],
            "resourceTypes": ["Ec2Instance"], "implementationEfforts": ["VeryLow", "Low"]}})
    with stub:
        meta = run(ctx, [big, small, none], [{
            "type": "cost-optimization", "efforts": ["VeryLow", "Low"],
            "attrs": [{"actionType": "Rightsize"},
                      {"type": "value", "key": "estimatedMonthlySavings", "value": 30,
                       "op": "gte"}]}], [{"type": "resize"}])
    assert matched(meta) == [big]
    types = {i["InstanceId"]: i["InstanceType"] for r in ec2.describe_instances(
        InstanceIds=[big, small])["Reservations"] for i in r["Instances"]}
    assert types == {big: "t3.nano", small: "t3.micro"}


def test_cost_optimization_action_is_sent(ctx, ec2):
    (a,) = run_instances(ec2)
    stub = stubbed(ctx, "cost-optimization-hub")
    stub.add_response("list_recommendations", {"items": [recommendation(a, 1.0, action="Stop")]},
                      {"filter": {"actionTypes": ["Stop"], "regions": ["us-east-1"],
                                  "resourceTypes": ["Ec2Instance"]}})
    with stub:
        meta = run(ctx, [a], [{"type": "cost-optimization", "action": "Stop"}])
    assert matched(meta) == [a] and meta["matched"][0]["c7n:cost_optimize"]["actionType"] == "Stop"


def test_cost_optimization_attrs_take_generic_filters_only():
    assert any("cannot be used in attrs" in m for m in problems(
        {"type": "cost-optimization", "attrs": [{"type": "marked-for-op", "op": "stop"}]}))
    assert any("unknown filter 'ssm'" in m for m in problems(
        {"type": "cost-optimization", "attrs": [{"type": "ssm", "key": "x", "value": 1}]}))


# -- compute-optimizer -------------------------------------------------------------------
def ec2_recommendation(iid, finding):
    return {"instanceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{iid}",
            "accountId": ACCOUNT, "currentInstanceType": "t3.micro", "finding": finding,
            "recommendationOptions": [{"instanceType": "t3.nano", "rank": 1}]}


def test_compute_optimizer_server_and_client_side(ctx, ec2):
    a, b, c = run_instances(ec2, count=3)
    arns = [f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{i}" for i in (a, b, c)]
    stub = stubbed(ctx, "compute-optimizer")
    stub.add_response("get_ec2_instance_recommendations", {
        "instanceRecommendations": [ec2_recommendation(a, "Overprovisioned")],
        "nextToken": "n"}, {"instanceArns": ANY,
                            "filters": [{"name": "Finding", "values": ["Overprovisioned",
                                                                        "Optimized"]}]})
    stub.add_response("get_ec2_instance_recommendations", {
        "instanceRecommendations": [ec2_recommendation(b, "Optimized")]},
        {"instanceArns": ANY, "nextToken": "n",
         "filters": [{"name": "Finding", "values": ["Overprovisioned", "Optimized"]}]})
    stub.add_response("get_ec2_instance_recommendations", {
        "instanceRecommendations": [ec2_recommendation(a, "Overprovisioned"),
                                    ec2_recommendation(b, "Optimized")]},
        {"instanceArns": ANY})
    with stub:
        server = run(ctx, [a, b, c], [{"type": "compute-optimizer", "filters": {
            "Finding": ["Overprovisioned", "Optimized"]}}])
        client = run(ctx, [a, b, c], [{"type": "compute-optimizer", "key": "finding",
                                       "value": "Overprovisioned"}])
    assert matched(server) == sorted([a, b])
    assert matched(client) == [a]
    assert client["matched"][0]["c7n:ComputeOptimizerRecommendations"][0]["finding"] == \
        "Overprovisioned"
    assert sorted(arns[:2]) == sorted(r["instanceArn"] for m in server["matched"]
                                      for r in m["c7n:ComputeOptimizerRecommendations"])


def test_compute_optimizer_request_is_checked():
    assert any("filters" in m for m in problems(
        {"type": "compute-optimizer", "filters": {"Finding": "Overprovisioned"}}))
    assert problems({"type": "compute-optimizer", "filters": {"Finding": ["Optimized"]},
                     "recommendation-preferences": {"cpuVendorArchitectures": ["AWS_ARM64"]}}) == []


def test_iam_role_tag_mirror(ctx, ec2, profiled):
    ec2.create_tags(Resources=[profiled["admin"]], Tags=[{"Key": "Environment", "Value": "admin"}])
    ec2.create_tags(Resources=[profiled["plain"]], Tags=[{"Key": "Environment", "Value": "prod"}])
    every = list(profiled.values())
    differ = run(ctx, every, [{"type": "iam-role-tag-mirror", "key": "tag:Environment"}])
    assert matched(differ) == [profiled["plain"]]
    (reason,) = differ["matched"][0]["c7n:IamRoleTagMirror"]
    assert reason["reason"] == "TagMismatch" and reason["iam-roles"] == {"plain": "plain"}
    same = run(ctx, every, [{"type": "iam-role-tag-mirror", "key": "tag:Environment",
                             "match": "equal"}])
    assert matched(same) == [profiled["admin"]]
    allowed = run(ctx, every, [{"type": "iam-role-tag-mirror", "key": "tag:Environment",
                                "match": "in", "value": ["admin", "plain", "prod"]}])
    assert matched(allowed) == sorted([profiled["admin"], profiled["plain"]])
    ignored = run(ctx, every, [{"type": "iam-role-tag-mirror", "key": "tag:Environment",
                                "ignore": [{"tag:Environment": "plain"}]}])
    assert matched(ignored) == []
    # a tag only the role has: the instance lacks it, a difference unless missing-ok
    ec2.delete_tags(Resources=[profiled["admin"]], Tags=[{"Key": "Environment"}])
    ctx.cache.clear()   # the run's listings are cached: see the change
    mirror = {"type": "iam-role-tag-mirror", "key": "tag:Environment"}
    lacking = run(ctx, [profiled["admin"]], [mirror])
    assert lacking["matched"][0]["c7n:IamRoleTagMirror"][0]["reason"] == "ResourceMissingTag"
    assert matched(run(ctx, [profiled["admin"]], [dict(mirror, **{"missing-ok": True})])) == []


# -- network-location --------------------------------------------------------------------
def test_network_location_and_removing_the_mismatched_group(ctx, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]

    def tagged(resource, team):
        if team:
            ec2.create_tags(Resources=[resource], Tags=[{"Key": "TEAM_NAME", "Value": team}])
        return resource
    subnet = tagged(ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"],
                    "red")
    group = {team: tagged(ec2.create_security_group(
        GroupName=f"g-{team}", Description=team, VpcId=vpc)["GroupId"], team)
        for team in ("red", "blue", "Enterprise")}
    (agree,) = run_instances(ec2, SubnetId=subnet, SecurityGroupIds=[group["red"]],
                             tags={"TEAM_NAME": "red"})
    (differ,) = run_instances(ec2, SubnetId=subnet, SecurityGroupIds=[
        group["red"], group["blue"], group["Enterprise"]], tags={"TEAM_NAME": "red"})
    (untagged,) = run_instances(ec2, SubnetId=subnet, SecurityGroupIds=[group["red"]])
    every = [agree, differ, untagged]
    location = {"type": "network-location", "compare": ["resource", "security-group"],
                "key": "tag:TEAM_NAME", "ignore": [{"tag:TEAM_NAME": "Enterprise"}]}
    meta = run(ctx, every, [location])
    assert matched(meta) == sorted([differ, untagged])
    reasons = {r["InstanceId"]: r["c7n:NetworkLocation"] for r in meta["matched"]}
    assert {x["reason"] for x in reasons[untagged]} >= {"ResourceLocationAbsent"}
    mismatch = [x for x in reasons[differ] if x["reason"] == "SecurityGroupMismatch"]
    assert mismatch[0]["security-groups"] == {group["blue"]: "blue"}
    assert matched(run(ctx, every, [dict(location, match="equal")])) == [agree]
    # in: every value among the allowed ones (a missing one never is, missing-ok or not)
    assert matched(run(ctx, every, [dict(location, match="in", value=["red", "blue"],
                                         **{"missing-ok": True})])) == sorted([agree, differ])
    assert matched(run(ctx, every, [dict(location, match="in", value=["red"])])) == [agree]
    # every subnet and group counted: the untagged instance's subnet and group agree
    assert matched(run(ctx, every, [{"type": "network-location", "key": "tag:TEAM_NAME",
                                     "compare": ["subnet", "security-group"]}])) == [differ]

    # moto keeps an interface's groups as launched: the request shows what is set
    calls = []
    ctx.session_factory.client("ec2").meta.events.register(
        "provide-client-params.ec2.ModifyNetworkInterfaceAttribute",
        lambda params, **kw: calls.append(params))
    acted = run(ctx, [differ], [location], [{"type": "modify-security-groups",
                                     "remove": "network-location",
                                     "isolation-group": group["Enterprise"]}])
    assert acted["actions"][0]["succeeded"] == 1
    (call,) = calls
    assert sorted(call["Groups"]) == sorted([group["red"], group["Enterprise"]])


# -- subnet igw / nat --------------------------------------------------------------------
def test_subnet_routes_to_internet_or_nat_gateway(ctx, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    public, private, closed = (ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.7.{i}.0/24")[
        "Subnet"]["SubnetId"] for i in (1, 2, 3))
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    nat = ec2.create_nat_gateway(SubnetId=public)["NatGateway"]["NatGatewayId"]
    for subnet, route in ((public, {"GatewayId": igw}), (private, {"NatGatewayId": nat})):
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **route)
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    ec2.create_tags(Resources=[private], Tags=[{"Key": "Tier", "Value": "app"}])
    ids = {}
    for name, subnet in (("public", public), ("private", private), ("closed", closed)):
        (ids[name],) = run_instances(ec2, SubnetId=subnet)
    every = list(ids.values())

    def subnets(**data):
        return matched(run(ctx, every, [dict({"type": "subnet"}, **data)]))
    assert subnets(igw=True) == [ids["public"]]
    assert subnets(igw=False) == sorted([ids["private"], ids["closed"]])
    assert subnets(operator="or", igw=True, nat=True) == sorted([ids["public"], ids["private"]])
    assert subnets(igw=False, nat=False) == [ids["closed"]]
    assert subnets(nat=True, key="tag:Tier", value="app") == [ids["private"]]
    assert subnets(nat=True, key="tag:Tier", value="web") == []
