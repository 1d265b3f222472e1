"""The network suite's fleet: two named VPCs, one compliant (flow logs, DNS hostnames, its
own DHCP options, an internet gateway, a public subnet) and one bare, with interfaces,
addresses, network ACLs, route tables, NAT gateway, endpoints, a peering connection and key
pairs on either side of each policy. Every resource carries a Name tag (or, key pairs, a
name): the policies compare names, moto's default VPC resources are left out by them."""
import json

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"


def seed(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)
    ec2 = session.client("ec2", endpoint_url=endpoint, region_name=REGION)

    def named(kind, name, **tags):
        return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}] + [
            {"Key": k, "Value": v} for k, v in tags.items()]}]

    logged = ec2.create_vpc(CidrBlock="10.10.0.0/16",
                            TagSpecifications=named("vpc", "parity-vpc-logged"))["Vpc"]["VpcId"]
    bare = ec2.create_vpc(CidrBlock="10.20.0.0/16",
                          TagSpecifications=named("vpc", "parity-vpc-bare"))["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=logged, EnableDnsHostnames={"Value": True})
    ec2.create_flow_logs(ResourceIds=[logged], ResourceType="VPC", TrafficType="ALL",
                         LogGroupName="/parity/flow-logs",
                         DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/flow-logs")
    dhcp = ec2.create_dhcp_options(DhcpConfigurations=[
        {"Key": "domain-name", "Values": ["corp.parity.example"]},
        {"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS"]}])
    ec2.associate_dhcp_options(DhcpOptionsId=dhcp["DhcpOptions"]["DhcpOptionsId"], VpcId=logged)

    public = ec2.create_subnet(
        VpcId=logged, CidrBlock="10.10.1.0/24", AvailabilityZone="us-east-1a",
        TagSpecifications=named("subnet", "parity-public", Location="Public"))["Subnet"]["SubnetId"]
    private = ec2.create_subnet(
        VpcId=bare, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1b",
        TagSpecifications=named("subnet", "parity-private"))["Subnet"]["SubnetId"]
    web = ec2.create_security_group(GroupName="parity-web", Description="web", VpcId=logged,
                                    TagSpecifications=named("security-group", "parity-web"))
    igw = ec2.create_internet_gateway(TagSpecifications=named(
        "internet-gateway", "parity-igw-attached"))["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=logged)
    ec2.create_internet_gateway(TagSpecifications=named("internet-gateway", "parity-igw-spare"))

    ec2.create_network_interface(SubnetId=public, Groups=[web["GroupId"]],
                                 TagSpecifications=named("network-interface", "parity-eni-web"))
    plain = ec2.create_network_interface(SubnetId=private, TagSpecifications=named(
        "network-interface", "parity-eni-plain"))["NetworkInterface"]["NetworkInterfaceId"]

    bound = ec2.allocate_address(Domain="vpc", TagSpecifications=named(
        "elastic-ip", "parity-eip-bound"))["AllocationId"]
    ec2.associate_address(AllocationId=bound, NetworkInterfaceId=plain)
    ec2.allocate_address(Domain="vpc", TagSpecifications=named("elastic-ip", "parity-eip-free"))
    nat_ip = ec2.allocate_address(Domain="vpc", TagSpecifications=named(
        "elastic-ip", "parity-eip-nat"))["AllocationId"]
    ec2.create_nat_gateway(SubnetId=public, AllocationId=nat_ip,
                           TagSpecifications=named("natgateway", "parity-nat"))

    acl = ec2.create_network_acl(VpcId=logged, TagSpecifications=named(
        "network-acl", "parity-acl-public"))["NetworkAcl"]["NetworkAclId"]
    default_acl = ec2.describe_network_acls(Filters=[
        {"Name": "vpc-id", "Values": [logged]}, {"Name": "default", "Values": ["true"]}])
    association = next(a["NetworkAclAssociationId"]
                       for a in default_acl["NetworkAcls"][0]["Associations"]
                       if a["SubnetId"] == public)
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    ec2.create_network_acl(VpcId=bare, TagSpecifications=named("network-acl", "parity-acl-bare"))

    routed = ec2.create_route_table(VpcId=logged, TagSpecifications=named(
        "route-table", "parity-rtb-public"))["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=routed, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=routed, SubnetId=public)
    ec2.create_route_table(VpcId=bare, TagSpecifications=named("route-table", "parity-rtb-bare"))

    ec2.create_vpc_endpoint(VpcId=logged, ServiceName="com.amazonaws.us-east-1.s3",
                            TagSpecifications=named("vpc-endpoint", "parity-vpce-open"))
    own = {"Version": "2012-10-17", "Statement": [{
        "Sid": "Own", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "*", "Resource": "*"}]}
    ec2.create_vpc_endpoint(VpcId=bare, ServiceName="com.amazonaws.us-east-1.dynamodb",
                            PolicyDocument=json.dumps(own),
                            TagSpecifications=named("vpc-endpoint", "parity-vpce-own"))

    ec2.create_vpc_peering_connection(VpcId=logged, PeerVpcId=bare, TagSpecifications=named(
        "vpc-peering-connection", "parity-pcx"))

    for key in ("parity-key-used", "parity-key-spare"):
        ec2.create_key_pair(KeyName=key)
    image = ec2.register_image(Name="parity-base", RootDeviceName="/dev/sda1",
                               BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                                                     "Ebs": {"VolumeSize": 8}}])["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                      KeyName="parity-key-used", SubnetId=public)
    return {"vpcs": 2, "subnets": 2, "interfaces": 2, "addresses": 3, "acls": 2,
            "route_tables": 2, "internet_gateways": 2, "nat_gateways": 1, "endpoints": 2,
            "peering_connections": 1, "key_pairs": 2}
