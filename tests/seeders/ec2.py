"""EC2 seeders: instances, volumes, snapshots, images, security groups, subnets."""
from . import ZONE, action_filters, action_options, named, seeder


@seeder("ec2", "cloudtrail-run-instances.json")
def instances(world, label):
    """A running and a stopped instance: state actions have an instance to act on whichever
    origin state they require."""
    out = world.ec2.run_instances(ImageId=world.base_image, MinCount=2, MaxCount=2,
                                  InstanceType="t3.micro",
                                  TagSpecifications=world.spec("instance", label))
    ids = [i["InstanceId"] for i in out["Instances"]]
    # modify-security-groups names the instances' network interfaces
    named(label, *(n["NetworkInterfaceId"] for i in out["Instances"] for n in i["NetworkInterfaces"]))
    world.ec2.stop_instances(InstanceIds=ids[1:])
    world.shared("extra-group", lambda w: w.ec2.create_security_group(   # modify-security-groups
        GroupName="maid-extra", Description="added by modify-security-groups",
        VpcId=out["Instances"][0]["VpcId"])["GroupId"])
    return ids


@seeder("ebs", "cloudtrail-create-volume.json")
def volume(world, label):
    """A volume attached to an (untagged) instance of its own: detach, copy-instance-tags and
    encrypt-instance-volumes have something to change."""
    vid = world.ec2.create_volume(AvailabilityZone=ZONE, Size=1,
                                  TagSpecifications=world.spec("volume", label))["VolumeId"]
    host = world.ec2.run_instances(ImageId=world.base_image, MinCount=1, MaxCount=1,
                                   InstanceType="t3.micro",
                                   Placement={"AvailabilityZone": ZONE})["Instances"][0]
    world.ec2.attach_volume(VolumeId=vid, InstanceId=host["InstanceId"], Device="/dev/sdf")
    return [vid]


@seeder("ebs-snapshot", "cloudtrail-create-snapshot.json")
def snapshot(world, label):
    vol = world.ec2.create_volume(AvailabilityZone=ZONE, Size=1)["VolumeId"]
    return [world.ec2.create_snapshot(VolumeId=vol,
                                      TagSpecifications=world.spec("snapshot", label))["SnapshotId"]]


@seeder("ami", "cloudtrail-create-image.json")
def image(world, label):
    image_id = world.ec2.register_image(
        Name=label, RootDeviceName="/dev/sda1",
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
    world.ec2.create_tags(Resources=[image_id], Tags=world.tag_list(label))
    return [image_id]


@seeder("security-group", "cloudtrail-authorize-security-group-ingress.json")
def security_group(world, label):
    """A group open to the world on SSH: the permission actions have a rule to revoke."""
    gid = world.ec2.create_security_group(
        GroupName=label, Description=label, VpcId=world.vpc,
        TagSpecifications=world.spec("security-group", label))["GroupId"]
    world.ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return [gid]


_WORLD_SSH = [{"type": "ingress", "Ports": [22], "Cidr": {"value": "0.0.0.0/0"}}]
action_filters("security-group", {"remove-permissions": _WORLD_SSH, "set-permissions": _WORLD_SSH})
action_options("security-group", {"set-permissions": {"remove-ingress": "matched", "add-ingress": [
    {"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                        "IpRanges": [{"CidrIp": "203.0.113.7/32"}]}]}]}})


@seeder("subnet", "cloudtrail-create-subnet.json", ids="responseElements.subnet.subnetId")
def subnet(world, label):
    n = world.number(label)
    cidr = f"10.0.{n // 16 % 256}.{n % 16 * 16}/28"
    return [world.ec2.create_subnet(VpcId=world.vpc, CidrBlock=cidr, AvailabilityZone=ZONE,
                                    TagSpecifications=world.spec("subnet", label))["Subnet"]["SubnetId"]]
action_options("ec2", {"set-monitoring": {"state": "enable"},
                       "modify-security-groups": {"add": "maid-extra"},
                       "set-metadata-access": {"tokens": "required"}})
