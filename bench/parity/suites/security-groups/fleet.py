"""The security-groups suite's fleet: groups in the default VPC and in a VPC of their own, each
named (Name tag), with rules on either side of each permission filter: SSH open to the world
and to an office range, web ports, a port range, IPv6, a self reference, a reference to a group
tagged ``Access: Public``, and a group whose default all-traffic egress rule was revoked."""
import boto3

REGION = "us-east-1"


def tcp(lo, hi=None, cidr="0.0.0.0/0"):
    return {"IpProtocol": "tcp", "FromPort": lo, "ToPort": hi or lo,
            "IpRanges": [{"CidrIp": cidr}]}


def seed(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)
    ec2 = session.client("ec2", endpoint_url=endpoint, region_name=REGION)
    default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    own = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    made = {}

    def group(name, vpc, ingress=(), **tags):
        tags = {"Name": name, **tags}
        gid = ec2.create_security_group(
            GroupName=name, Description=name, VpcId=vpc, TagSpecifications=[{
                "ResourceType": "security-group",
                "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}])["GroupId"]
        if ingress:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=list(ingress))
        made[name] = gid
        return gid

    group("sg-ssh-world", own, [tcp(22)])
    group("sg-ssh-office", own, [tcp(22, cidr="10.1.0.0/16")])
    group("sg-web", own, [tcp(443), tcp(80)])
    group("sg-range", own, [tcp(1000, 2000)])
    group("sg-rdp-world-default-vpc", default["VpcId"], [tcp(3389)])
    group("sg-quiet-default-vpc", default["VpcId"])
    group("sg-v6", own, [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                          "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    me = group("sg-self", own)
    ec2.authorize_security_group_ingress(GroupId=me, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
        "UserIdGroupPairs": [{"GroupId": me}]}])
    public = group("sg-public", own, Access="Public")
    group("sg-refs-public", own, [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                   "UserIdGroupPairs": [{"GroupId": public}]}])
    closed = group("sg-no-egress", own)
    ec2.revoke_security_group_egress(GroupId=closed, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return {"groups": sorted(made)}
