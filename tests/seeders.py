"""Seed moto with resources of every catalog type, and real-shaped CloudTrail events naming them.

Each seed is tagged ``maid-test: LABEL`` (a fresh label per seed), so that tests sharing one
moto stay apart: a policy filtering on its label sees only its own resources. Seeds also carry
the tags the tag actions read (``old`` for rename-tag/remove-tag, ``maid_status`` for unmark),
so that every action has something to change.
"""
import copy
import itertools
import json
import pathlib

import boto3

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "events"
LABEL_KEY = "maid-test"
REGION = "us-east-1"
ZONE = "us-east-1a"

#: resource type -> (CloudTrail fixture whose call creates or changes one, ids path in detail)
TRAIL = {
    "ec2": ("cloudtrail-run-instances.json", "responseElements.instancesSet.items[].instanceId"),
    "ebs": ("cloudtrail-create-volume.json", "responseElements.volumeId"),
    "ebs-snapshot": ("cloudtrail-create-snapshot.json", "responseElements.snapshotId"),
    "ami": ("cloudtrail-create-image.json", "responseElements.imageId"),
    "security-group": ("cloudtrail-authorize-security-group-ingress.json", "requestParameters.groupId"),
    "subnet": ("cloudtrail-create-subnet.json", "responseElements.subnet.subnetId"),
    "s3": ("cloudtrail-create-bucket.json", "requestParameters.bucketName"),
}


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def trail_spec(rtype):
    """The cloudtrail-mode ``{source, event, ids}`` entry for the type's fixture event."""
    name, ids = TRAIL[rtype]
    detail = fixture(name)["detail"]
    return {"source": detail["eventSource"], "event": detail["eventName"], "ids": ids}


def trail_event(rtype, ids):
    """The type's fixture event, naming ``ids`` where its ``{source, event, ids}`` path reads."""
    name, path = TRAIL[rtype]
    event = fixture(name)
    place(event["detail"], path.split("."), list(ids))
    return event


def place(node, parts, ids):
    """Write ``ids`` at a dotted path; ``x[]`` is a list of items copied from its first one."""
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        items = node[head[:-2]]
        template = items[0] if items else {}
        node[head[:-2]] = [copy.deepcopy(template) for _ in ids]
        for item, i in zip(node[head[:-2]], ids):
            place(item, rest, [i])
    elif rest:
        place(node.setdefault(head, {}), rest, ids)
    else:
        assert len(ids) == 1, f"{head} holds one id"
        node[head] = ids[0]


class World:
    """Seeds into the running moto; ``seed(rtype)`` -> (label, ids of the new resources)."""

    def __init__(self, region=REGION):
        self.ec2 = boto3.client("ec2", region_name=region)
        self.s3 = boto3.client("s3", region_name=region)
        self._n = itertools.count(1)
        self._vpc = self._image = None
        self.seeders = {"ec2": self.instances, "ebs": self.volume, "ebs-snapshot": self.snapshot,
                        "ami": self.image, "security-group": self.security_group,
                        "subnet": self.subnet, "s3": self.bucket}

    def seed(self, rtype):
        label = f"maid-test-{next(self._n):04d}"
        return label, self.seeders[rtype](label)

    @staticmethod
    def tags(label):
        return {LABEL_KEY: label, "old": "v", "maid_status": "Resource does not meet policy: "
                                                             "stop@2020/01/01"}

    def spec(self, kind, label):
        return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v}
                                                for k, v in self.tags(label).items()]}]

    @property
    def vpc(self):
        if self._vpc is None:
            self._vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        return self._vpc

    @property
    def base_image(self):
        """An untagged image to launch instances from (outside every label's filter)."""
        if self._image is None:
            self._image = self.ec2.register_image(
                Name="base", RootDeviceName="/dev/sda1",
                BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
        return self._image

    # -- one seeder per type ----------------------------------------------------------------
    def instances(self, label):
        """A running and a stopped instance: state actions have an instance to act on
        whichever origin state they require."""
        out = self.ec2.run_instances(ImageId=self.base_image, MinCount=2, MaxCount=2,
                                     InstanceType="t3.micro",
                                     TagSpecifications=self.spec("instance", label))
        ids = [i["InstanceId"] for i in out["Instances"]]
        self.ec2.stop_instances(InstanceIds=ids[1:])
        return ids

    def volume(self, label):
        return [self.ec2.create_volume(AvailabilityZone=ZONE, Size=1,
                                       TagSpecifications=self.spec("volume", label))["VolumeId"]]

    def snapshot(self, label):
        volume = self.ec2.create_volume(AvailabilityZone=ZONE, Size=1)["VolumeId"]
        return [self.ec2.create_snapshot(VolumeId=volume,
                                         TagSpecifications=self.spec("snapshot", label))["SnapshotId"]]

    def image(self, label):
        image = self.ec2.register_image(Name=label, RootDeviceName="/dev/sda1",
                                        BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                                                              "Ebs": {"VolumeSize": 8}}])["ImageId"]
        self.ec2.create_tags(Resources=[image], Tags=self.spec("image", label)[0]["Tags"])
        return [image]

    def security_group(self, label):
        return [self.ec2.create_security_group(
            GroupName=label, Description=label, VpcId=self.vpc,
            TagSpecifications=self.spec("security-group", label))["GroupId"]]

    def subnet(self, label):
        n = int(label.rsplit("-", 1)[1])
        cidr = f"10.0.{n // 16 % 256}.{n % 16 * 16}/28"
        return [self.ec2.create_subnet(VpcId=self.vpc, CidrBlock=cidr, AvailabilityZone=ZONE,
                                       TagSpecifications=self.spec("subnet", label))["Subnet"]["SubnetId"]]

    def bucket(self, label):
        self.s3.create_bucket(Bucket=label)
        self.s3.put_bucket_tagging(Bucket=label, Tagging={"TagSet": [
            {"Key": k, "Value": v} for k, v in self.tags(label).items()]})
        return [label]
