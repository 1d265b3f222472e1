"""The images suite's fleet: EBS volumes (loose, magnetic, attached to a current and to an
older-generation instance, with and without snapshots), snapshots (private, shared with an
allowed account, with another, public; one an AMI uses, one whose volume is gone) and AMIs
(private, shared, public, one an instance runs). Everything has a ``Name`` tag."""
REGION = "us-east-1"
ALLOWED = "111122223333"
OTHER = "444455556666"


def seed(endpoint):
    import boto3
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)
    ec2 = session.client("ec2", endpoint_url=endpoint, region_name=REGION)

    def name(kind, value):
        return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": value}]}]

    def tag(rid, value):
        ec2.create_tags(Resources=[rid], Tags=[{"Key": "Name", "Value": value}])

    def volume(label, **kw):
        return ec2.create_volume(AvailabilityZone="us-east-1a", Size=kw.pop("Size", 4),
                                 TagSpecifications=name("volume", label), **kw)["VolumeId"]

    def image(label):
        iid = ec2.register_image(Name=label, RootDeviceName="/dev/sda1", BlockDeviceMappings=[
            {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
        tag(iid, label)
        for b in ec2.describe_images(ImageIds=[iid])["Images"][0]["BlockDeviceMappings"]:
            if b.get("Ebs", {}).get("SnapshotId"):
                tag(b["Ebs"]["SnapshotId"], f"{label}-root")
        return iid

    # -- AMIs
    images = {label: image(label) for label in (
        "parity-ami-private", "parity-ami-allowed", "parity-ami-shared", "parity-ami-public",
        "parity-ami-used")}
    ec2.modify_image_attribute(ImageId=images["parity-ami-allowed"],
                               LaunchPermission={"Add": [{"UserId": ALLOWED}]})
    ec2.modify_image_attribute(ImageId=images["parity-ami-shared"],
                               LaunchPermission={"Add": [{"UserId": OTHER}]})
    ec2.modify_image_attribute(ImageId=images["parity-ami-public"],
                               LaunchPermission={"Add": [{"Group": "all"}]})

    # -- volumes
    def instance(label, itype):
        return ec2.run_instances(ImageId=images["parity-ami-used"], MinCount=1, MaxCount=1,
                                 InstanceType=itype, Placement={"AvailabilityZone": "us-east-1a"},
                                 TagSpecifications=name("instance", label))["Instances"][0]
    current = instance("parity-host-current", "t3.micro")
    older = instance("parity-host-older", "m1.small")
    for inst in (current, older):   # the instances' own root volumes: named too
        for b in inst.get("BlockDeviceMappings") or ():
            tag(b["Ebs"]["VolumeId"], f"parity-root-{inst['InstanceType']}")
    volume("parity-vol-loose", VolumeType="gp2")
    volume("parity-vol-magnetic", VolumeType="standard")
    on_current = volume("parity-vol-current", VolumeType="gp3")
    on_older = volume("parity-vol-older", VolumeType="gp2")
    ec2.attach_volume(VolumeId=on_current, InstanceId=current["InstanceId"], Device="/dev/sdf")
    ec2.attach_volume(VolumeId=on_older, InstanceId=older["InstanceId"], Device="/dev/sdf")
    snapped = volume("parity-vol-snapped", VolumeType="gp2")

    # -- snapshots
    def snapshot(label, vol):
        return ec2.create_snapshot(VolumeId=vol, TagSpecifications=name("snapshot", label))[
            "SnapshotId"]
    snaps = {label: snapshot(label, snapped) for label in (
        "parity-snap-private", "parity-snap-allowed", "parity-snap-shared", "parity-snap-public")}
    for label, params in (("parity-snap-allowed", {"UserIds": [ALLOWED]}),
                          ("parity-snap-shared", {"UserIds": [ALLOWED, OTHER]}),
                          ("parity-snap-public", {"GroupNames": ["all"]})):
        ec2.modify_snapshot_attribute(SnapshotId=snaps[label], Attribute="createVolumePermission",
                                      OperationType="add", **params)
    doomed = volume("parity-vol-doomed")
    snapshot("parity-snap-orphan", doomed)
    ec2.delete_volume(VolumeId=doomed)
    return {"images": sorted(images), "snapshots": sorted(snaps) + ["parity-snap-orphan"],
            "volumes": ["parity-vol-current", "parity-vol-loose", "parity-vol-magnetic",
                        "parity-vol-older", "parity-vol-snapped"]}
