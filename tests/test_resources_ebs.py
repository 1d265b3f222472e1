"""ebs, ebs-snapshot and ami actions against moto: what changed in AWS, failures isolated."""
import datetime

from cloudmaid.aws.once import MARKER
from cloudmaid.policy import Policy

from .conftest import run_instances


def run(ctx, resource, filters=(), actions=()):
    return Policy({"name": "pol", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def volume(ec2, tags=None, **kw):
    params = dict(AvailabilityZone="us-east-1a", Size=1, **kw)
    if tags:
        params["TagSpecifications"] = [{"ResourceType": "volume", "Tags": [
            {"Key": k, "Value": v} for k, v in tags.items()]}]
    return ec2.create_volume(**params)["VolumeId"]


def snapshots_of(ec2, vol):
    return ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": [vol]}])["Snapshots"]


def test_snapshot_copies_tags_and_description(ctx, ec2):
    a = volume(ec2, tags={"Name": "a", "Owner": "me", "Cost": "1"})
    b = volume(ec2, tags={"Name": "b"})
    meta = run(ctx, "ebs", [{"VolumeId": a}], [
        {"type": "snapshot", "description": "nightly", "copy-tags": ["Owner"]}])
    assert meta["actions"][0]["succeeded"] == 1
    [snap] = snapshots_of(ec2, a)
    assert snap["Description"] == "nightly"
    assert {t["Key"]: t["Value"] for t in snap["Tags"] if t["Key"] != MARKER} == {
        "custodian_snapshot": "", "Owner": "me"}
    assert snapshots_of(ec2, b) == []


def test_snapshot_default_copies_all_volume_tags(ctx, ec2):
    a = volume(ec2, tags={"Name": "a", "Owner": "me"})
    run(ctx, "ebs", [{"VolumeId": a}], [{"type": "snapshot", "tags": {"Made": "by-policy"}}])
    [snap] = snapshots_of(ec2, a)
    assert snap["Description"] == "Automated snapshot by cloudmaid - pol"
    assert {t["Key"]: t["Value"] for t in snap["Tags"] if t["Key"] != MARKER} == {
        "Made": "by-policy", "Name": "a", "Owner": "me"}


def test_delete_unattached_volumes_only(ctx, ec2):
    [iid] = run_instances(ec2)
    attached = volume(ec2)
    ec2.attach_volume(VolumeId=attached, InstanceId=iid, Device="/dev/sdf")
    loose = [volume(ec2), volume(ec2)]
    meta = run(ctx, "ebs", [{"Attachments": []}, {"State": "available"}], ["delete"])
    assert sorted(v["VolumeId"] for v in meta["matched"]) == sorted(loose)
    left = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    assert attached in left and not left & set(loose)
    assert meta["api-stats"]["ec2.DeleteVolume"] == 2


def test_delete_failure_does_not_stop_the_others(ctx, ec2):
    [iid] = run_instances(ec2)
    busy = volume(ec2)
    ec2.attach_volume(VolumeId=busy, InstanceId=iid, Device="/dev/sdf")
    free = volume(ec2)
    ids = sorted([busy, free])
    meta = run(ctx, "ebs", [{"type": "value", "key": "VolumeId", "op": "in", "value": ids}],
               ["delete"])
    result = meta["actions"][0]
    assert result["succeeded"] == 1
    assert [f["id"] for f in result["failed"]] == [busy]
    assert "VolumeInUse" in result["failed"][0]["error"]
    assert {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]} >= {busy}
    assert free not in {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}


def test_force_delete_detaches_first(ctx, ec2):
    [iid] = run_instances(ec2)
    busy = volume(ec2)
    ec2.attach_volume(VolumeId=busy, InstanceId=iid, Device="/dev/sdf")
    meta = run(ctx, "ebs", [{"VolumeId": busy}], [{"type": "delete", "force": True}])
    assert meta["actions"][0]["failed"] == []
    assert busy not in {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}


def test_snapshot_age_and_delete_skips_ami_snapshots(ctx, ec2):
    [iid] = run_instances(ec2)
    vol = volume(ec2)
    old = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    image = ec2.create_image(InstanceId=iid, Name="img")["ImageId"]
    image_snaps = {b["Ebs"]["SnapshotId"] for b in ec2.describe_images(
        ImageIds=[image])["Images"][0]["BlockDeviceMappings"] if "Ebs" in b}
    assert image_snaps
    ids = sorted(image_snaps | {old})
    ctx.now += datetime.timedelta(days=30)
    meta = run(ctx, "ebs-snapshot", [{"type": "age", "days": 20},
                                     {"type": "value", "key": "SnapshotId", "op": "in",
                                      "value": ids}], ["delete"])
    assert sorted(s["SnapshotId"] for s in meta["matched"]) == ids
    assert meta["actions"][0]["skipped"] == sorted(image_snaps)
    left = {s["SnapshotId"] for s in ec2.describe_snapshots(SnapshotIds=list(image_snaps))["Snapshots"]}
    assert left == image_snaps
    assert not ec2.describe_snapshots(Filters=[{"Name": "snapshot-id", "Values": [old]}])["Snapshots"]
    assert meta["api-stats"]["ec2.DeleteSnapshot"] == 1


def test_ami_deregister_with_snapshots_and_delete_alias(ctx, ec2):
    [iid] = run_instances(ec2)
    keep = ec2.create_image(InstanceId=iid, Name="keep")["ImageId"]
    drop = ec2.create_image(InstanceId=iid, Name="drop")["ImageId"]
    snaps = [b["Ebs"]["SnapshotId"] for b in ec2.describe_images(
        ImageIds=[drop])["Images"][0]["BlockDeviceMappings"] if "Ebs" in b]
    meta = run(ctx, "ami", [{"Name": "drop"}], [{"type": "deregister", "delete-snapshots": True}])
    assert [i["ImageId"] for i in meta["matched"]] == [drop]
    assert meta["actions"][0]["succeeded"] == 1
    assert sorted(i["Name"] for i in ec2.describe_images(Owners=["self"])["Images"]) == ["base", "keep"]
    assert not ec2.describe_snapshots(Filters=[{"Name": "snapshot-id", "Values": snaps}])["Snapshots"]
    run(ctx, "ami", [{"ImageId": keep}], ["delete"])
    assert [i["Name"] for i in ec2.describe_images(Owners=["self"])["Images"]] == ["base"]


def test_ami_image_age(ctx, ec2):
    [iid] = run_instances(ec2)
    image = ec2.create_image(InstanceId=iid, Name="old-one")["ImageId"]
    ctx.now += datetime.timedelta(days=100)
    mine = {"Name": "old-one"}
    assert [i["ImageId"] for i in run(ctx, "ami", [mine, {"type": "image-age", "days": 90}])["matched"]] == [image]
    assert run(ctx, "ami", [mine, {"type": "image-age", "days": 120}])["matched"] == []
