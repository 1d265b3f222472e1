"""VPC family seeders: VPCs, interfaces, elastic IPs, network ACLs, gateways, route tables,
endpoints, peering connections, key pairs. They live in a VPC of their own (``net_vpc``), so
that deleting one does not disturb the other services' seeds."""
from . import ACCOUNT, ZONE, action_options, named, seeder

FLOW_LOG = {"attrs": {"LogGroupName": "/maid/flow-logs", "TrafficType": "ALL",
                      "DeliverLogsPermissionArn": f"arn:aws:iam::{ACCOUNT}:role/flow-logs"}}


def net_vpc(world):
    return world.shared("net-vpc", lambda w: w.ec2.create_vpc(
        CidrBlock="10.200.0.0/16")["Vpc"]["VpcId"])


def net_subnet(world):
    return world.shared("net-subnet", lambda w: w.ec2.create_subnet(
        VpcId=net_vpc(w), CidrBlock="10.200.0.0/20", AvailabilityZone=ZONE)["Subnet"]["SubnetId"])


def net_group(world):
    """A security group ``modify-security-groups`` adds by its tag."""
    return world.shared("net-group", lambda w: w.ec2.create_security_group(
        GroupName="maid-net-extra", Description="extra", VpcId=net_vpc(w),
        TagSpecifications=[{"ResourceType": "security-group",
                            "Tags": [{"Key": "maid-net", "Value": "extra"}]}])["GroupId"])


def net_instance(world):
    """An untagged instance in the seeds' subnet, for interfaces and addresses to attach to."""
    return world.shared("net-instance", lambda w: w.ec2.run_instances(
        ImageId=w.base_image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        SubnetId=net_subnet(w))["Instances"][0]["InstanceId"])


@seeder("vpc", "cloudtrail-create-vpc.json")
def vpc(world, label):
    n = world.number(label)
    return [world.ec2.create_vpc(CidrBlock=f"10.{n % 200}.0.0/16",
                                 TagSpecifications=world.spec("vpc", label))["Vpc"]["VpcId"]]


@seeder("eni", "cloudtrail-create-network-interface.json")
def interface(world, label):
    """An interface attached to an instance as its second one, so that ``detach`` has
    something to do (``delete`` is then refused by AWS, but asked)."""
    net_group(world)
    eni = world.ec2.create_network_interface(
        SubnetId=net_subnet(world), TagSpecifications=world.spec("network-interface", label))
    eni_id = eni["NetworkInterface"]["NetworkInterfaceId"]
    attachment = world.ec2.attach_network_interface(
        NetworkInterfaceId=eni_id, InstanceId=net_instance(world), DeviceIndex=1)
    named(label, attachment["AttachmentId"])
    return [eni_id]


@seeder("elastic-ip", "cloudtrail-allocate-address.json")
def address(world, label):
    """An address associated with an interface (``disassociate``, ``release`` with force)."""
    eni = world.ec2.create_network_interface(SubnetId=net_subnet(world))
    allocation = world.ec2.allocate_address(Domain="vpc",
                                            TagSpecifications=world.spec("elastic-ip", label))
    association = world.ec2.associate_address(
        AllocationId=allocation["AllocationId"],
        NetworkInterfaceId=eni["NetworkInterface"]["NetworkInterfaceId"])
    named(label, association["AssociationId"])
    return [allocation["AllocationId"]]


@seeder("network-acl", "cloudtrail-create-network-acl.json")
def network_acl(world, label):
    return [world.ec2.create_network_acl(
        VpcId=net_vpc(world),
        TagSpecifications=world.spec("network-acl", label))["NetworkAcl"]["NetworkAclId"]]


@seeder("internet-gateway", "cloudtrail-create-internet-gateway.json")
def internet_gateway(world, label):
    return [world.ec2.create_internet_gateway(
        TagSpecifications=world.spec("internet-gateway", label))
        ["InternetGateway"]["InternetGatewayId"]]


@seeder("nat-gateway", "cloudtrail-create-nat-gateway.json")
def nat_gateway(world, label):
    allocation = world.ec2.allocate_address(Domain="vpc")["AllocationId"]
    return [world.ec2.create_nat_gateway(
        SubnetId=net_subnet(world), AllocationId=allocation,
        TagSpecifications=world.spec("natgateway", label))["NatGateway"]["NatGatewayId"]]


@seeder("route-table", "cloudtrail-create-route-table.json")
def route_table(world, label):
    return [world.ec2.create_route_table(
        VpcId=net_vpc(world),
        TagSpecifications=world.spec("route-table", label))["RouteTable"]["RouteTableId"]]


@seeder("vpc-endpoint", "cloudtrail-create-vpc-endpoint.json")
def vpc_endpoint(world, label):
    return [world.ec2.create_vpc_endpoint(
        VpcId=net_vpc(world), ServiceName="com.amazonaws.us-east-1.s3",
        TagSpecifications=world.spec("vpc-endpoint", label))["VpcEndpoint"]["VpcEndpointId"]]


@seeder("peering-connection", "cloudtrail-create-vpc-peering-connection.json")
def peering(world, label):
    peer = world.shared("net-peer-vpc", lambda w: w.ec2.create_vpc(
        CidrBlock="10.201.0.0/16")["Vpc"]["VpcId"])
    return [world.ec2.create_vpc_peering_connection(
        VpcId=net_vpc(world), PeerVpcId=peer,
        TagSpecifications=world.spec("vpc-peering-connection", label))
        ["VpcPeeringConnection"]["VpcPeeringConnectionId"]]


@seeder("key-pair", "cloudtrail-create-key-pair.json")
def key_pair(world, label):
    return [world.ec2.create_key_pair(
        KeyName=label, TagSpecifications=world.spec("key-pair", label))["KeyPairId"]]


action_options("vpc", {"modify": {"dnshostnames": True}, "set-flow-log": FLOW_LOG})
action_options("eni", {"set-flow-log": FLOW_LOG, "modify-security-groups": {
    "add-by-tag": {"key": "maid-net", "values": ["extra"]}}})
action_options("subnet", {"set-flow-log": FLOW_LOG})
action_options("elastic-ip", {"release": {"force": True}})
