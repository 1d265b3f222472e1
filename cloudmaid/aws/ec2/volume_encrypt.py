"""``encrypt-instance-volumes``: replace an instance's unencrypted volumes with encrypted copies,
the instance stopped meanwhile (Custodian's steps and transient tags, so that its recovery
know-how applies)::

    stop the instance (if running) -> per volume: snapshot, encrypted copy of the snapshot,
    volume from the copy (tagged maid-crypt-remediation / maid-origin-volume /
    maid-instance-device), transient snapshots deleted -> per volume: detach the old one,
    attach the new one on the same device, keep DeleteOnTermination -> start the instance
    (if it was running) -> delete the old volumes -> remove the transient tags.

Every new volume exists before the instance is touched, so a failure while creating them
leaves the instance as it was (restarted if it was stopped here). One instance failing does
not stop the others; its volumes are reported failed.
"""
import logging

from botocore.exceptions import ClientError, WaiterError

from ...actions.core import Action, actions
from ...resources.manager import ResourceManager
from .. import once

log = logging.getLogger("cloudmaid.ebs")
TRANSIENT = "maid transient snapshot for encryption"
#: waits: AWS's waiter delays, three times their default attempts (Custodian retries thrice)
ATTEMPTS = 120


@actions.register("encrypt-instance-volumes", resources=("ebs",))
class EncryptInstanceVolumes(Action):
    """Encrypts the unencrypted attached volumes of each instance with KMS key ``key`` (id,
    ARN or alias), stopping and restarting running instances. ``delay``: seconds between
    checks that a detached volume is free (default 15); ``verbose``: log each step."""
    schema = {"key": {"type": "string"}, "delay": {"type": "number"},
              "verbose": {"type": "boolean"}}
    required = ("key",)
    permissions = ("ec2:CopySnapshot", "ec2:CreateSnapshot", "ec2:CreateVolume",
                   "ec2:CreateTags", "ec2:DeleteTags", "ec2:DeleteSnapshot",
                   "ec2:DeleteVolume", "ec2:AttachVolume", "ec2:DetachVolume",
                   "ec2:DescribeInstances", "ec2:DescribeSnapshots", "ec2:DescribeVolumes",
                   "ec2:StopInstances", "ec2:StartInstances", "ec2:ModifyInstanceAttribute",
                   "kms:DescribeKey")

    def say(self, message, *args):
        log.log(logging.INFO if self.data.get("verbose") else logging.DEBUG, message, *args)

    def process(self, resources):
        # Custodian's own test reads "not encrypted or not attached" and then fails on the
        # unattached ones: only unencrypted attached volumes have an instance to swap them on
        volumes = [v for v in resources if not v.get("Encrypted") and v.get("Attachments")]
        self.result["skipped"] = [v["VolumeId"] for v in resources if v not in volumes]
        by_instance = {}
        for v in volumes:
            by_instance.setdefault(v["Attachments"][0]["InstanceId"], []).append(v)
        if not by_instance:
            return
        ec2 = self.manager.client()
        try:
            key_id = self.manager.client("kms").describe_key(
                KeyId=self.data["key"])["KeyMetadata"]["KeyId"]
        except ClientError as e:
            for v in volumes:
                self.fail(v, e)
            return
        self.say("encrypting with key %s", key_id)
        instances = {i["InstanceId"]: i for i in ResourceManager.for_type(
            self.manager.ctx, "ec2").get_resources(sorted(by_instance))}
        for instance_id, vols in by_instance.items():
            instance = instances.get(instance_id)
            if instance is None or instance["State"]["Name"] in ("shutting-down", "terminated"):
                self.say("skipping instance %s: gone or terminating", instance_id)
                self.result["skipped"].extend(v["VolumeId"] for v in vols)
                continue
            try:
                self.swap(ec2, instance, vols, key_id)
                self.result["succeeded"] += len(vols)
            except (ClientError, WaiterError) as e:
                for v in vols:
                    self.fail(v, e)
        ResourceManager.for_type(self.manager.ctx, "ebs").invalidate()

    def wait(self, ec2, name, delay=None, **ids):
        config = {"MaxAttempts": ATTEMPTS}
        if delay is not None:
            config["Delay"] = delay
        ec2.get_waiter(name).wait(WaiterConfig=config, **ids)

    def swap(self, ec2, instance, vols, key_id):
        instance_id = instance["InstanceId"]
        running = instance["State"]["Name"] == "running"
        if running:
            self.say("stopping %s", instance_id)
            ec2.stop_instances(InstanceIds=[instance_id])
            self.wait(ec2, "instance_stopped", InstanceIds=[instance_id])
        try:
            paired = [(v, self.encrypted_copy(ec2, v, key_id, instance_id)) for v in vols]
        except (ClientError, WaiterError):
            if running:   # nothing was swapped: leave the instance as it was
                ec2.start_instances(InstanceIds=[instance_id])
            raise
        for v, new_id in paired:
            attachment = v["Attachments"][0]
            ec2.detach_volume(InstanceId=instance_id, VolumeId=v["VolumeId"])
            # the detach is not immediately consistent: attach once the old volume is free
            self.wait(ec2, "volume_available", delay=self.data.get("delay", 15),
                      VolumeIds=[v["VolumeId"]])
            ec2.attach_volume(InstanceId=instance_id, VolumeId=new_id,
                              Device=attachment["Device"])
            if attachment.get("DeleteOnTermination"):
                ec2.modify_instance_attribute(InstanceId=instance_id, BlockDeviceMappings=[
                    {"DeviceName": attachment["Device"],
                     "Ebs": {"VolumeId": new_id, "DeleteOnTermination": True}}])
        if running:
            ec2.start_instances(InstanceIds=[instance_id])
        self.say("deleting the unencrypted volumes of %s", instance_id)
        for v in vols:
            ec2.delete_volume(VolumeId=v["VolumeId"])
        for _, new_id in paired:
            ec2.delete_tags(Resources=[new_id], Tags=[
                {"Key": "maid-crypt-remediation"}, {"Key": "maid-origin-volume"},
                {"Key": "maid-instance-device"}])

    def encrypted_copy(self, ec2, volume, key_id, instance_id):
        """A new encrypted volume with the volume's data, size, type and tags."""
        marker = [{"ResourceType": "snapshot",
                   "Tags": [{"Key": "maid-crypto-remediation", "Value": "true"}]}]
        plain = once.ec2_snapshot_write(self.manager, "CreateSnapshot", {
            "VolumeId": volume["VolumeId"], "Description": TRANSIENT,
            "TagSpecifications": marker}, volume["VolumeId"])["SnapshotId"]
        transient = [plain]
        self.wait(ec2, "snapshot_completed", SnapshotIds=[plain])
        copy = once.ec2_snapshot_write(self.manager, "CopySnapshot", {
            "SourceSnapshotId": plain, "SourceRegion": self.manager.ctx.region,
            "Description": TRANSIENT, "Encrypted": True, "KmsKeyId": key_id,
            "TagSpecifications": marker}, plain)["SnapshotId"]
        transient.append(copy)
        self.wait(ec2, "snapshot_completed", SnapshotIds=[copy])
        attachment = volume["Attachments"][0]
        tags = [{"Key": "maid-crypt-remediation", "Value": instance_id},
                {"Key": "maid-origin-volume", "Value": volume["VolumeId"]},
                {"Key": "maid-instance-device", "Value": attachment["Device"]}]
        tags += [t for t in volume.get("Tags") or () if not t["Key"].startswith("aws:")]
        params = {"Size": volume["Size"], "VolumeType": volume["VolumeType"],
                  "SnapshotId": copy, "AvailabilityZone": volume["AvailabilityZone"],
                  "Encrypted": True, "KmsKeyId": key_id,
                  "TagSpecifications": [{"ResourceType": "volume", "Tags": tags}]}
        # provisioned volumes need their IOPS (and gp3 its throughput) to be created at all
        if volume["VolumeType"] in ("io1", "io2", "gp3") and volume.get("Iops"):
            params["Iops"] = volume["Iops"]
        if volume["VolumeType"] == "gp3" and volume.get("Throughput"):
            params["Throughput"] = volume["Throughput"]
        # the same token on every attempt: AWS answers a repeat with the first volume
        params["ClientToken"] = once.token(self.manager, "CreateVolume", volume["VolumeId"])
        new_id = ec2.create_volume(**params)["VolumeId"]
        self.wait(ec2, "volume_available", VolumeIds=[new_id])
        for sid in transient:
            ec2.delete_snapshot(SnapshotId=sid)
        self.say("volume %s: encrypted copy %s", volume["VolumeId"], new_id)
        return new_id
