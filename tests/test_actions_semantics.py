"""Actions with Cloud Custodian's semantics, on moto: which instances each EC2 state action
touches and with which call, what ``force``/``hibernate``/``terminate-ephemeral`` do, resources
gone before the action, and the tag actions' defaults."""
import datetime

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.actions.core import actions
from cloudmaid.filters.tags import action_date
from cloudmaid.policy import Policy, load_plugins
from cloudmaid.aws.ec2.instance import is_ephemeral
from cloudmaid.resources.manager import ResourceManager

from .conftest import make_ami, run_instances

load_plugins()


def run(ctx, resource, action, filters=()):
    meta = Policy({"name": "pol", "resource": resource, "filters": list(filters),
                   "actions": [action]}, ctx).run()
    return meta, meta["actions"][0]


def act(ctx, resource, data, resources=None):
    """The action on ``resources`` (default: the current listing) as the policy would run it."""
    mgr = ResourceManager.for_type(ctx, resource)
    if resources is None:
        resources = mgr.resources()
    name = data if isinstance(data, str) else data["type"]
    return actions.get(name, resource)(data, mgr).run(resources)


def calls(ctx, service="ec2"):
    """(operation, params) of every call the run's clients make from now on."""
    seen = []
    ctx.session_factory.client(service).meta.events.register(
        f"provide-client-params.{service}",
        lambda params, model, **kw: seen.append((model.name, dict(params))))
    return seen


def made(seen, operation):
    return [p for op, p in seen if op == operation]


def states(ec2, *ids):
    found = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances(
        InstanceIds=list(ids))["Reservations"] for i in r["Instances"]}
    return [found[i] for i in ids]


def attribute(ec2, iid, name):
    key = name[0].upper() + name[1:]
    return ec2.describe_instance_attribute(InstanceId=iid, Attribute=name)[key]["Value"]


def by_id(resources, iid):
    return next(r for r in resources if r["InstanceId"] == iid)


# -- stop ------------------------------------------------------------------------------------
def test_stop_force_turns_off_stop_protection_never_skips_the_os_shutdown(ctx, ec2):
    ami = make_ami(ec2)
    [plain] = run_instances(ec2, ImageId=ami)
    [protected] = run_instances(ec2, ImageId=ami, DisableApiStop=True)
    seen = calls(ctx)
    meta, result = run(ctx, "ec2", {"type": "stop", "force": True})
    assert result["failed"] == [] and result["succeeded"] == 2
    assert states(ec2, plain, protected) == ["stopped", "stopped"]
    # no StopInstances Force (that skips the OS shutdown: data loss)
    assert all("Force" not in p for p in made(seen, "StopInstances"))
    # protection turned off on the refused instance only
    assert made(seen, "ModifyInstanceAttribute") == [
        {"InstanceId": protected, "DisableApiStop": {"Value": False}}]
    assert attribute(ec2, protected, "disableApiStop") is False
    assert attribute(ec2, plain, "disableApiStop") is False


def test_stop_without_force_keeps_protection_and_stops_the_others(ctx, ec2):
    ami = make_ami(ec2)
    plain = run_instances(ec2, ImageId=ami, count=2)
    [protected] = run_instances(ec2, ImageId=ami, DisableApiStop=True)
    meta, result = run(ctx, "ec2", "stop")
    assert result["succeeded"] == 2
    assert [f["id"] for f in result["failed"]] == [protected]
    assert "OperationNotPermitted" in result["failed"][0]["error"]
    assert states(ec2, *plain, protected) == ["stopped", "stopped", "running"]
    assert attribute(ec2, protected, "disableApiStop") is True
    assert "ec2.ModifyInstanceAttribute" not in meta["api-stats"]


def test_stop_hibernates_only_instances_configured_for_it(ctx, ec2):
    ami = make_ami(ec2)
    [sleepy] = run_instances(ec2, ImageId=ami, HibernationOptions={"Configured": True})
    [plain] = run_instances(ec2, ImageId=ami)
    seen = calls(ctx)
    _, result = run(ctx, "ec2", {"type": "stop", "hibernate": True})
    assert result["succeeded"] == 2 and result["failed"] == []
    assert made(seen, "StopInstances") == [{"InstanceIds": [sleepy], "Hibernate": True},
                                           {"InstanceIds": [plain]}]
    assert states(ec2, sleepy, plain) == ["stopped", "stopped"]


def test_stop_acts_on_running_instances_only(ctx, ec2):
    running, stopped = run_instances(ec2, count=2)
    ec2.stop_instances(InstanceIds=[stopped])
    seen = calls(ctx)
    _, result = run(ctx, "ec2", "stop")
    assert made(seen, "StopInstances") == [{"InstanceIds": [running]}]
    assert result["skipped"] == [stopped] and result["succeeded"] == 1


def test_stop_skips_instance_store_instances_or_terminates_them(ctx, ec2):
    ebs, ephemeral = run_instances(ec2, count=2)
    listing = ResourceManager.for_type(ctx, "ec2").resources()
    by_id(listing, ephemeral)["RootDeviceType"] = "instance-store"   # as AWS reports one
    seen = calls(ctx)
    result = act(ctx, "ec2", "stop", listing)
    assert result["skipped"] == [ephemeral]
    assert made(seen, "StopInstances") == [{"InstanceIds": [ebs]}]
    assert "TerminateInstances" not in [op for op, _ in seen]
    assert states(ec2, ebs, ephemeral) == ["stopped", "running"]

    by_id(listing, ebs)["State"] = {"Name": "running", "Code": 16}
    result = act(ctx, "ec2", {"type": "stop", "terminate-ephemeral": True}, listing)
    assert made(seen, "TerminateInstances") == [{"InstanceIds": [ephemeral]}]
    assert states(ec2, ephemeral) == ["terminated"]
    assert result["failed"] == [] and "skipped" not in result


def test_ephemeral_is_read_from_the_root_device_type():
    # an EBS root named /dev/sda2 (some RHEL-family AMIs): Custodian never stops these
    ebs = {"RootDeviceType": "ebs", "RootDeviceName": "/dev/sda2",
           "BlockDeviceMappings": [{"DeviceName": "/dev/sda2", "Ebs": {"VolumeId": "vol-1"}}]}
    assert not is_ephemeral(ebs)
    assert is_ephemeral({"RootDeviceType": "instance-store", "BlockDeviceMappings": []})
    # without RootDeviceType: the root device's mapping decides
    assert is_ephemeral({"RootDeviceName": "/dev/sda1",
                         "BlockDeviceMappings": [{"DeviceName": "/dev/sda1"}]})
    assert not is_ephemeral({"RootDeviceName": "/dev/xvda", "BlockDeviceMappings": [
        {"DeviceName": "/dev/xvda", "Ebs": {}}]})


def test_stop_permissions_follow_the_options():
    cls = actions.get("stop", "ec2")
    assert cls({"type": "stop"}).permissions == ("ec2:StopInstances",)
    assert cls({"type": "stop", "force": True, "terminate-ephemeral": True}).permissions == (
        "ec2:StopInstances", "ec2:TerminateInstances", "ec2:ModifyInstanceAttribute")


# -- terminate -------------------------------------------------------------------------------
def test_terminate_force_turns_off_termination_and_stop_protection(ctx, ec2):
    ami = make_ami(ec2)
    [plain] = run_instances(ec2, ImageId=ami)
    [protected] = run_instances(ec2, ImageId=ami, DisableApiStop=True)
    ec2.modify_instance_attribute(InstanceId=protected, DisableApiTermination={"Value": True})
    seen = calls(ctx)
    _, result = run(ctx, "ec2", {"type": "terminate", "force": True})
    assert result["failed"] == [] and result["succeeded"] == 2
    assert states(ec2, plain, protected) == ["terminated", "terminated"]
    assert made(seen, "ModifyInstanceAttribute") == [
        {"InstanceId": protected, "DisableApiTermination": {"Value": False}},
        {"InstanceId": protected, "DisableApiStop": {"Value": False}}]


def test_terminate_without_force_keeps_protected_instances(ctx, ec2):
    ami = make_ami(ec2)
    plain = run_instances(ec2, ImageId=ami, count=2)
    [protected] = run_instances(ec2, ImageId=ami)
    ec2.modify_instance_attribute(InstanceId=protected, DisableApiTermination={"Value": True})
    meta, result = run(ctx, "ec2", "terminate")
    assert [f["id"] for f in result["failed"]] == [protected]
    assert states(ec2, *plain, protected) == ["terminated", "terminated", "running"]
    assert attribute(ec2, protected, "disableApiTermination") is True
    assert "ec2.ModifyInstanceAttribute" not in meta["api-stats"]


def test_terminate_skips_instances_already_shutting_down_or_gone(ctx, ec2):
    alive, stopped, gone = run_instances(ec2, count=3)
    ec2.stop_instances(InstanceIds=[stopped])
    ec2.terminate_instances(InstanceIds=[gone])
    seen = calls(ctx)
    result = act(ctx, "ec2", "terminate")
    assert made(seen, "TerminateInstances") == [{"InstanceIds": [alive, stopped]}]
    assert result["skipped"] == [gone]


# -- start / reboot --------------------------------------------------------------------------
def test_start_only_stopped_instances_with_block_devices(ctx, ec2):
    ami = make_ami(ec2)
    [running] = run_instances(ec2, ImageId=ami)
    stopped = run_instances(ec2, ImageId=ami, count=2)
    [bare] = run_instances(ec2, ImageId=ami)
    ec2.stop_instances(InstanceIds=stopped + [bare])
    root = ec2.describe_instances(InstanceIds=[bare])["Reservations"][0]["Instances"][0]
    ec2.detach_volume(VolumeId=root["BlockDeviceMappings"][0]["Ebs"]["VolumeId"], InstanceId=bare)
    seen = calls(ctx)
    _, result = run(ctx, "ec2", "start")
    assert made(seen, "StartInstances") == [{"InstanceIds": stopped}]
    assert sorted(result["skipped"]) == sorted([running, bare])
    assert states(ec2, *stopped, bare) == ["running", "running", "stopped"]


def test_start_groups_by_instance_type_and_zone(ctx, ec2):
    ami = make_ami(ec2)
    a = run_instances(ec2, ImageId=ami, Placement={"AvailabilityZone": "us-east-1a"})
    b = run_instances(ec2, ImageId=ami, Placement={"AvailabilityZone": "us-east-1b"})
    c = run_instances(ec2, ImageId=ami, count=2, Placement={"AvailabilityZone": "us-east-1a"})
    ec2.stop_instances(InstanceIds=a + b + c)
    seen = calls(ctx)
    _, result = run(ctx, "ec2", "start")
    assert sorted(p["InstanceIds"] for p in made(seen, "StartInstances")) == sorted(
        [a + c, b])
    assert result["succeeded"] == 4


def test_reboot_only_running_instances_with_block_devices(ctx, ec2):
    running, stopped = run_instances(ec2, count=2)
    ec2.stop_instances(InstanceIds=[stopped])
    seen = calls(ctx)
    _, result = run(ctx, "ec2", "reboot")
    assert made(seen, "RebootInstances") == [{"InstanceIds": [running]}]
    assert result["skipped"] == [stopped]


# -- ebs, security groups, s3: a resource gone before the action is done ------------------
def test_snapshot_of_a_volume_gone_since_the_listing_is_not_a_failure(ctx, ec2):
    keep = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    gone = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    listing = ResourceManager.for_type(ctx, "ebs").resources()
    ec2.delete_volume(VolumeId=gone)
    result = act(ctx, "ebs", "snapshot", listing)
    assert result["failed"] == [] and len(result["snapshots"]) == 1
    assert ec2.describe_snapshots(SnapshotIds=result["snapshots"])["Snapshots"][0][
        "VolumeId"] == keep


def test_force_delete_detaches_every_attachment_of_a_multi_attach_volume(ctx, ec2):
    # moto keeps one attachment per volume: a Stubber with EC2's real shapes plays AWS
    mgr = ResourceManager.for_type(ctx, "ebs")
    client = ctx.session_factory.client("ec2")
    vol = {"VolumeId": "vol-0123456789abcdef0", "State": "in-use", "MultiAttachEnabled": True,
           "Attachments": [{"VolumeId": "vol-0123456789abcdef0", "InstanceId": i,
                            "Device": "/dev/sdf", "State": "attached"}
                           for i in ("i-0aaaaaaaaaaaaaaa1", "i-0aaaaaaaaaaaaaaa2")]}
    with Stubber(client) as stub:
        for a in vol["Attachments"]:
            stub.add_response("detach_volume", dict(a, State="detaching"), {
                "VolumeId": vol["VolumeId"], "Force": True, "InstanceId": a["InstanceId"],
                "Device": "/dev/sdf"})
        stub.add_response("describe_volumes", {"Volumes": [
            {"VolumeId": vol["VolumeId"], "State": "available", "Attachments": []}]},
            {"VolumeIds": [vol["VolumeId"]]})
        stub.add_response("delete_volume", {}, {"VolumeId": vol["VolumeId"]})
        result = actions.get("delete", "ebs")({"type": "delete", "force": True}, mgr).run([vol])
        stub.assert_no_pending_responses()
    assert result["failed"] == [] and result["succeeded"] == 1


def test_security_group_delete_gone_group_counts_as_deleted(ctx, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    groups = [ec2.create_security_group(GroupName=n, Description=n, VpcId=vpc)["GroupId"]
              for n in ("one", "two")]
    listing = [g for g in ResourceManager.for_type(ctx, "security-group").resources()
               if g["GroupId"] in groups]
    ec2.delete_security_group(GroupId=groups[0])
    result = act(ctx, "security-group", "delete", listing)
    assert result["failed"] == [] and result["succeeded"] == 2
    left = {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]}
    assert not left & set(groups)


def test_s3_delete_gone_bucket_counts_as_deleted(ctx):
    s3 = boto3.client("s3", region_name="us-east-1")
    for name in ("cm-gone", "cm-full"):
        s3.create_bucket(Bucket=name)
    s3.put_object(Bucket="cm-full", Key="k", Body=b"x")
    listing = ResourceManager.for_type(ctx, "s3").resources()
    s3.delete_bucket(Bucket="cm-gone")
    result = act(ctx, "s3", "delete", listing)
    assert result["failed"] == [] and result["succeeded"] == 2
    assert s3.list_buckets()["Buckets"] == []


# -- tag actions -----------------------------------------------------------------------------
def test_mark_for_op_without_days_or_hours_marks_four_days_ahead(ctx, ec2):
    [iid] = run_instances(ec2)
    ctx.now = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
    run(ctx, "ec2", {"type": "mark-for-op", "op": "stop"})
    run(ctx, "ec2", {"type": "mark-for-op", "op": "stop", "tag": "h", "hours": 0})
    tags = {t["Key"]: t["Value"] for t in ec2.describe_tags(Filters=[
        {"Name": "resource-id", "Values": [iid]}])["Tags"]}
    assert tags["maid_status"] == "Resource does not meet policy: stop@2026/03/05"
    assert tags["h"] == f"Resource does not meet policy: stop@{action_date(ctx.now)}"


@pytest.mark.parametrize("value, written", [("", ""), (False, "False"), (0, "0")])
def test_tag_writes_empty_and_false_values(ctx, ec2, value, written):
    [iid] = run_instances(ec2)
    _, result = run(ctx, "ec2", {"type": "tag", "key": "Flag", "value": value})
    assert result["succeeded"] == 1
    assert ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [iid]}])["Tags"][0][
        "Value"] == written


def test_rename_tag_keeps_an_old_tag_changed_since_the_listing(ctx, ec2):
    changed, same = run_instances(ec2, count=2, tags={"Tmp": "v"})
    listing = ResourceManager.for_type(ctx, "ec2").resources()
    ec2.create_tags(Resources=[changed], Tags=[{"Key": "Tmp", "Value": "newer"}])
    seen = calls(ctx)
    act(ctx, "ec2", {"type": "rename-tag", "old_key": "Tmp", "new_key": "Final"}, listing)
    assert made(seen, "DeleteTags") == [{"Resources": [changed, same],
                                         "Tags": [{"Key": "Tmp", "Value": "v"}]}]

    def tags(iid):
        return {t["Key"]: t["Value"] for t in ec2.describe_tags(Filters=[
            {"Name": "resource-id", "Values": [iid]}])["Tags"]}
    assert tags(same) == {"Final": "v"}
    assert tags(changed) == {"Final": "v", "Tmp": "newer"}


def test_s3_rename_tag_keeps_an_old_tag_changed_since_the_listing(ctx):
    s3 = boto3.client("s3", region_name="us-east-1")
    for name in ("cm-changed", "cm-same"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "Tmp", "Value": "v"}]})
    mgr = ResourceManager.for_type(ctx, "s3")
    listing = mgr.ensure_details(mgr.resources(), {"Tags"})
    s3.put_bucket_tagging(Bucket="cm-changed", Tagging={"TagSet": [
        {"Key": "Tmp", "Value": "newer"}]})
    act(ctx, "s3", {"type": "rename-tag", "old_key": "Tmp", "new_key": "Final"}, listing)

    def tags(name):
        return {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
    assert tags("cm-same") == {"Final": "v"}
    assert tags("cm-changed") == {"Final": "v", "Tmp": "newer"}
