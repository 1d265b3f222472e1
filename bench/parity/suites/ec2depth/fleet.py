"""The ec2depth suite's fleet: instances on either side of the instance-profile, VPC and spot
filters. An admin instance (its profile's role has admin-policy and a *FullAccess policy,
default VPC), a plain one (a Production-tagged role without policies, in the Gray VPC, whose
subnet is tagged Production too), a bare one without a profile (Gray VPC) and a spot instance. Every instance has a ``Name`` tag."""
import json

REGION = "us-east-1"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
S3 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


def seed(endpoint):
    import boto3
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)
    ec2 = session.client("ec2", endpoint_url=endpoint, region_name=REGION)
    iam = session.client("iam", endpoint_url=endpoint, region_name=REGION)

    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Color", "Value": "Gray"}])
    gray = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24",
                             AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    ec2.create_tags(Resources=[gray], Tags=[{"Key": "Environment", "Value": "Production"}])
    image = ec2.register_image(Name="parity-ec2depth", RootDeviceName="/dev/sda1",
                               BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                                                     "Ebs": {"VolumeSize": 8}}])["ImageId"]

    policies = {name: iam.create_policy(PolicyName=name, PolicyDocument=S3)["Policy"]["Arn"]
                for name in ("admin-policy", "ParityS3FullAccess")}
    for role, tag, attached in (("parity-admin-role", "Development", list(policies.values())),
                                ("parity-plain-role", "Production", [])):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST,
                        Tags=[{"Key": "Environment", "Value": tag}])
        for arn in attached:
            iam.attach_role_policy(RoleName=role, PolicyArn=arn)
        profile = role.replace("-role", "-profile")
        iam.create_instance_profile(InstanceProfileName=profile, Path="/parity/")
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)

    def instance(name, **kw):
        # every instance says Environment: Production (only the plain role agrees)
        ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          TagSpecifications=[{"ResourceType": "instance", "Tags": [
                              {"Key": "Name", "Value": name},
                              {"Key": "Environment", "Value": "Production"}]}], **kw)

    instance("parity-admin", IamInstanceProfile={"Name": "parity-admin-profile"})
    instance("parity-plain", IamInstanceProfile={"Name": "parity-plain-profile"}, SubnetId=gray)
    instance("parity-bare", SubnetId=gray)
    spot = ec2.request_spot_instances(
        SpotPrice="0.1", InstanceCount=1,
        LaunchSpecification={"ImageId": image, "InstanceType": "t3.micro"},
        TagSpecifications=[{"ResourceType": "spot-instances-request", "Tags": [
            {"Key": "Billing", "Value": "b1"}]}])["SpotInstanceRequests"][0]
    ec2.create_tags(Resources=[spot["InstanceId"]], Tags=[{"Key": "Name",
                                                          "Value": "parity-spot"}])
    return {"ec2": ["parity-admin", "parity-bare", "parity-plain", "parity-spot"],
            "iam-role": ["parity-admin-role", "parity-plain-role"]}
