"""EC2 instance actions against moto: snapshot, resize, set-instance-profile,
propagate-spot-tags, autorecover-alarm, send-command; the ``stop``/``terminate`` options beside
them are in tests/test_resources_ec2.py."""
import boto3
import pytest

from cloudmaid.aws import once
from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

from .conftest import run_instances


def run(ctx, ids, actions, filters=()):
    return Policy({"name": "p", "resource": "ec2", "filters": [
        {"type": "value", "key": "InstanceId", "op": "in", "value": list(ids)}, *filters],
        "actions": list(actions)}, ctx).run()


def problems(actions, filters=()):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ec2",
                                            "filters": list(filters),
                                            "actions": list(actions)}).run()]


def describe(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def sent(ctx, service, operation):
    """The parameters of every ``operation`` call the run's client makes."""
    calls = []
    # writes that must happen once go through their own client (cloudmaid.aws.once)
    for client in (ctx.session_factory.client(service), once.client(ctx.session_factory, service)):
        client.meta.events.register(f"provide-client-params.{service}.{operation}",
                                    lambda params, **kw: calls.append(dict(params)))
    return calls


def tags(items):
    return {t["Key"]: t["Value"] for t in items or () if t["Key"] != once.MARKER}


# -- snapshot ------------------------------------------------------------------------------
def test_snapshot_every_volume_with_copy_tags(ctx, ec2):
    (iid,) = run_instances(ec2, tags={"Name": "web", "Team": "a"})
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=iid, Device="/dev/sdf")
    meta = run(ctx, [iid], [{"type": "snapshot", "copy-tags": ["Name"],
                             "tags": {"custodian_snapshot": True}}])
    (result,) = meta["actions"]
    assert result["succeeded"] == 1 and len(result["snapshots"]) == 2
    snaps = ec2.describe_snapshots(SnapshotIds=result["snapshots"])["Snapshots"]
    assert {s["Description"] for s in snaps} == {f"Snapshot Created for {iid} (web)"}
    assert all(tags(s.get("Tags")) == {"Name": "web", "custodian_snapshot": "True"}
               for s in snaps)


def test_snapshot_exclude_boot_and_volume_tags(ctx, ec2):
    (iid,) = run_instances(ec2)
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=iid, Device="/dev/sdf")
    calls = sent(ctx, "ec2", "CreateSnapshots")
    meta = run(ctx, [iid], [{"type": "snapshot", "exclude-boot": True}])
    (result,) = meta["actions"]
    (snap,) = ec2.describe_snapshots(SnapshotIds=result["snapshots"])["Snapshots"]
    assert snap["VolumeId"] == volume
    # volume tags by default (moto does not copy them: the request says so)
    assert calls[0]["CopyTagsFromSource"] == "volume"
    assert [tags(s["Tags"]) for s in calls[0]["TagSpecifications"]] == [{}]   # the marker only
    assert calls[0]["InstanceSpecification"] == {"InstanceId": iid, "ExcludeBootVolume": True}


def test_snapshot_tags_without_copy_tags_are_applied(ctx, ec2):
    (iid,) = run_instances(ec2)
    calls = sent(ctx, "ec2", "CreateSnapshots")
    meta = run(ctx, [iid], [{"type": "snapshot", "copy-volume-tags": False, "tags": {"k": "v"}}])
    assert "CopyTagsFromSource" not in calls[0]
    assert calls[0]["TagSpecifications"] == [{"ResourceType": "snapshot", "Tags": [
        {"Key": "k", "Value": "v"},
        {"Key": once.MARKER, "Value": f"{meta['execution']['id']}:{iid}"}]}]


def test_snapshot_validation():
    assert problems([{"type": "snapshot", "copy-tags": ["a"], "copy-volume-tags": True}])
    assert problems([{"type": "snapshot", "exclude-boot": "yes"}])


# -- resize --------------------------------------------------------------------------------
def test_resize_with_restart_leaves_instances_as_found(ctx, ec2):
    running, stopped, other = run_instances(ec2, count=3)
    ec2.stop_instances(InstanceIds=[stopped])
    ec2.modify_instance_attribute(InstanceId=other, InstanceType={"Value": "m5.large"})
    meta = run(ctx, [running, stopped, other], [{
        "type": "resize", "restart": True, "type-map": {"t3.micro": "t3.small"}}])
    (result,) = meta["actions"]
    assert result["succeeded"] == 2 and result["unchanged"] == 1 and not result["failed"]
    assert describe(ec2, running)["InstanceType"] == "t3.small"
    assert describe(ec2, running)["State"]["Name"] == "running"
    assert describe(ec2, stopped)["InstanceType"] == "t3.small"
    assert describe(ec2, stopped)["State"]["Name"] == "stopped"
    assert describe(ec2, other)["InstanceType"] == "m5.large"


def test_resize_default_type_without_restart_does_not_stop(ctx, ec2):
    (iid,) = run_instances(ec2)
    stops = sent(ctx, "ec2", "StopInstances")
    meta = run(ctx, [iid], [{"type": "resize", "default": "t3.large"}])
    assert meta["actions"][0]["succeeded"] == 1 and stops == []
    assert describe(ec2, iid)["InstanceType"] == "t3.large"


# -- set-instance-profile ------------------------------------------------------------------
@pytest.fixture
def profiles(aws):
    iam = boto3.client("iam", region_name="us-east-1")
    for name in ("one", "two"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")
        iam.create_instance_profile(InstanceProfileName=name)
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)


def profile_of(ec2, iid):
    found = ec2.describe_iam_instance_profile_associations(Filters=[
        {"Name": "instance-id", "Values": [iid]}])["IamInstanceProfileAssociations"]
    live = [a for a in found if a["State"] in ("associating", "associated")]
    return live[0]["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1] if live else None


def test_set_instance_profile_associates_replaces_and_skips(ctx, ec2, profiles):
    bare, other, same = run_instances(ec2, count=3)
    ec2.associate_iam_instance_profile(IamInstanceProfile={"Name": "two"}, InstanceId=other)
    ec2.associate_iam_instance_profile(IamInstanceProfile={"Name": "one"}, InstanceId=same)
    meta = run(ctx, [bare, other, same], [{"type": "set-instance-profile", "name": "one"}])
    (result,) = meta["actions"]
    assert result["succeeded"] == 2 and result["unchanged"] == 1
    assert [profile_of(ec2, i) for i in (bare, other, same)] == ["one", "one", "one"]


def test_set_instance_profile_without_name_disassociates(ctx, ec2, profiles):
    with_profile, bare = run_instances(ec2, count=2)
    ec2.associate_iam_instance_profile(IamInstanceProfile={"Name": "two"},
                                       InstanceId=with_profile)
    meta = run(ctx, [with_profile, bare], [{"type": "set-instance-profile"}])
    (result,) = meta["actions"]
    assert result["succeeded"] == 1 and result["unchanged"] == 1
    assert profile_of(ec2, with_profile) is None


def test_set_instance_profile_failure_is_per_instance(ctx, ec2):
    (iid,) = run_instances(ec2)
    meta = run(ctx, [iid], [{"type": "set-instance-profile", "name": "missing"}])
    assert [f["id"] for f in meta["actions"][0]["failed"]] == [iid]


# -- propagate-spot-tags -------------------------------------------------------------------
def spot(ec2, request_tags, instance_tags=None):
    from .conftest import make_ami
    image = make_ami(ec2)
    out = ec2.request_spot_instances(
        SpotPrice="0.1", InstanceCount=1,
        LaunchSpecification={"ImageId": image, "InstanceType": "t3.micro"},
        TagSpecifications=[{"ResourceType": "spot-instances-request", "Tags": [
            {"Key": k, "Value": v} for k, v in request_tags.items()]}])
    iid = out["SpotInstanceRequests"][0]["InstanceId"]
    if instance_tags:
        ec2.create_tags(Resources=[iid], Tags=[{"Key": k, "Value": v}
                                               for k, v in instance_tags.items()])
    return iid


def test_propagate_spot_tags_only_tags(ctx, ec2):
    a = spot(ec2, {"Name": "worker", "BillingTag": "b1", "Other": "o"})
    done = spot(ec2, {"Name": "x"}, {"Name": "x"})
    (on_demand,) = run_instances(ec2)
    meta = run(ctx, [a, done, on_demand], [{"type": "propagate-spot-tags",
                                            "only_tags": ["Name", "BillingTag", "Missing"]}])
    (result,) = meta["actions"]
    assert result["succeeded"] == 1 and result["skipped"] == [on_demand]
    assert tags(describe(ec2, a).get("Tags")) == {"Name": "worker", "BillingTag": "b1"}
    assert tags(describe(ec2, done).get("Tags")) == {"Name": "x"}


def test_propagate_spot_tags_all_of_them(ctx, ec2):
    a = spot(ec2, {"Name": "worker", "Team": "t"}, {"Own": "y"})
    run(ctx, [a], [{"type": "propagate-spot-tags"}])
    assert tags(describe(ec2, a).get("Tags")) == {"Name": "worker", "Team": "t", "Own": "y"}


# -- autorecover-alarm ---------------------------------------------------------------------
def test_autorecover_alarm_outside_auto_scaling(ctx, ec2):
    single, grouped = run_instances(ec2, count=2)
    ec2.create_tags(Resources=[grouped], Tags=[{"Key": "aws:autoscaling:groupName",
                                                "Value": "g"}])
    meta = run(ctx, [single, grouped], [{"type": "autorecover-alarm"}])
    assert meta["actions"][0]["skipped"] == [grouped]
    cw = boto3.client("cloudwatch", region_name="us-east-1")
    (alarm,) = cw.describe_alarms(AlarmNamePrefix="recover-")["MetricAlarms"]
    assert alarm["AlarmName"] == f"recover-{single}"
    assert alarm["AlarmActions"] == ["arn:aws:automate:us-east-1:ec2:recover"]


# -- send-command --------------------------------------------------------------------------
COMMAND = {"DocumentName": "AWS-RunShellScript", "Parameters": {"commands": ["true"]}}


def test_send_command_to_the_matched_instances(ctx, ec2):
    a, b = run_instances(ec2, count=2)
    from cloudmaid.aws.ec2.ssm_commands import SendCommand
    manager = Policy({"name": "p", "resource": "ec2"}, ctx).manager
    action = SendCommand({"type": "send-command", "command": COMMAND}, manager)
    instances = [{"InstanceId": a}, {"InstanceId": b}]
    result = action.run(instances)
    assert result["succeeded"] == 2 and len(result["commands"]) == 1
    ssm = boto3.client("ssm", region_name="us-east-1")
    (command,) = ssm.list_commands()["Commands"]
    assert sorted(command["InstanceIds"]) == sorted([a, b])
    assert command["CommandId"] == instances[0]["c7n:SendCommand"][0]


def test_send_command_validation():
    ssm = [{"type": "ssm", "key": "PingStatus", "value": "Online"}]
    assert problems([{"type": "send-command", "command": COMMAND}], ssm) == []
    assert any("ssm filter" in m for m in problems([{"type": "send-command",
                                                    "command": COMMAND}]))
    assert any("DocumentName" in m for m in problems([{"type": "send-command",
                                                      "command": {"Parameters": {}}}], ssm))
    assert any("InstanceIds" in m for m in problems([{"type": "send-command", "command": dict(
        COMMAND, InstanceIds=["i-1"])}], ssm))
    # the ssm filter may sit in a block
    assert problems([{"type": "send-command", "command": COMMAND}],
                    [{"or": ssm + [{"State.Name": "running"}]}]) == []
