"""The VPC family's resource types, as data (see cloudmaid/resources/declaration.py for the
fields): Cloud Custodian's names, ids, names, dates, ARN types and Config types.

``vpc`` comes first: the ``vpc`` related filter of other types looks VPCs up by id
(``id_filter``), and its own filters look up the types below by VPC.
"""
from ...resources.declaration import ResourceType, Shortcut

_ARN = "arn:{partition}:ec2:{region}:{account}:"

TYPES = (
    ResourceType(
        name="vpc", service="ec2", enum_op="describe_vpcs", enum_path="Vpcs[]", id="VpcId",
        ids_param="VpcIds", id_filter="vpc-id", id_prefix="vpc-", arn=_ARN + "vpc/{id}",
        config_type="AWS::EC2::VPC",
        trail={"CreateVpc": Shortcut("responseElements.vpc.vpcId")},
    ),
    ResourceType(
        # the listing's TagSet is Custodian's Tags
        name="eni", service="ec2", enum_op="describe_network_interfaces",
        enum_path="NetworkInterfaces[]", id="NetworkInterfaceId",
        ids_param="NetworkInterfaceIds", id_filter="network-interface-id", id_prefix="eni-",
        arn=_ARN + "network-interface/{id}", tags="TagSet",
        config_type="AWS::EC2::NetworkInterface",
        trail={"CreateNetworkInterface": Shortcut(
            "responseElements.networkInterface.networkInterfaceId")},
        related={"security-group": "Groups[].GroupId", "subnet": "SubnetId", "vpc": "VpcId"},
    ),
    ResourceType(
        # VPC addresses only: the manager drops EC2-Classic ones (no AllocationId)
        name="elastic-ip", service="ec2", enum_op="describe_addresses", enum_path="Addresses[]",
        id="AllocationId", ids_param="AllocationIds", id_filter="allocation-id",
        id_prefix="eipalloc-", name_key="PublicIp", arn=_ARN + "elastic-ip/{id}",
        config_type="AWS::EC2::EIP", aliases=("network-addr",),
        trail={"AllocateAddress": Shortcut("responseElements.allocationId")},
    ),
    ResourceType(
        name="network-acl", service="ec2", enum_op="describe_network_acls",
        enum_path="NetworkAcls[]", id="NetworkAclId", ids_param="NetworkAclIds",
        id_filter="network-acl-id", id_prefix="acl-", arn=_ARN + "network-acl/{id}",
        config_type="AWS::EC2::NetworkAcl",
        trail={"CreateNetworkAcl": Shortcut("responseElements.networkAcl.networkAclId")},
        related={"subnet": "Associations[].SubnetId"},
    ),
    ResourceType(
        name="internet-gateway", service="ec2", enum_op="describe_internet_gateways",
        enum_path="InternetGateways[]", id="InternetGatewayId", ids_param="InternetGatewayIds",
        id_filter="internet-gateway-id", id_prefix="igw-", arn=_ARN + "internet-gateway/{id}",
        config_type="AWS::EC2::InternetGateway",
        trail={"CreateInternetGateway": Shortcut(
            "responseElements.internetGateway.internetGatewayId")},
    ),
    ResourceType(
        name="nat-gateway", service="ec2", enum_op="describe_nat_gateways",
        enum_path="NatGateways[]", id="NatGatewayId", ids_param="NatGatewayIds",
        id_prefix="nat-", date="CreateTime",   # its describe filter parameter is ``Filter``
        arn=_ARN + "natgateway/{id}", config_type="AWS::EC2::NatGateway",
        # CloudTrail wraps this call's answer in its XML root element
        trail={"CreateNatGateway": Shortcut(
            "responseElements.CreateNatGatewayResponse.natGateway.natGatewayId")},
        related={"subnet": "SubnetId", "vpc": "VpcId"},
    ),
    ResourceType(
        name="route-table", service="ec2", enum_op="describe_route_tables",
        enum_path="RouteTables[]", id="RouteTableId", ids_param="RouteTableIds",
        id_filter="route-table-id", id_prefix="rtb-", arn=_ARN + "route-table/{id}",
        config_type="AWS::EC2::RouteTable",
        trail={"CreateRouteTable": Shortcut("responseElements.routeTable.routeTableId")},
        related={"vpc": "VpcId"},
    ),
    ResourceType(
        name="vpc-endpoint", service="ec2", enum_op="describe_vpc_endpoints",
        enum_path="VpcEndpoints[]", id="VpcEndpointId", ids_param="VpcEndpointIds",
        id_filter="vpc-endpoint-id", id_prefix="vpce-", date="CreationTimestamp",
        arn=_ARN + "vpc-endpoint/{id}", config_type="AWS::EC2::VPCEndpoint",
        trail={"CreateVpcEndpoint": Shortcut(
            "responseElements.CreateVpcEndpointResponse.vpcEndpoint.vpcEndpointId")},
        related={"security-group": "Groups[].GroupId", "subnet": "SubnetIds[]",
                 "vpc": "VpcId"},
    ),
    ResourceType(
        name="peering-connection", service="ec2", enum_op="describe_vpc_peering_connections",
        enum_path="VpcPeeringConnections[]", id="VpcPeeringConnectionId",
        ids_param="VpcPeeringConnectionIds", id_filter="vpc-peering-connection-id",
        id_prefix="pcx-", arn=_ARN + "vpc-peering-connection/{id}",
        config_type="AWS::EC2::VPCPeeringConnection",
        trail={"CreateVpcPeeringConnection": Shortcut(
            "responseElements.vpcPeeringConnection.vpcPeeringConnectionId")},
    ),
    ResourceType(
        # by KeyPairId (Custodian's id); Custodian's get-by-ids passes them as KeyNames
        name="key-pair", service="ec2", enum_op="describe_key_pairs", enum_path="KeyPairs[]",
        id="KeyPairId", ids_param="KeyPairIds", id_filter="key-pair-id", id_prefix="key-",
        name_key="KeyName", arn=_ARN + "key-pair/{id}",
        trail={"CreateKeyPair": Shortcut("responseElements.keyPairId"),
               "ImportKeyPair": Shortcut("responseElements.keyPairId")},
    ),
)
