"""Interfaces, elastic IPs, network ACLs, route tables, gateways, endpoints, peering
connections and key pairs against moto: their filters and actions."""
import json

import pytest

from cloudmaid.policy import Policy

from .conftest import make_ami


def run(ctx, resource, filters=(), actions=()):
    return Policy({"name": "p", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def ids(meta, key):
    return sorted(r[key] for r in meta["matched"])


def spec(kind, **kv):
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in kv.items()]}]


@pytest.fixture
def net(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24",
                               TagSpecifications=spec("subnet", Location="Public"))
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return {"vpc": vpc, "public": public["Subnet"]["SubnetId"],
            "private": private["Subnet"]["SubnetId"], "sg": sg}


# -- eni --------------------------------------------------------------------------------------
def test_eni_related_filters_and_delete(ctx, ec2, net):
    a = ec2.create_network_interface(SubnetId=net["public"], Groups=[net["sg"]])
    b = ec2.create_network_interface(SubnetId=net["private"])
    a_id = a["NetworkInterface"]["NetworkInterfaceId"]
    b_id = b["NetworkInterface"]["NetworkInterfaceId"]
    meta = run(ctx, "eni", [{"type": "subnet", "key": "tag:Location", "value": "Public"}])
    assert ids(meta, "NetworkInterfaceId") == [a_id]
    assert meta["matched"][0]["c7n:matched-subnets"] == [net["public"]]
    meta = run(ctx, "eni", [{"type": "security-group", "key": "IpPermissions[].FromPort",
                             "value": 22, "op": "contains"}])
    assert ids(meta, "NetworkInterfaceId") == [a_id]
    meta = run(ctx, "eni", [{"type": "vpc", "key": "CidrBlock", "value": "10.1.0.0/16"}])
    assert ids(meta, "NetworkInterfaceId") == sorted([a_id, b_id])
    meta = run(ctx, "eni", [{"NetworkInterfaceId": b_id}], ["delete"])
    assert not meta["errors"]
    left = [e["NetworkInterfaceId"] for e in ec2.describe_network_interfaces()["NetworkInterfaces"]]
    assert b_id not in left and a_id in left


def test_eni_detach_skips_primary_interfaces(ctx, ec2, net):
    instance = ec2.run_instances(ImageId=make_ami(ec2), MinCount=1, MaxCount=1,
                                 InstanceType="t3.micro", SubnetId=net["public"])["Instances"][0]
    extra = ec2.create_network_interface(SubnetId=net["public"])["NetworkInterface"]
    ec2.attach_network_interface(NetworkInterfaceId=extra["NetworkInterfaceId"],
                                 InstanceId=instance["InstanceId"], DeviceIndex=1)
    meta = run(ctx, "eni", [{"Attachment.InstanceId": instance["InstanceId"]}], ["detach"])
    assert len(meta["matched"]) == 2
    result = meta["actions"][0]
    assert result["succeeded"] == 1 and result["skipped"] == [
        instance["NetworkInterfaces"][0]["NetworkInterfaceId"]]
    got = ec2.describe_network_interfaces(NetworkInterfaceIds=[extra["NetworkInterfaceId"]])
    assert not got["NetworkInterfaces"][0].get("Attachment", {}).get("InstanceId")


# -- elastic-ip -------------------------------------------------------------------------------
@pytest.fixture
def addresses(ec2, net):
    eni = ec2.create_network_interface(SubnetId=net["public"])["NetworkInterface"]
    bound = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=bound, NetworkInterfaceId=eni["NetworkInterfaceId"])
    free = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return {"bound": bound, "free": free}


def allocations(ec2):
    return sorted(a["AllocationId"] for a in ec2.describe_addresses()["Addresses"])


def test_release_skips_associated_addresses_without_force(ctx, ec2, addresses):
    meta = run(ctx, "elastic-ip", [], ["release"])
    assert meta["actions"][0]["skipped"] == [addresses["bound"]]
    assert allocations(ec2) == [addresses["bound"]]
    meta = run(ctx, "elastic-ip", [], [{"type": "release", "force": True}])
    assert not meta["errors"] and allocations(ec2) == []


def test_disassociate_keeps_the_address(ctx, ec2, addresses):
    meta = run(ctx, "elastic-ip", [], ["disassociate"])
    assert not meta["errors"]
    assert allocations(ec2) == sorted(addresses.values())
    assert not any(a.get("AssociationId") for a in ec2.describe_addresses()["Addresses"])


# -- network-acl ------------------------------------------------------------------------------
S3_CIDRS = ["52.216.0.0/15", "54.231.0.0/17"]


def prefix_lists_client():
    """moto's prefix lists have no Cidrs: DescribePrefixLists stubbed with AWS's shape."""
    import boto3
    from botocore.stub import Stubber
    client = boto3.client("ec2", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response("describe_prefix_lists", {"PrefixLists": [
        {"PrefixListId": "pl-63a5400a", "PrefixListName": "com.amazonaws.us-east-1.s3",
         "Cidrs": S3_CIDRS}]})
    stub.activate()
    return client


def s3_cidr(ctx, acls, **data):
    from cloudmaid.aws.vpc.network import AclS3Cidrs
    from cloudmaid.resources.manager import ResourceManager
    manager = ResourceManager.for_type(ctx, "network-acl")
    client = prefix_lists_client()
    manager.client = lambda *a, **k: client
    return sorted(a["NetworkAclId"] for a in AclS3Cidrs(dict(type="s3-cidr", **data),
                                                         manager).process(acls))


def entry(number, action, cidr, egress):
    return {"RuleNumber": number, "Protocol": "-1", "RuleAction": action, "Egress": egress,
            "CidrBlock": cidr}


def test_s3_cidr_first_rule_by_number_decides(ctx):
    allow_all = {"NetworkAclId": "acl-allow", "Entries": [
        entry(100, "allow", "0.0.0.0/0", True), entry(100, "allow", "0.0.0.0/0", False),
        entry(32767, "deny", "0.0.0.0/0", True), entry(32767, "deny", "0.0.0.0/0", False)]}
    deny_one = {"NetworkAclId": "acl-deny", "Entries": [
        entry(200, "allow", "0.0.0.0/0", True), entry(200, "allow", "0.0.0.0/0", False),
        entry(100, "deny", "54.231.0.0/16", False),
        {"RuleNumber": 50, "Protocol": "-1", "RuleAction": "deny", "Egress": False,
         "Ipv6CidrBlock": "::/0"}]}
    acls = [allow_all, deny_one]
    assert s3_cidr(ctx, acls) == ["acl-deny"]
    assert s3_cidr(ctx, acls, present=True) == ["acl-allow"]
    assert s3_cidr(ctx, acls, present=True, ingress=False) == ["acl-allow", "acl-deny"]


def test_network_acl_subnet(ctx, ec2, net):
    acl = ec2.create_network_acl(VpcId=net["vpc"])["NetworkAcl"]["NetworkAclId"]
    default = ec2.describe_network_acls(Filters=[{"Name": "default", "Values": ["true"]}, {
        "Name": "vpc-id", "Values": [net["vpc"]]}])["NetworkAcls"][0]
    ec2.replace_network_acl_association(
        AssociationId=next(a["NetworkAclAssociationId"] for a in default["Associations"]
                           if a["SubnetId"] == net["public"]), NetworkAclId=acl)
    meta = run(ctx, "network-acl", [{"type": "subnet", "key": "tag:Location",
                                     "value": "Public"}])
    assert ids(meta, "NetworkAclId") == [acl]


# -- route-table ------------------------------------------------------------------------------
def test_route_table_route_subnet_and_vpc(ctx, ec2, net):
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=net["vpc"])
    table = ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=net["private"])
    meta = run(ctx, "route-table", [{"type": "route", "key": "GatewayId", "value": "igw-*",
                                     "op": "glob"}])
    assert ids(meta, "RouteTableId") == [table]
    assert meta["matched"][0]["c7n:matched-routes"][0]["GatewayId"] == igw
    # the main table serves the subnets associated with no table (public)
    meta = run(ctx, "route-table", [{"VpcId": net["vpc"]}, {
        "type": "subnet", "key": "tag:Location", "value": "Public"}])
    main = [t["RouteTableId"] for t in ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [net["vpc"]]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"]]
    assert ids(meta, "RouteTableId") == main
    meta = run(ctx, "route-table", [{"type": "subnet", "key": "SubnetId",
                                     "value": net["private"]}])
    assert ids(meta, "RouteTableId") == [table]
    meta = run(ctx, "route-table", [{"type": "vpc", "key": "CidrBlock", "value": "10.1.0.0/16"}])
    assert table in ids(meta, "RouteTableId")


# -- gateways, endpoints ----------------------------------------------------------------------
def test_internet_gateway_delete_fails_alone_when_attached(ctx, ec2, net):
    attached = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=attached, VpcId=net["vpc"])
    free = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    meta = run(ctx, "internet-gateway", [], ["delete"])
    result = meta["actions"][0]
    assert result["succeeded"] == 1
    assert [f["id"] for f in result["failed"]] == [attached]
    left = [g["InternetGatewayId"] for g in ec2.describe_internet_gateways()["InternetGateways"]]
    assert left == [attached] and free not in left


def test_nat_gateway_related_and_delete(ctx, ec2, net):
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=net["public"],
                                 AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    meta = run(ctx, "nat-gateway", [{"type": "subnet", "key": "tag:Location",
                                     "value": "Public"}])
    assert ids(meta, "NatGatewayId") == [nat]
    meta = run(ctx, "vpc", [{"type": "nat-gateway", "key": "SubnetId",
                             "value": net["public"]}])
    assert ids(meta, "VpcId") == [net["vpc"]]
    meta = run(ctx, "nat-gateway", [], ["delete"])
    assert not meta["errors"]
    state = ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"]
    assert state in ("deleting", "deleted")


POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Outside", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
     "Action": "s3:GetObject", "Resource": "*"}]}


def test_vpc_endpoint_filters_and_delete(ctx, ec2, net):
    open_ = ec2.create_vpc_endpoint(VpcId=net["vpc"], ServiceName="com.amazonaws.us-east-1.s3",
                                    PolicyDocument=json.dumps(POLICY))["VpcEndpoint"]
    own = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "*", "Resource": "*"}]}
    iface = ec2.create_vpc_endpoint(VpcId=net["vpc"], VpcEndpointType="Interface",
                                    ServiceName="com.amazonaws.us-east-1.sqs",
                                    PolicyDocument=json.dumps(own),
                                    SubnetIds=[net["public"]],
                                    SecurityGroupIds=[net["sg"]])["VpcEndpoint"]
    meta = run(ctx, "vpc-endpoint", ["cross-account"])
    assert ids(meta, "VpcEndpointId") == [open_["VpcEndpointId"]]
    assert meta["matched"][0]["c7n:CrossAccountViolations"][0]["Sid"] == "Outside"
    meta = run(ctx, "vpc-endpoint", [{"type": "has-statement", "statement_ids": ["Outside"]}])
    assert ids(meta, "VpcEndpointId") == [open_["VpcEndpointId"]]
    meta = run(ctx, "vpc-endpoint", [{"type": "subnet", "key": "tag:Location",
                                      "value": "Public"}])
    assert ids(meta, "VpcEndpointId") == [iface["VpcEndpointId"]]
    meta = run(ctx, "vpc-endpoint", [{"type": "security-group", "key": "GroupName",
                                      "value": "web"}])
    assert ids(meta, "VpcEndpointId") == [iface["VpcEndpointId"]]
    meta = run(ctx, "vpc-endpoint", [{"VpcEndpointId": iface["VpcEndpointId"]}], ["delete"])
    assert not meta["errors"]
    states = {e["VpcEndpointId"]: e["State"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]}
    assert states.get(iface["VpcEndpointId"], "deleted").lower() == "deleted"
    assert states[open_["VpcEndpointId"]] == "available"


# -- peering-connection -----------------------------------------------------------------------
def peering(pcx, accepter_owner):
    return {"VpcPeeringConnectionId": pcx,
            "AccepterVpcInfo": {"OwnerId": accepter_owner, "VpcId": "vpc-0fedcba9876543210",
                                "Region": "us-east-1"},
            "RequesterVpcInfo": {"OwnerId": "123456789012", "VpcId": "vpc-0123456789abcdef0",
                                 "Region": "us-east-1"},
            "Status": {"Code": "active", "Message": "Active"}}


def test_peering_cross_account_checks_every_connection(ctx):
    """(moto peers only VPCs it holds: connections as DescribeVpcPeeringConnections shows
    them.) Custodian checks only the first connection of a batch."""
    from cloudmaid.aws.vpc.network import PeeringCrossAccount
    from cloudmaid.resources.manager import ResourceManager
    manager = ResourceManager.for_type(ctx, "peering-connection")
    batch = [peering("pcx-own", "123456789012"), peering("pcx-a", "999999999999"),
             peering("pcx-b", "888888888888")]
    found = PeeringCrossAccount({"type": "cross-account"}, manager).process(batch)
    assert [r["VpcPeeringConnectionId"] for r in found] == ["pcx-a", "pcx-b"]
    assert found[0]["c7n:CrossAccountViolations"] == ["999999999999"]
    found = PeeringCrossAccount({"type": "cross-account", "whitelist": ["999999999999"]},
                                manager).process([peering("pcx-a", "999999999999")])
    assert found == []


def test_peering_missing_route(ctx, ec2, net):
    own = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    local = ec2.create_vpc_peering_connection(VpcId=net["vpc"], PeerVpcId=own)
    local_id = local["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    # routes in one of the two own VPCs only: still missing a route
    table = ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.2.0.0/16",
                     VpcPeeringConnectionId=local_id)
    meta = run(ctx, "peering-connection", [{"VpcPeeringConnectionId": local_id},
                                           "missing-route"])
    assert ids(meta, "VpcPeeringConnectionId") == [local_id]
    ctx.cache.clear()   # a new run: the route tables are listed again
    peer_table = ec2.create_route_table(VpcId=own)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=peer_table, DestinationCidrBlock="10.1.0.0/16",
                     VpcPeeringConnectionId=local_id)
    meta = run(ctx, "peering-connection", [{"VpcPeeringConnectionId": local_id},
                                           "missing-route"])
    assert meta["matched"] == []


# -- key-pair ---------------------------------------------------------------------------------
def test_key_pair_unused_and_delete(ctx, ec2, net):
    used = ec2.create_key_pair(KeyName="used")["KeyPairId"]
    spare = ec2.create_key_pair(KeyName="spare")["KeyPairId"]
    ec2.run_instances(ImageId=make_ami(ec2), MinCount=1, MaxCount=1, InstanceType="t3.micro",
                      KeyName="used")
    assert ids(run(ctx, "key-pair", ["unused"]), "KeyPairId") == [spare]
    meta = run(ctx, "key-pair", [{"type": "unused", "state": False}])
    assert ids(meta, "KeyPairId") == [used]
    # delete never removes a key in use, whatever the filters
    meta = run(ctx, "key-pair", [], ["delete"])
    result = meta["actions"][0]
    assert result["skipped"] == [used] and result["succeeded"] == 1 and not result["failed"]
    # (moto's DeleteKeyPair honours KeyName only; AWS takes the KeyPairId sent)


def test_key_pair_used_by_auto_scaling_launch_template(ctx, ec2, net):
    import boto3
    ec2.create_key_pair(KeyName="asg-key")
    ec2.create_launch_template(LaunchTemplateName="tmpl", LaunchTemplateData={
        "ImageId": make_ami(ec2), "InstanceType": "t3.micro", "KeyName": "asg-key"})
    boto3.client("autoscaling", region_name="us-east-1").create_auto_scaling_group(
        AutoScalingGroupName="g", MinSize=0, MaxSize=1, DesiredCapacity=0,
        LaunchTemplate={"LaunchTemplateName": "tmpl", "Version": "$Latest"},
        VPCZoneIdentifier=net["public"])
    assert run(ctx, "key-pair", ["unused"])["matched"] == []


# -- used-by, service-details, cross-az-nat-gateway-route, resolver-query-logging --------------
def test_elastic_ip_used_by(ctx, ec2, net):
    instance = ec2.run_instances(ImageId=make_ami(ec2), MinCount=1, MaxCount=1,
                                 InstanceType="t3.micro", SubnetId=net["public"])["Instances"][0]
    on_instance = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=on_instance, InstanceId=instance["InstanceId"])
    lambda_eni = ec2.create_network_interface(SubnetId=net["public"],
                                              Description="AWS Lambda VPC ENI-fn")
    on_lambda = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=on_lambda, NetworkInterfaceId=lambda_eni[
        "NetworkInterface"]["NetworkInterfaceId"])
    ec2.allocate_address(Domain="vpc")
    meta = run(ctx, "elastic-ip", [{"type": "used-by", "resource-type": "ec2"}])
    assert ids(meta, "AllocationId") == [on_instance]
    meta = run(ctx, "elastic-ip", [{"type": "used-by", "resource-type": "lambda"}])
    assert ids(meta, "AllocationId") == [on_lambda]


def test_vpc_endpoint_service_details(ctx, ec2, net):
    endpoint = ec2.create_vpc_endpoint(VpcId=net["vpc"],
                                       ServiceName="com.amazonaws.us-east-1.s3")["VpcEndpoint"]
    meta = run(ctx, "vpc-endpoint", [{"type": "service-details", "key": "ServiceName",
                                      "value": "com.amazonaws.us-east-1.s3"}])
    assert ids(meta, "VpcEndpointId") == [endpoint["VpcEndpointId"]]
    assert meta["matched"][0]["c7n:ServiceDetails"]["ServiceName"] == endpoint["ServiceName"]
    meta = run(ctx, "vpc-endpoint", [{"type": "service-details", "key": "ServiceType[].ServiceType",
                                      "value": "Nope", "op": "contains"}])
    assert meta["matched"] == []


def test_cross_az_nat_gateway_route(ctx, ec2, net):
    far = ec2.create_subnet(VpcId=net["vpc"], CidrBlock="10.1.3.0/24",
                            AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    near = ec2.create_subnet(VpcId=net["vpc"], CidrBlock="10.1.4.0/24",
                             AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat_subnet = ec2.create_subnet(VpcId=net["vpc"], CidrBlock="10.1.5.0/24",
                                   AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    nat = ec2.create_nat_gateway(SubnetId=nat_subnet,
                                 AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    crossing, local = (ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
                       for _ in range(2))
    for table, subnet in ((crossing, far), (local, near)):
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    meta = run(ctx, "route-table", ["cross-az-nat-gateway-route"])
    assert ids(meta, "RouteTableId") == [crossing]
    assert meta["matched"][0]["c7n:nat-az-mismatch"] == {
        nat: {"NatGatewayAz": "us-east-1a", "Subnets": {far: "us-east-1b"}}}


def test_resolver_query_logging(ctx, ec2, net):
    import boto3
    other = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    resolver = boto3.client("route53resolver", region_name="us-east-1")
    config = resolver.create_resolver_query_log_config(
        Name="q", DestinationArn="arn:aws:s3:::query-logs", CreatorRequestId="1")
    resolver.associate_resolver_query_log_config(
        ResolverQueryLogConfigId=config["ResolverQueryLogConfig"]["Id"], ResourceId=net["vpc"])
    mine = [{"type": "value", "key": "VpcId", "op": "in", "value": [net["vpc"], other]}]
    meta = run(ctx, "vpc", mine + ["resolver-query-logging"])
    assert ids(meta, "VpcId") == [net["vpc"]]
    assert meta["matched"][0]["c7n:resolver-logging"]["Name"] == "q"
    meta = run(ctx, "vpc", mine + [{"type": "resolver-query-logging", "state": False}])
    assert ids(meta, "VpcId") == [other]


# -- modify-security-groups -------------------------------------------------------------------
def test_modify_security_groups(ctx, ec2, net):
    quarantine = ec2.create_security_group(GroupName="quarantine", Description="q",
                                           VpcId=net["vpc"])["GroupId"]
    tagged = ec2.create_security_group(GroupName="tagged", Description="t", VpcId=net["vpc"],
                                       TagSpecifications=spec("security-group", Team="a"))
    eni = ec2.create_network_interface(SubnetId=net["public"], Groups=[net["sg"]])
    eni_id = eni["NetworkInterface"]["NetworkInterfaceId"]

    def groups():
        got = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])
        return sorted(g["GroupId"] for g in got["NetworkInterfaces"][0]["Groups"])
    mine = [{"NetworkInterfaceId": eni_id}]
    # matched groups removed; none left: the isolation group, given by name
    meta = run(ctx, "eni", mine + [{"type": "security-group", "key": "GroupName",
                                    "value": "web"}],
               [{"type": "modify-security-groups", "remove": "matched",
                 "isolation-group": "quarantine"}])
    assert not meta["errors"] and groups() == [quarantine]
    ctx.cache.clear()
    run(ctx, "eni", mine, [{"type": "modify-security-groups",
                            "add-by-tag": {"key": "Team", "values": ["a"]}, "add": ["web"]}])
    assert groups() == sorted([quarantine, tagged["GroupId"], net["sg"]])
    ctx.cache.clear()
    meta = run(ctx, "eni", mine, [{"type": "modify-security-groups", "add": "missing"}])
    assert "no security group named" in meta["actions"][0]["failed"][0]["error"]


def test_modify_security_groups_validation():
    from cloudmaid.validate import PolicyChecker

    def problems(action):
        return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "eni",
                                                "actions": [action]}).run()]
    assert any("give add, add-by-tag" in m for m in problems(
        {"type": "modify-security-groups", "remove": ["sg-1"]}))
    assert any("isolation-group" in m for m in problems(
        {"type": "modify-security-groups", "remove": "all", "add": []}))
    assert not problems({"type": "modify-security-groups", "isolation-group": "sg-1",
                         "remove": "all"})
