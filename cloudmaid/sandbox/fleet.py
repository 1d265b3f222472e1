"""A small demo fleet in the sandbox: something for every seed policy to find.

Instances with and without the required tags (``required1``/``required2``, the seed's tag
policy), an instance whose root volume is not encrypted, loose unencrypted volumes, security
groups open to the world, and buckets without default encryption.
"""
from dataclasses import dataclass, field

REQUIRED_TAGS = {"required1": "yes", "required2": "yes"}
ROOT_DEVICE = "/dev/xvda"


@dataclass
class Fleet:
    image_id: str = None
    instances: dict = field(default_factory=dict)        # label -> instance id
    volumes: dict = field(default_factory=dict)          # label -> volume id
    security_groups: dict = field(default_factory=dict)  # label -> group id
    buckets: dict = field(default_factory=dict)          # label -> bucket name

    def summary(self):
        return (f"{len(self.instances)} instances, {len(self.volumes)} volumes, "
                f"{len(self.security_groups)} security groups, {len(self.buckets)} buckets")


def base_image(ec2):
    """An AMI to launch from (the sandbox loads none of moto's defaults)."""
    return ec2.register_image(
        Name="maid-sandbox-base", RootDeviceName=ROOT_DEVICE, VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": ROOT_DEVICE, "Ebs": {"VolumeSize": 8}}])["ImageId"]


def launch(ec2, image_id, name, tags=None, encrypted=True, instance_type="t3.micro"):
    """Launch one instance; ``encrypted`` sets its root volume's encryption. Returns the id."""
    all_tags = {"Name": name, **(tags or {})}
    return ec2.run_instances(
        ImageId=image_id, MinCount=1, MaxCount=1, InstanceType=instance_type,
        BlockDeviceMappings=[{"DeviceName": ROOT_DEVICE,
                              "Ebs": {"VolumeSize": 8, "Encrypted": encrypted}}],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [
            {"Key": k, "Value": v} for k, v in all_tags.items()]}],
    )["Instances"][0]["InstanceId"]


def _open_group(ec2, name, port):
    gid = ec2.create_security_group(GroupName=name, Description=f"demo: {name}")["GroupId"]
    if port is not None:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "the whole internet"}]}])
    return gid


def seed(session, region):
    """Create the demo fleet through ``session``; returns a Fleet of what was made."""
    ec2 = session.client("ec2", region_name=region)
    s3 = session.client("s3", region_name=region)
    fleet = Fleet(image_id=base_image(ec2))
    fleet.instances["web-compliant"] = launch(ec2, fleet.image_id, "web-compliant", REQUIRED_TAGS)
    fleet.instances["web-untagged"] = launch(ec2, fleet.image_id, "web-untagged")
    fleet.instances["db-unencrypted"] = launch(ec2, fleet.image_id, "db-unencrypted",
                                               REQUIRED_TAGS, encrypted=False)
    zone = f"{region}a"
    for label, encrypted in (("scratch-1", False), ("scratch-2", False), ("archive", True)):
        fleet.volumes[label] = ec2.create_volume(
            AvailabilityZone=zone, Size=10, Encrypted=encrypted,
            TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": label}]}],
        )["VolumeId"]
    fleet.security_groups["open-ssh"] = _open_group(ec2, "open-ssh", 22)
    fleet.security_groups["open-rdp"] = _open_group(ec2, "open-rdp", 3389)
    fleet.security_groups["closed"] = _open_group(ec2, "closed", None)
    for label in ("logs", "assets"):
        name = f"maid-demo-{label}"
        s3.create_bucket(Bucket=name, **_location(region))
        fleet.buckets[label] = name
    name = "maid-demo-encrypted"
    s3.create_bucket(Bucket=name, **_location(region))
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    fleet.buckets["encrypted"] = name
    return fleet


def _location(region):
    # us-east-1 takes no LocationConstraint; every other region requires one
    return {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
