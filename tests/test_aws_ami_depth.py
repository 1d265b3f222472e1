"""ebs-snapshot and ami filters and actions against moto; the calls moto lacks (Reset*Attribute,
image deprecation, CancelImageLaunchPermission) through botocore's Stubber."""
import datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber

from cloudmaid import validate
from cloudmaid.aws.once import MARKER
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager

from .conftest import make_ami

OTHER, THIRD = "111122223333", "444455556666"
ORG = "arn:aws:organizations::111122223333:organization/o-abcdefghij"


def run(ctx, resource, filters=(), actions=()):
    return Policy({"name": "pol", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def problems(resource, policy):
    return [m for _, m, _ in validate.PolicyChecker(
        dict({"name": "p", "resource": resource}, **policy)).run()]


def snapshot(ec2, **tags):
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    params = {"VolumeId": vol, "Description": "d"}
    if tags:
        params["TagSpecifications"] = [{"ResourceType": "snapshot", "Tags": [
            {"Key": k, "Value": v} for k, v in tags.items()]}]
    return ec2.create_snapshot(**params)["SnapshotId"]


def ids(meta, key):
    return sorted(r[key] for r in meta["matched"])


def only(key, values):
    return {"type": "value", "key": key, "op": "in", "value": sorted(values)}


def volume_permissions(ec2, sid):
    return ec2.describe_snapshot_attribute(SnapshotId=sid, Attribute="createVolumePermission")[
        "CreateVolumePermissions"]


def launch_permissions(ec2, iid):
    return ec2.describe_image_attribute(ImageId=iid, Attribute="launchPermission")[
        "LaunchPermissions"]


# -- snapshots: usage ---------------------------------------------------------------------------
def test_snapshot_unused_and_skip_ami_snapshots(ctx, ec2):
    free, templated, configured = snapshot(ec2), snapshot(ec2), snapshot(ec2)
    image = make_ami(ec2)
    [imaged] = [b["Ebs"]["SnapshotId"] for b in ec2.describe_images(
        ImageIds=[image])["Images"][0]["BlockDeviceMappings"] if b.get("Ebs", {}).get("SnapshotId")]
    asg = boto3.client("autoscaling", region_name="us-east-1")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    device = [{"DeviceName": "/dev/sdb", "Ebs": {"SnapshotId": templated}}]
    tid = ec2.create_launch_template(LaunchTemplateName="t", LaunchTemplateData={
        "ImageId": image, "BlockDeviceMappings": device})["LaunchTemplate"]["LaunchTemplateId"]
    asg.create_auto_scaling_group(AutoScalingGroupName="g1", MinSize=0, MaxSize=0,
                                  LaunchTemplate={"LaunchTemplateId": tid},
                                  VPCZoneIdentifier=subnet)
    asg.create_launch_configuration(
        LaunchConfigurationName="lc", ImageId=image, InstanceType="t3.micro",
        BlockDeviceMappings=[{"DeviceName": "/dev/sdb", "Ebs": {"SnapshotId": configured}}])
    asg.create_auto_scaling_group(AutoScalingGroupName="g2", MinSize=0, MaxSize=0,
                                  LaunchConfigurationName="lc", VPCZoneIdentifier=subnet)
    every = [free, templated, configured, imaged]
    meta = run(ctx, "ebs-snapshot", [only("SnapshotId", every), "unused"])
    assert ids(meta, "SnapshotId") == [free]
    meta = run(ctx, "ebs-snapshot", [only("SnapshotId", every), {"type": "unused", "value": False}])
    assert ids(meta, "SnapshotId") == sorted([templated, configured, imaged])
    meta = run(ctx, "ebs-snapshot", [only("SnapshotId", every), "skip-ami-snapshots"])
    assert ids(meta, "SnapshotId") == sorted([free, templated, configured])
    meta = run(ctx, "ebs-snapshot", [only("SnapshotId", every),
                                     {"type": "skip-ami-snapshots", "value": False}])
    assert ids(meta, "SnapshotId") == sorted(every)


def test_snapshot_volume_filter(ctx, ec2):
    kept = snapshot(ec2)
    orphan = snapshot(ec2)
    gone = ec2.describe_snapshots(SnapshotIds=[orphan])["Snapshots"][0]["VolumeId"]
    ec2.delete_volume(VolumeId=gone)
    meta = run(ctx, "ebs-snapshot", [only("SnapshotId", [kept, orphan]),
                                     {"type": "volume", "key": "VolumeId", "value": "absent"}])
    assert ids(meta, "SnapshotId") == [orphan]
    meta = run(ctx, "ebs-snapshot", [only("SnapshotId", [kept, orphan]),
                                     {"type": "volume", "key": "Size", "value": 1}])
    assert ids(meta, "SnapshotId") == [kept]


# -- snapshots: sharing -------------------------------------------------------------------------
def test_snapshot_cross_account_and_remove_matched(ctx, ec2):
    private, allowed, shared, public = (snapshot(ec2) for _ in range(4))
    ec2.modify_snapshot_attribute(SnapshotId=allowed, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=[OTHER])
    ec2.modify_snapshot_attribute(SnapshotId=shared, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=[OTHER, THIRD])
    ec2.modify_snapshot_attribute(SnapshotId=public, Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])
    every = only("SnapshotId", [private, allowed, shared, public])
    meta = run(ctx, "ebs-snapshot", [every, {"type": "cross-account", "whitelist": [OTHER]}],
               [{"type": "set-permissions", "remove": "matched"}])
    assert ids(meta, "SnapshotId") == sorted([shared, public])
    found = {r["SnapshotId"]: r["c7n:CrossAccountViolations"] for r in meta["matched"]}
    assert found == {shared: [THIRD], public: ["all"]}
    assert volume_permissions(ec2, shared) == [{"UserId": OTHER}]
    assert volume_permissions(ec2, public) == []
    meta = run(ctx, "ebs-snapshot", [every, {"type": "cross-account", "everyone_only": True}])
    assert ids(meta, "SnapshotId") == []


def test_snapshot_cross_account_whitelist_from(ctx, ec2, tmp_path):
    shared = snapshot(ec2)
    ec2.modify_snapshot_attribute(SnapshotId=shared, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=[OTHER])
    allowed = tmp_path / "accounts.txt"
    allowed.write_text(f"{OTHER}\n")
    meta = run(ctx, "ebs-snapshot", [only("SnapshotId", [shared]), {
        "type": "cross-account", "whitelist_from": {"url": str(allowed), "format": "txt"}}])
    assert meta["matched"] == []


def test_snapshot_set_permissions_add_and_remove(ctx, ec2):
    sid = snapshot(ec2)
    run(ctx, "ebs-snapshot", [only("SnapshotId", [sid])],
        [{"type": "set-permissions", "add": [OTHER, THIRD]}])
    assert sorted(p["UserId"] for p in volume_permissions(ec2, sid)) == [OTHER, THIRD]
    run(ctx, "ebs-snapshot", [only("SnapshotId", [sid])],
        [{"type": "set-permissions", "remove": [THIRD]}])
    assert volume_permissions(ec2, sid) == [{"UserId": OTHER}]


def test_snapshot_set_permissions_default_resets(ctx):
    """moto has no ResetSnapshotAttribute: the call is checked on the Stubber."""
    from cloudmaid.actions.core import actions
    manager = ResourceManager.for_type(ctx, "ebs-snapshot")
    stub = Stubber(manager.client())
    stub.add_response("reset_snapshot_attribute", {},
                      {"SnapshotId": "snap-1", "Attribute": "createVolumePermission"})
    with stub:
        result = actions.get("set-permissions", "ebs-snapshot")(
            {"type": "set-permissions"}, manager).run([{"SnapshotId": "snap-1"}])
    assert result["succeeded"] == 1
    stub.assert_no_pending_responses()


def test_set_permissions_matched_needs_cross_account():
    for rtype in ("ebs-snapshot", "ami"):
        assert any("needs a cross-account filter" in p for p in problems(
            rtype, {"actions": [{"type": "set-permissions", "remove": "matched"}]}))
        assert problems(rtype, {"filters": [{"type": "cross-account"}], "actions": [
            {"type": "set-permissions", "remove": "matched"}]}) == []
    assert any("needs a cross-account filter" in p for p in problems(
        "ami", {"actions": [{"type": "remove-launch-permissions", "accounts": "matched"}]}))
    # keys Custodian's snapshot filter accepts and ignores are refused here
    assert problems("ebs-snapshot", {"filters": [{"type": "cross-account",
                                                  "whitelist_vpc": ["vpc-1"]}]})


# -- snapshots: copy ----------------------------------------------------------------------------
def test_snapshot_copy_across_regions_with_tags(ctx, ec2):
    sid = snapshot(ec2, Name="nightly", Team="a")
    meta = run(ctx, "ebs-snapshot", [only("SnapshotId", [sid])], [
        {"type": "copy", "target_region": "us-west-2", "encrypted": False}])
    copy_id = meta["matched"][0]["c7n:CopiedSnapshot"]
    west = boto3.client("ec2", region_name="us-west-2")
    [copy] = west.describe_snapshots(SnapshotIds=[copy_id])["Snapshots"]
    assert copy["Description"] == "d"
    assert {t["Key"]: t["Value"] for t in copy["Tags"] if t["Key"] != MARKER} == {
        "Name": "nightly", "Team": "a"}
    assert meta["actions"][0]["copies"] == {sid: copy_id}


def test_snapshot_copy_encrypted_needs_a_key():
    assert any("target_key" in p for p in problems("ebs-snapshot", {"actions": [
        {"type": "copy", "target_region": "us-west-2"}]}))
    assert problems("ebs-snapshot", {"actions": [
        {"type": "copy", "target_region": "us-west-2", "target_key": "alias/k"}]}) == []


# -- ami: usage ---------------------------------------------------------------------------------
def test_ami_unused(ctx, ec2):
    running, launched, idle = make_ami(ec2), make_ami(ec2), make_ami(ec2)
    ec2.run_instances(ImageId=running, MinCount=1, MaxCount=1, InstanceType="t3.micro")
    asg = boto3.client("autoscaling", region_name="us-east-1")
    asg.create_launch_configuration(LaunchConfigurationName="lc", ImageId=launched,
                                    InstanceType="t3.micro")
    asg.create_auto_scaling_group(AutoScalingGroupName="g", MinSize=0, MaxSize=0,
                                  LaunchConfigurationName="lc",
                                  AvailabilityZones=["us-east-1a"])
    every = only("ImageId", [running, launched, idle])
    assert ids(run(ctx, "ami", [every, "unused"]), "ImageId") == [idle]
    assert ids(run(ctx, "ami", [every, {"type": "unused", "value": False}]), "ImageId") == \
        sorted([running, launched])


def test_image_attribute(ctx, ec2):
    iid = make_ami(ec2)
    ec2.modify_image_attribute(ImageId=iid, LaunchPermission={"Add": [{"UserId": OTHER}]})
    meta = run(ctx, "ami", [only("ImageId", [iid]), {
        "type": "image-attribute", "attribute": "launchPermission", "key": "[].UserId",
        "value": OTHER, "op": "contains"}])
    assert ids(meta, "ImageId") == [iid]
    assert meta["matched"][0]["c7n:attribute-launchPermission"] == [{"UserId": OTHER}]
    meta = run(ctx, "ami", [only("ImageId", [iid]), {
        "type": "image-attribute", "attribute": "description", "key": "Value",
        "value": "absent"}])
    assert ids(meta, "ImageId") == []
    assert problems("ami", {"filters": [{"type": "image-attribute", "key": "Value",
                                         "value": 1}]})


# -- ami: sharing -------------------------------------------------------------------------------
def test_ami_cross_account_set_permissions_matched_removes_public_too(ctx, ec2):
    private, allowed, shared = make_ami(ec2), make_ami(ec2), make_ami(ec2)
    ec2.modify_image_attribute(ImageId=allowed, LaunchPermission={"Add": [{"UserId": OTHER}]})
    ec2.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [
        {"UserId": OTHER}, {"UserId": THIRD}, {"Group": "all"}]})
    every = only("ImageId", [private, allowed, shared])
    meta = run(ctx, "ami", [every, {"type": "cross-account", "whitelist": [OTHER]}],
               [{"type": "set-permissions", "remove": "matched"}])
    assert ids(meta, "ImageId") == [shared]
    assert meta["matched"][0]["c7n:CrossAccountViolations"] == [THIRD, "all"]
    assert len(meta["matched"][0]["c7n:LaunchPermissions"]) == 3
    assert launch_permissions(ec2, shared) == [{"UserId": OTHER}]


def test_ami_set_permissions_add_accounts_and_orgs(ctx, ec2):
    iid = make_ami(ec2)
    run(ctx, "ami", [only("ImageId", [iid])],
        [{"type": "set-permissions", "add": [OTHER, ORG, "not-a-principal"]}])
    assert sorted(map(str, launch_permissions(ec2, iid))) == sorted(
        map(str, [{"UserId": OTHER}, {"OrganizationArn": ORG}]))
    run(ctx, "ami", [only("ImageId", [iid])], [{"type": "set-permissions", "remove": [ORG]}])
    assert launch_permissions(ec2, iid) == [{"UserId": OTHER}]


def test_remove_launch_permissions_one_account(ctx, ec2):
    iid = make_ami(ec2)
    ec2.modify_image_attribute(ImageId=iid, LaunchPermission={"Add": [
        {"UserId": OTHER}, {"UserId": THIRD}]})
    run(ctx, "ami", [only("ImageId", [iid])],
        [{"type": "remove-launch-permissions", "accounts": THIRD}])
    assert launch_permissions(ec2, iid) == [{"UserId": OTHER}]
    run(ctx, "ami", [only("ImageId", [iid]), "cross-account"],
        [{"type": "remove-launch-permissions", "accounts": "matched"}])
    assert launch_permissions(ec2, iid) == []


@pytest.mark.parametrize("name,data", [("set-permissions", {}),
                                       ("remove-launch-permissions", {})])
def test_ami_permission_defaults_reset(ctx, name, data):
    from cloudmaid.actions.core import actions
    manager = ResourceManager.for_type(ctx, "ami")
    stub = Stubber(manager.client())
    stub.add_response("reset_image_attribute", {},
                      {"ImageId": "ami-1", "Attribute": "launchPermission"})
    with stub:
        result = actions.get(name, "ami")(dict(type=name, **data), manager).run(
            [{"ImageId": "ami-1"}])
    assert result["succeeded"] == 1
    stub.assert_no_pending_responses()


# -- ami: deprecation, copy, cancel -------------------------------------------------------------
def deprecation_run(ctx, data, images):
    from cloudmaid.actions.core import actions
    manager = ResourceManager.for_type(ctx, "ami")
    action = actions.get("set-deprecation", "ami")(dict(type="set-deprecation", **data), manager)
    return manager, action


def test_set_deprecation_days_age_date_and_undo(ctx):
    now = datetime.datetime.now(datetime.timezone.utc)
    own = {"ImageId": "ami-1", "OwnerId": "123456789012",
           "CreationDate": (now - datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
    foreign = {"ImageId": "ami-2", "OwnerId": OTHER}
    for data, expect in (({"days": 30}, 30), ({"age": 40}, 30), ({"date": "2999-01-01"}, None),
                         ({"age": 1}, 0)):
        manager, action = deprecation_run(ctx, data, [own])
        seen = []
        stub = Stubber(manager.client())
        stub.add_response("enable_image_deprecation", {"Return": True},
                          {"ImageId": "ami-1", "DeprecateAt": ANY})
        manager.client().meta.events.register(
            "provide-client-params.ec2.EnableImageDeprecation",
            lambda params, **kw: seen.append(params["DeprecateAt"]))
        with stub:
            result = action.run([own, foreign])
        assert result["succeeded"] == 1 and result["skipped"] == ["ami-2"]
        if expect is None:
            assert seen[0].year == 2999
        else:   # a time in the past becomes a minute from now
            assert abs((seen[0] - now).total_seconds() - expect * 86400) < 3600
        manager.client().meta.events.unregister(
            "provide-client-params.ec2.EnableImageDeprecation")
    manager, action = deprecation_run(ctx, {}, [own])
    stub = Stubber(manager.client())
    stub.add_response("disable_image_deprecation", {"Return": True}, {"ImageId": "ami-1"})
    with stub:
        assert action.run([own])["succeeded"] == 1


def test_set_deprecation_validation():
    assert any("one of date, days or age" in p for p in problems(
        "ami", {"actions": [{"type": "set-deprecation", "days": 1, "age": 2}]}))
    assert any("not a date" in p for p in problems(
        "ami", {"actions": [{"type": "set-deprecation", "date": "someday"}]}))


def test_ami_copy(ctx, ec2):
    iid = make_ami(ec2)
    meta = run(ctx, "ami", [only("ImageId", [iid])],
               [{"type": "copy", "name": "copied", "region": "us-west-2"}])
    new = meta["actions"][0]["copies"][iid]
    west = boto3.client("ec2", region_name="us-west-2")
    assert west.describe_images(ImageIds=[new])["Images"][0]["Name"] == "copied"


def test_cancel_launch_permission_defaults_to_aws_dry_run(ctx):
    from cloudmaid.actions.core import actions
    manager = ResourceManager.for_type(ctx, "ami")
    stub = Stubber(manager.client())
    stub.add_client_error("cancel_image_launch_permission", "DryRunOperation",
                          "Request would have succeeded", expected_params={
                              "ImageId": "ami-1", "DryRun": True})
    stub.add_response("cancel_image_launch_permission", {"Return": True},
                      {"ImageId": "ami-1", "DryRun": False})
    cls = actions.get("cancel-launch-permission", "ami")
    with stub:
        assert cls({"type": "cancel-launch-permission"}, manager).run(
            [{"ImageId": "ami-1"}])["succeeded"] == 1
        assert cls({"type": "cancel-launch-permission", "dryrun": False}, manager).run(
            [{"ImageId": "ami-1"}])["succeeded"] == 1
    stub.assert_no_pending_responses()
