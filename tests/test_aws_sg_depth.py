"""security-group depth: ``unused``/``used``, ``default-vpc``, ``stale``, ``diff`` + ``patch``,
and the list forms of the permission actions, against moto (botocore's Stubber, with the real
response shapes, for the calls moto lacks: DescribeSecurityGroupReferences,
DescribeStaleSecurityGroups, and Config's history of a security group)."""
import datetime
import io
import json
import zipfile

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.aws.ec2 import sg_diff
from cloudmaid.aws.ec2.sg_usage import SGUsage
from cloudmaid.aws.vpc.interfaces import interface_kind as interface_resource_type
from cloudmaid.context import Context
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.session import SessionFactory
from cloudmaid.validate import PolicyChecker

ACCOUNT = "123456789012"


def fresh(tmp_path):
    """A new run context (listings are cached per run)."""
    return Context(SessionFactory(region="us-east-1"), output_dir=str(tmp_path / "out"))


def run(ctx, filters=(), actions=()):
    return Policy({"name": "p", "resource": "security-group", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def problems(filters=(), actions=()):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "security-group",
                                            "filters": list(filters),
                                            "actions": list(actions)}).run()]


def names(meta):
    return sorted(g["GroupName"] for g in meta["matched"])


@pytest.fixture
def no_peers(monkeypatch):
    """DescribeSecurityGroupReferences (moto lacks it) through the Stubber: ``refs`` lists the
    group ids a peered VPC references."""
    refs = []

    def client(self):
        c = boto3.client("ec2", region_name="us-east-1")
        stub = Stubber(c)
        stub.add_response("describe_security_group_references", {"SecurityGroupReferenceSet": [
            {"GroupId": g, "ReferencingVpcId": "vpc-0peer", "VpcPeeringConnectionId": "pcx-1"}
            for g in refs]})
        stub.activate()
        return c
    monkeypatch.setattr(SGUsage, "references_client", client)
    return refs


def lambda_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("h.py", "def h(e, c):\n    return 1\n")
    return buf.getvalue()


@pytest.fixture
def users(ec2):
    """A VPC with a group for each kind of user, one nobody uses and one only a peer names."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    g = {label: ec2.create_security_group(GroupName=label, Description=label, VpcId=vpc)["GroupId"]
         for label in ("by-eni", "by-rule", "by-lambda", "by-launch-config", "by-template",
                       "by-ecs-target", "by-codebuild", "by-batch", "idle", "peered", "self-only",
                       "referrer")}
    g["vpc"], g["subnet"] = vpc, subnet
    ec2.create_network_interface(SubnetId=subnet, Groups=[g["by-eni"]], Description="ELB app/x/1")
    ec2.authorize_security_group_ingress(GroupId=g["referrer"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
        "UserIdGroupPairs": [{"GroupId": g["by-rule"]}]}])
    ec2.authorize_security_group_ingress(GroupId=g["self-only"], IpPermissions=[{
        "IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": g["self-only"]}]}])
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName="f", Runtime="python3.12", Role=role, Handler="h.h",
        Code={"ZipFile": lambda_zip()},
        VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [g["by-lambda"]]})
    image = ec2.register_image(Name="img", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
        {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
    boto3.client("autoscaling", region_name="us-east-1").create_launch_configuration(
        LaunchConfigurationName="lc", ImageId=image, InstanceType="t3.micro",
        SecurityGroups=[g["by-launch-config"]])
    ec2.create_launch_template(LaunchTemplateName="tmpl", LaunchTemplateData={
        "ImageId": image, "SecurityGroupIds": [g["by-template"]]})
    events = boto3.client("events", region_name="us-east-1")
    events.put_rule(Name="nightly", ScheduleExpression="rate(1 day)")
    events.put_targets(Rule="nightly", Targets=[{
        "Id": "1", "Arn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/c", "RoleArn": role,
        "EcsParameters": {"TaskDefinitionArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/t:1",
                          "LaunchType": "FARGATE", "NetworkConfiguration": {"awsvpcConfiguration": {
                              "Subnets": [subnet], "SecurityGroups": [g["by-ecs-target"]]}}}}])
    boto3.client("codebuild", region_name="us-east-1").create_project(
        name="build", source={"type": "S3", "location": "bucket/src.zip"},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole=role,
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL"},
        vpcConfig={"vpcId": vpc, "subnets": [subnet], "securityGroupIds": [g["by-codebuild"]]})
    boto3.client("batch", region_name="us-east-1").create_compute_environment(
        computeEnvironmentName="compute", type="MANAGED", serviceRole=role,
        computeResources={"type": "FARGATE", "maxvCpus": 4, "subnets": [subnet],
                          "securityGroupIds": [g["by-batch"]]})
    return g


def mine(meta, users):
    return sorted(g["GroupName"] for g in meta["matched"] if g.get("VpcId") == users["vpc"]
                  and g["GroupName"] != "default")


def test_unused_scans_every_kind_of_user(tmp_path, users, no_peers):
    no_peers.append(users["peered"])
    meta = run(fresh(tmp_path), ["unused"])
    # a group naming only itself is unused; "referrer" is named by nobody either
    assert mine(meta, users) == ["idle", "referrer", "self-only"]


def test_used_is_the_complement_and_says_what_uses_it(tmp_path, users, no_peers):
    no_peers.append(users["peered"])
    meta = run(fresh(tmp_path), ["used"])
    assert mine(meta, users) == ["by-batch", "by-codebuild", "by-ecs-target", "by-eni",
                                 "by-lambda", "by-launch-config", "by-rule", "by-template",
                                 "peered"]
    by_name = {g["GroupName"]: g for g in meta["matched"]}
    # moto leaves a fresh interface "available": only in-use ones say what they belong to
    assert by_name["by-rule"]["c7n:InterfaceResourceTypes"] == []
    for g in meta["matched"]:
        assert {"c7n:InstanceOwnerIds", "c7n:InterfaceTypes",
                "c7n:InterfaceResourceTypes"} <= set(g)


def test_used_annotations_from_in_use_interfaces(tmp_path, ec2, no_peers):
    from tests.conftest import run_instances
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    gid = ec2.create_security_group(GroupName="web", Description="w", VpcId=vpc)["GroupId"]
    run_instances(ec2, SubnetId=subnet, SecurityGroupIds=[gid])
    meta = run(fresh(tmp_path), ["used", {"type": "value", "key": "c7n:InterfaceResourceTypes",
                                          "op": "intersect", "value": ["ec2"]}])
    assert [g["GroupId"] for g in meta["matched"]] == [gid]
    assert meta["matched"][0]["c7n:InterfaceTypes"] == ["interface"]


def test_interface_resource_types():
    assert interface_resource_type({"Attachment": {"InstanceId": "i-1"}}) == "ec2"
    assert interface_resource_type({"Description": "ELB app/web/123"}) == "elb-app"
    assert interface_resource_type({"Description": "ELB classic"}) == "elb"
    assert interface_resource_type({"Description": "RDSNetworkInterface"}) == "rds"
    assert interface_resource_type({"Description": "Interface for NAT Gateway nat-1"}) == "nat"
    assert interface_resource_type({"Description": "AWS Lambda VPC ENI-f"}) == "lambda"
    assert interface_resource_type({}) == "unknown"


def test_default_vpc(tmp_path, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    ec2.create_security_group(GroupName="elsewhere", Description="x", VpcId=vpc)
    default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    ec2.create_security_group(GroupName="in-default", Description="x", VpcId=default["VpcId"])
    meta = run(fresh(tmp_path), ["default-vpc"])
    assert {g["VpcId"] for g in meta["matched"]} == {default["VpcId"]}
    assert "in-default" in names(meta) and "elsewhere" not in names(meta)


# --- stale: DescribeStaleSecurityGroups through the Stubber ----------------------------------

def stubbed(ctx, service, client):
    """A security-group manager whose ``service`` client is ``client`` (the others: moto)."""
    manager = ResourceManager.for_type(ctx, "security-group")
    real = manager.client
    manager.client = lambda s=None, r=None: client if s == service else real(s, r)
    return manager


def test_stale_annotates_the_stale_rules_for_remove_permissions(tmp_path, ec2):
    from cloudmaid.aws.ec2.sg_actions import RemovePermissions
    from cloudmaid.aws.ec2.sg_vpc import Stale
    ctx = fresh(tmp_path)
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    gid = ec2.create_security_group(GroupName="s", Description="s", VpcId=vpc)["GroupId"]
    fresh_gid = ec2.create_security_group(GroupName="f", Description="f", VpcId=vpc)["GroupId"]
    gone = ec2.create_security_group(GroupName="gone", Description="g", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupId": gone}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    client = boto3.client("ec2", region_name="us-east-1")
    manager = stubbed(ctx, "ec2", client)
    groups = [g for g in manager.resources() if g["GroupId"] in (gid, fresh_gid)]
    with Stubber(client) as stub:
        stub.add_response("describe_stale_security_groups", {"StaleSecurityGroupSet": [{
            "GroupId": gid, "GroupName": "s", "VpcId": vpc, "Description": "s",
            "StaleIpPermissions": [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                                    "IpRanges": [], "PrefixListIds": [],
                                    "UserIdGroupPairs": [{"GroupId": gone, "UserId": ACCOUNT,
                                                          "PeeringStatus": "deleted",
                                                          "VpcId": vpc}]}],
            "StaleIpPermissionsEgress": []}]}, {"VpcId": vpc})
        found = Stale({"type": "stale"}, manager).process(groups)
        stub.assert_no_pending_responses()
    assert [g["GroupId"] for g in found] == [gid]
    assert found[0]["MatchedIpPermissions"] == [{
        "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
        "UserIdGroupPairs": [{"GroupId": gone, "UserId": ACCOUNT}]}]
    # the stale rule is revoked, the other kept
    ec2_manager = ResourceManager.for_type(ctx, "security-group")
    result = RemovePermissions({"type": "remove-permissions"}, ec2_manager).run(found)
    assert result["succeeded"] == 1, result
    left = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]["IpPermissions"]
    assert [p["FromPort"] for p in left] == [443]


# --- diff and patch: Config's history through the Stubber ------------------------------------

def config_item(group, rules, tags, captured):
    """A GetResourceConfigHistory item for ``group`` as Config records it (lowerCamel keys,
    legacy ipRanges strings beside ipv4Ranges, null ports)."""
    def rule(r):
        return {"ipProtocol": r["IpProtocol"], "fromPort": r.get("FromPort"),
                "toPort": r.get("ToPort"), "userIdGroupPairs": [],
                "ipRanges": [c["CidrIp"] for c in r.get("IpRanges", [])],
                "ipv4Ranges": [{"cidrIp": c["CidrIp"]} for c in r.get("IpRanges", [])],
                "ipv6Ranges": [], "prefixListIds": []}
    configuration = {
        "description": group["Description"], "groupName": group["GroupName"],
        "ipPermissions": [rule(r) for r in rules], "ownerId": group["OwnerId"],
        "groupId": group["GroupId"],
        "ipPermissionsEgress": [{"ipProtocol": "-1", "fromPort": None, "toPort": None,
                                 "userIdGroupPairs": [], "ipRanges": ["0.0.0.0/0"],
                                 "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [],
                                 "prefixListIds": []}],
        "tags": [{"key": k, "value": v} for k, v in tags.items()], "vpcId": group["VpcId"]}
    return {"version": "1.3", "accountId": ACCOUNT, "configurationItemCaptureTime": captured,
            "configurationItemStatus": "OK", "configurationStateId": "1700000000000",
            "configurationItemMD5Hash": "", "resourceType": "AWS::EC2::SecurityGroup",
            "arn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{group['GroupId']}",
            "resourceId": group["GroupId"], "resourceName": group["GroupName"],
            "awsRegion": "us-east-1", "availabilityZone": "Not Applicable", "tags": tags,
            "relatedEvents": [], "relationships": [], "configuration": json.dumps(configuration),
            "supplementaryConfiguration": {}}


OFFICE = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
WORLD = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


@pytest.fixture
def changed(ec2):
    """A group now open to the world and tagged Env=prod; Config recorded it office-only,
    tagged Env=dev, Owner=ops."""
    vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    gid = ec2.create_security_group(GroupName="drift", Description="d", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[WORLD])
    ec2.create_tags(Resources=[gid], Tags=[{"Key": "Env", "Value": "prod"}])
    group = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
    captured = datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)
    return group, config_item(group, [OFFICE], {"Env": "dev", "Owner": "ops"}, captured)


def test_diff_then_patch_restores_the_recorded_revision(tmp_path, ec2, changed):
    group, item = changed
    ctx = fresh(tmp_path)
    config = boto3.client("config", region_name="us-east-1")
    manager = stubbed(ctx, "config", config)
    current = [g for g in manager.resources() if g["GroupId"] == group["GroupId"]]
    with Stubber(config) as stub:
        stub.add_response("get_resource_config_history", {"configurationItems": [item]}, {
            "resourceType": "AWS::EC2::SecurityGroup", "resourceId": group["GroupId"],
            "limit": 2})
        found = sg_diff.Diff({"type": "diff"}, manager).process(current)
        stub.assert_no_pending_responses()
    [g] = found
    delta = g["c7n:diff"]
    assert delta["tags"] == {"removed": {"Owner": "ops"}, "updated": {"Env": "prod"}}
    assert [r["IpRanges"] for r in delta["ingress"]["added"]] == [[{"CidrIp": "0.0.0.0/0"}]]
    assert [r["IpRanges"] for r in delta["ingress"]["removed"]] == [[{"CidrIp": "10.0.0.0/8"}]]
    assert "egress" not in delta   # Config's null ports and legacy ranges are not a change
    assert g["c7n:previous-revision"]["version_id"] == "1700000000000"
    result = sg_diff.Patch({"type": "patch"}, ResourceManager.for_type(ctx, "security-group")).run(found)
    assert result["succeeded"] == 1, result
    now = ec2.describe_security_groups(GroupIds=[group["GroupId"]])["SecurityGroups"][0]
    assert [r["IpRanges"][0]["CidrIp"] for r in now["IpPermissions"]] == ["10.0.0.0/8"]
    assert {t["Key"]: t["Value"] for t in now["Tags"]} == {"Env": "dev", "Owner": "ops"}


def test_diff_by_date_and_not_recorded(tmp_path, ec2, changed):
    group, item = changed
    ctx = fresh(tmp_path)
    config = boto3.client("config", region_name="us-east-1")
    manager = stubbed(ctx, "config", config)
    current = [g for g in manager.resources() if g["GroupId"] == group["GroupId"]]
    when = datetime.datetime(2026, 1, 5, tzinfo=datetime.timezone.utc)
    with Stubber(config) as stub:
        stub.add_response("get_resource_config_history", {"configurationItems": [item]}, {
            "resourceType": "AWS::EC2::SecurityGroup", "resourceId": group["GroupId"],
            "laterTime": when, "limit": 3})
        stub.add_client_error("get_resource_config_history", "ResourceNotDiscoveredException")
        spec = {"type": "diff", "selector": "date", "selector_value": "2026-01-05T00:00:00Z"}
        assert len(sg_diff.Diff(spec, manager).process(current)) == 1
        assert sg_diff.Diff({"type": "diff"}, manager).process(current) == []
        assert current[0]["c7n:previous-revision"] is None
        stub.assert_no_pending_responses()


def test_patch_without_a_revision_writes_nothing(tmp_path, ec2, changed):
    group, _ = changed
    manager = ResourceManager.for_type(fresh(tmp_path), "security-group")
    result = sg_diff.Patch({"type": "patch"}, manager).run([dict(group, **{
        "c7n:previous-revision": None})])
    assert result["succeeded"] == 0 and result["failed"] == []


def test_reverse_calls_are_a_plan():
    group = {"GroupId": "sg-1", "IpPermissions": [WORLD], "Tags": [{"Key": "a", "Value": "1"}]}
    previous = {"GroupId": "sg-1", "IpPermissions": [OFFICE], "Tags": [{"Key": "b", "Value": "2"}]}
    assert sg_diff.reverse_calls(group, previous) == [
        ("delete_tags", {"Resources": ["sg-1"], "Tags": [{"Key": "a"}]}),
        ("create_tags", {"Resources": ["sg-1"], "Tags": [{"Key": "b", "Value": "2"}]}),
        ("revoke_security_group_ingress", {"GroupId": "sg-1", "IpPermissions": [WORLD]}),
        ("authorize_security_group_ingress", {"GroupId": "sg-1", "IpPermissions": [OFFICE]})]
    assert sg_diff.reverse_calls(group, group) == []


def test_diff_and_patch_validation():
    assert problems(["diff"], ["patch"]) == []
    assert any("patch needs a diff filter" in p for p in problems([], ["patch"]))
    assert problems([{"or": [{"type": "diff"}, {"GroupName": "x"}]}], ["patch"]) == []
    assert any("needs a selector_value" in p for p in problems([{"type": "diff", "selector": "date"}]))
    assert any("not a date" in p for p in problems([{"type": "diff", "selector": "date",
                                                     "selector_value": "soon"}]))
    assert any("'locked' filter" in p for p in problems([{"type": "diff", "selector": "locked"}]))
    assert any("goes with selector 'date'" in p for p in problems([{"type": "diff",
                                                                    "selector_value": "2026-01-01"}]))


# --- permission actions: the list forms ------------------------------------------------------

def test_set_permissions_documented_example_runs(tmp_path, ec2):
    """Custodian's ops-access-via example: ``Cidr`` in a remove list names that one CIDR."""
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    gid = ec2.create_security_group(GroupName="ops", Description="o", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    meta = run(fresh(tmp_path), [{"GroupName": "ops"}, {
        "type": "ingress", "IpProtocol": "-1", "Cidr": "0.0.0.0/0"}], [{
        "type": "set-permissions", "remove-ingress": "matched",
        "remove-egress": [{"IpProtocol": "-1", "Cidr": "0.0.0.0/0"}],
        "add-ingress": [{"IpPermissions": [{"IpProtocol": "TCP", "FromPort": 22, "ToPort": 22,
                                            "IpRanges": [{"Description": "Ops SSH Access",
                                                          "CidrIp": "1.1.1.1/32"}]}]}],
        "add-egress": [{"IpProtocol": "TCP", "FromPort": 5044, "ToPort": 5044,
                        "CidrIp": "192.168.1.2/32"}]}])
    assert meta["actions"][0]["succeeded"] == 1, meta["actions"]
    now = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
    assert [(p["IpProtocol"], p["IpRanges"][0]["CidrIp"]) for p in now["IpPermissions"]] == [
        ("tcp", "1.1.1.1/32")]
    assert [(p.get("FromPort"), p["IpRanges"][0]["CidrIp"]) for p in now["IpPermissionsEgress"]] == [
        (5044, "192.168.1.2/32")]


def test_remove_lists_are_checked_against_botocore():
    bad = problems([], [{"type": "set-permissions", "remove-ingress": [
        {"IpProtocol": "tcp", "Port": 22}]}])
    assert any("not IpPermissions" in p and "\"Port\"" in p for p in bad), bad
    assert problems([], [{"type": "remove-permissions", "ingress": "some"}])


def test_remove_permissions_fails_one_group_alone(tmp_path, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    ids = [ec2.create_security_group(GroupName=n, Description=n, VpcId=vpc)["GroupId"]
           for n in ("a", "b")]
    for gid in ids:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[WORLD])
    from cloudmaid.aws.ec2.sg_actions import RemovePermissions
    manager = ResourceManager.for_type(fresh(tmp_path), "security-group")
    groups = [g for g in manager.resources() if g["GroupId"] in ids]
    ec2.delete_security_group(GroupId=ids[0])
    result = RemovePermissions({"type": "remove-permissions", "ingress": "all"}, manager).run(groups)
    assert result["succeeded"] == 1 and [f["id"] for f in result["failed"]] == [ids[0]]
    assert ec2.describe_security_groups(GroupIds=[ids[1]])["SecurityGroups"][0]["IpPermissions"] == []


@pytest.mark.parametrize("filters,types", [
    (["unused"], ("eni", "lambda", "launch-config", "launch-template-version", "security-group")),
    (["diff"], ()),
])
def test_function_zip_holds_the_types_the_filters_read(filters, types):
    from cloudmaid import index
    from cloudmaid.mu.package import module_path, runtime_files
    files = set(runtime_files({"name": "p", "resource": "security-group", "filters": filters,
                               "mode": {"type": "cloudtrail", "events": ["CreateSecurityGroup"]}}))
    wanted = {index.TYPES[t][k] for t in types for k in ("declared", "manager")} - {None}
    if filters == ["diff"]:
        wanted.add(index.TYPES["security-group"]["config"])
    assert {module_path(m) for m in wanted} <= files
