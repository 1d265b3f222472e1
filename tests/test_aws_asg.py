"""Auto Scaling groups against moto: the asg-instance-state mode end to end, the group
filters and actions (Custodian's names and semantics), launch configurations and launch
template versions."""
import base64
import gzip

import boto3
import pytest

from cloudmaid.modes.core import EventMode
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

from .conftest import make_ami
from .seeders import fixture

ZONE = "us-east-1a"


@pytest.fixture
def asg(aws):
    return boto3.client("autoscaling", region_name="us-east-1")


@pytest.fixture
def net(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24",
                               AvailabilityZone=ZONE)["Subnet"]["SubnetId"]
    return vpc, subnet


def make_group(asg, ec2, net, name, desired=1, tags=None, config=None, **kw):
    if config is None and "LaunchTemplate" not in kw:
        config = f"{name}-lc"
        asg.create_launch_configuration(LaunchConfigurationName=config, ImageId=make_ami(ec2),
                                        InstanceType="t3.micro")
    if config:
        kw["LaunchConfigurationName"] = config
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name, MinSize=0, MaxSize=3, DesiredCapacity=desired,
        VPCZoneIdentifier=net[1], Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": p}
                                        for k, (v, p) in (tags or {}).items()], **kw)
    return name


def group(asg, name):
    return asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]


def run(ctx, filters=(), actions=(), mode=None, event=None, resource="asg"):
    data = {"name": "p", "resource": resource, "filters": list(filters), "actions": list(actions)}
    if mode:
        data["mode"] = mode
    assert [p for p in PolicyChecker(data).run() if p] == [], PolicyChecker(data).run()
    meta = Policy(data, ctx).run(event)
    assert not meta["errors"], meta["errors"]
    return meta


def matched(ctx, filters, resource="asg"):
    m = ResourceManager.for_type(ctx, resource)
    from cloudmaid.filters import core
    found = core.apply(core.parse(filters, m), [dict(r) for r in m.resources()], manager=m)
    return sorted(m.resource_id(r) for r in found)


# -- the asg-instance-state mode --------------------------------------------------------------
MODE = {"type": "asg-instance-state", "events": ["launch-success"],
        "role": "arn:aws:iam::123456789012:role/maid"}


def test_asg_instance_state_runs_on_the_group_named_by_the_event(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "web-asg")
    make_group(asg, ec2, net, "other-asg")
    meta = run(ctx, actions=[{"type": "tag", "key": "seen", "value": "1"}], mode=MODE,
               event=fixture("asg-launch-successful.json"))
    assert meta["resources"]["matched"] == 1
    assert {t["Key"]: t["Value"] for t in group(asg, "web-asg")["Tags"]}["seen"] == "1"
    assert "seen" not in {t["Key"] for t in group(asg, "other-asg")["Tags"]}


@pytest.mark.parametrize("delay,waited", [(1.5, 1.5), (0, 0)])
def test_asg_instance_state_waits_delay_for_a_group_not_yet_visible(
        ctx, asg, monkeypatch, delay, waited):
    slept = []
    monkeypatch.setattr(EventMode, "sleep", staticmethod(slept.append))
    meta = run(ctx, mode=dict(MODE, delay=delay), event=fixture("asg-launch-successful.json"))
    assert meta["resources"]["matched"] == 0
    assert sum(slept) == pytest.approx(waited)


def test_asg_instance_state_finds_a_group_that_appears_while_waiting(ctx, asg, ec2, net,
                                                                     monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(
        lambda s: make_group(asg, ec2, net, "web-asg", desired=0) if not group_exists(asg) else None))
    meta = run(ctx, mode=dict(MODE, delay=5), event=fixture("asg-launch-successful.json"))
    assert meta["resources"]["matched"] == 1


def group_exists(asg):
    return bool(asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web-asg"])[
        "AutoScalingGroups"])


# -- the listing and tags ---------------------------------------------------------------------
def test_listing_keeps_propagation_and_tags_keep_it(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", tags={"Team": ("a", True)})
    run(ctx, actions=[{"type": "tag", "key": "Team", "value": "b"},
                      {"type": "tag", "key": "New", "value": "n"}])
    tags = {t["Key"]: t for t in group(asg, "g")["Tags"]}
    assert tags["Team"]["Value"] == "b" and tags["Team"]["PropagateAtLaunch"] is True
    assert tags["New"]["PropagateAtLaunch"] is False
    run(ctx, actions=[{"type": "remove-tag", "tags": ["Team"]}])
    assert {t["Key"] for t in group(asg, "g")["Tags"]} == {"New"}


# -- filters ----------------------------------------------------------------------------------
def test_launch_config_and_image_filters(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "lc", desired=0)
    image = ec2.register_image(Name="windows-base", RootDeviceName="/dev/sda1",
                               BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                                                     "Ebs": {"VolumeSize": 8}}])["ImageId"]
    template = ec2.create_launch_template(LaunchTemplateName="t", LaunchTemplateData={
        "ImageId": image, "InstanceType": "m5.large"})["LaunchTemplate"]["LaunchTemplateId"]
    make_group(asg, ec2, net, "lt", desired=0, config=False,
               LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"})
    assert matched(ctx, [{"type": "launch-config", "key": "InstanceType",
                          "value": "m5.large"}]) == ["lt"]
    assert matched(ctx, [{"type": "launch-config", "key": "InstanceType",
                          "value": "t3.micro"}]) == ["lc"]
    assert matched(ctx, [{"type": "image", "key": "Name", "value": "windows-base"}]) == ["lt"]
    assert matched(ctx, [{"type": "image-age", "days": 1, "op": "lt"}]) == ["lc", "lt"]
    assert matched(ctx, [{"type": "image-age", "days": 1}]) == []


def test_image_age_of_a_gone_image_counts_as_old(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=0)
    lc = asg.describe_launch_configurations()["LaunchConfigurations"][0]
    ec2.deregister_image(ImageId=lc["ImageId"])
    assert matched(ctx, [{"type": "image-age", "days": 365}]) == ["g"]
    assert matched(ctx, [{"type": "image", "key": "Name", "value": "present"}]) == []


def test_not_encrypted(ctx, asg, ec2, net):
    image = make_ami(ec2)
    asg.create_launch_configuration(
        LaunchConfigurationName="plain", ImageId=image, InstanceType="t3.micro",
        BlockDeviceMappings=[{"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 5}}])
    asg.create_launch_configuration(
        LaunchConfigurationName="sealed", ImageId=image, InstanceType="t3.micro",
        BlockDeviceMappings=[{"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 5,
                                                                "Encrypted": True}}])
    make_group(asg, ec2, net, "plain", desired=0, config="plain")
    make_group(asg, ec2, net, "sealed", desired=0, config="sealed")
    # moto's images report unencrypted root volumes: exclude_image looks at the configs only
    assert matched(ctx, [{"type": "not-encrypted", "exclude_image": True}]) == ["plain"]
    assert matched(ctx, [{"type": "not-encrypted"}]) == ["plain", "sealed"]
    m = ResourceManager.for_type(ctx, "asg")
    from cloudmaid.filters import core
    [g] = core.apply(core.parse([{"type": "not-encrypted"}], m),
                     [r for r in m.resources() if r["AutoScalingGroupName"] == "plain"],
                     manager=m)
    assert g["Unencrypted"] == ["Image", "LaunchConfig"]


def test_capacity_delta():
    from cloudmaid.aws.autoscaling.filters import CapacityDelta
    f = CapacityDelta({"type": "capacity-delta"})
    assert f.match({"Instances": [{}], "DesiredCapacity": 2, "MinSize": 0})
    assert f.match({"Instances": [], "DesiredCapacity": 0, "MinSize": 1})
    assert not f.match({"Instances": [{}], "DesiredCapacity": 1, "MinSize": 1})


def test_capacity_delta_against_moto(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=1)
    assert matched(ctx, ["capacity-delta"]) == []


def test_vpc_id(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=0)
    assert matched(ctx, [{"type": "vpc-id", "value": net[0]}]) == ["g"]
    assert matched(ctx, [{"type": "vpc-id", "value": "vpc-other"}]) == []


def test_user_data(ctx, asg, ec2, net):
    image = make_ami(ec2)
    # moto base64-encodes what it is given, as AWS stores it: give it the script itself
    asg.create_launch_configuration(LaunchConfigurationName="secret", ImageId=image,
                                    InstanceType="t3.micro",
                                    UserData="#!/bin/sh\nexport password=hunter2\n")
    asg.create_launch_configuration(LaunchConfigurationName="none", ImageId=image,
                                    InstanceType="t3.micro")
    for name in ("secret", "none"):
        make_group(asg, ec2, net, name, desired=0, config=name)
    assert matched(ctx, [{"type": "user-data", "op": "regex",
                          "value": "(?smi).*password="}]) == ["secret"]
    assert matched(ctx, [{"type": "user-data", "value": "absent"}]) == ["none"]


def test_user_data_is_decoded_plain_or_gzipped():
    from cloudmaid.aws.autoscaling.filters import user_data
    script = "#!/bin/sh\necho hi\n"
    assert user_data(base64.b64encode(script.encode()).decode()) == script
    assert user_data(base64.b64encode(gzip.compress(script.encode())).decode()) == script


@pytest.mark.parametrize("kind", ["user-data", "vpc-id"])
def test_filters_with_a_fixed_key_refuse_key(kind):
    problems = PolicyChecker({"name": "p", "resource": "asg", "filters": [
        {"type": kind, "key": "x", "value": "y"}]}).run()
    assert any("key" in m for _, m, _ in problems), problems


# -- actions ----------------------------------------------------------------------------------
def test_suspend_then_resume(ctx, asg, ec2, net, monkeypatch):
    from cloudmaid.aws.autoscaling.actions import Resume
    make_group(asg, ec2, net, "g", desired=1)
    iid = group(asg, "g")["Instances"][0]["InstanceId"]
    run(ctx, actions=[{"type": "suspend", "exclude": ["Launch"]}])
    suspended = {p["ProcessName"] for p in group(asg, "g")["SuspendedProcesses"]}
    assert "Terminate" in suspended and "Launch" not in suspended
    state = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] == "stopped"
    slept = []
    monkeypatch.setattr(Resume, "sleep", staticmethod(slept.append))
    run(ctx, actions=[{"type": "resume", "delay": 7}])
    assert group(asg, "g")["SuspendedProcesses"] == []
    state = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert state["State"]["Name"] == "running" and slept == [7.0]


def test_resume_leaves_groups_without_suspended_processes(ctx, asg, ec2, net, monkeypatch):
    from cloudmaid.aws.autoscaling.actions import Resume
    make_group(asg, ec2, net, "g", desired=0)
    slept = []
    monkeypatch.setattr(Resume, "sleep", staticmethod(slept.append))
    meta = run(ctx, actions=["resume"])
    assert meta["actions"][0]["skipped"] == ["g"] and slept == []


def test_resize_saves_and_restores(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=2)
    run(ctx, actions=[{"type": "resize", "min-size": 0, "desired-size": 0,
                       "save-options-tag": "OffHours"}])
    g = group(asg, "g")
    assert g["DesiredCapacity"] == 0
    saved = {t["Key"]: t["Value"] for t in g["Tags"]}["OffHours"]
    assert dict(p.split("=") for p in saved.split(";")) == {
        "MinSize": "0", "MaxSize": "3", "DesiredCapacity": "2"}
    run(ctx, actions=[{"type": "resize", "restore-options-tag": "OffHours"}])
    assert group(asg, "g")["DesiredCapacity"] == 2


def test_resize_current_never_raises(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=1)
    run(ctx, actions=[{"type": "resize", "desired-size": "current"}])
    g = group(asg, "g")
    assert g["DesiredCapacity"] == 1 and g["MinSize"] == 0


def test_update_and_its_validation(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=0)
    sent = []   # moto ignores DefaultCooldown: the request says what was asked
    ctx.session_factory.client("autoscaling").meta.events.register(
        "provide-client-params.autoscaling.UpdateAutoScalingGroup",
        lambda params, **kw: sent.append(dict(params)))
    run(ctx, actions=[{"type": "update", "default-cooldown": 600,
                       "new-instances-protected-from-scale-in": True}])
    assert group(asg, "g")["NewInstancesProtectedFromScaleIn"] is True
    assert sent == [{"AutoScalingGroupName": "g", "DefaultCooldown": 600,
                     "NewInstancesProtectedFromScaleIn": True}]
    problems = PolicyChecker({"name": "p", "resource": "asg", "actions": ["update"]}).run()
    assert any("at least one" in m for _, m, _ in problems)


def test_delete_force(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=1)
    run(ctx, actions=[{"type": "delete", "force": True}])
    assert asg.describe_auto_scaling_groups()["AutoScalingGroups"] == []


def test_propagate_tags_and_trim(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=1,
               tags={"Owner": ("a", True), "Cost": ("c", True), "Local": ("l", False)})
    iid = group(asg, "g")["Instances"][0]["InstanceId"]
    ec2.create_tags(Resources=[iid], Tags=[{"Key": "Owner", "Value": "stale"},
                                           {"Key": "Old", "Value": "x"}])
    run(ctx, actions=[{"type": "propagate-tags", "tags": ["Owner"], "trim": True}])
    tags = {t["Key"]: t["Value"] for t in ec2.describe_tags(
        Filters=[{"Name": "resource-id", "Values": [iid]}])["Tags"]}
    assert tags["Owner"] == "a" and "Old" not in tags and "Local" not in tags


def test_tag_trim(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=0,
               tags={"Keep": ("k", False), "A": ("a", False), "B": ("b", False)})
    run(ctx, actions=[{"type": "tag-trim", "space": 3}])
    assert len(group(asg, "g")["Tags"]) == 3          # room for 3 more under 50: nothing to do
    run(ctx, actions=[{"type": "tag-trim", "space": 0, "preserve": ["Keep"]}])
    assert [t["Key"] for t in group(asg, "g")["Tags"]] == ["Keep"]


def test_tag_trim_frees_space_in_key_order():
    from cloudmaid.aws.autoscaling.actions import TagTrim
    group_ = {"Tags": [{"Key": f"k{i:02d}"} for i in range(50)]}
    assert TagTrim({"type": "tag-trim", "space": 2, "preserve": ["k00"]}).candidates(
        group_) == ["k01", "k02"]


def test_one_failing_group_does_not_stop_the_others(ctx, asg, ec2, net, monkeypatch):
    from cloudmaid.aws.autoscaling.actions import Resume
    monkeypatch.setattr(Resume, "sleep", staticmethod(lambda s: None))
    for name in ("a", "b"):
        make_group(asg, ec2, net, name, desired=0)
        asg.suspend_processes(AutoScalingGroupName=name, ScalingProcesses=["Launch"])
    m = ResourceManager.for_type(ctx, "asg")
    groups = sorted(m.resources(), key=lambda g: g["AutoScalingGroupName"])
    groups[0]["Instances"] = [{"InstanceId": "i-0000000000000dead"}]   # gone meanwhile
    result = Resume({"type": "resume"}, m).run(groups)
    assert result["succeeded"] == 1 and [f["id"] for f in result["failed"]] == ["a"]
    assert group(asg, "b")["SuspendedProcesses"] == []


# -- launch configurations and launch template versions ---------------------------------------
def test_launch_config_unused_age_delete(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=0)
    asg.create_launch_configuration(LaunchConfigurationName="spare", ImageId=make_ami(ec2),
                                    InstanceType="t3.micro")
    assert matched(ctx, ["unused"], "launch-config") == ["spare"]
    assert matched(ctx, [{"type": "age", "days": 1}], "launch-config") == []
    run(ctx, filters=["unused"], actions=["delete"], resource="launch-config")
    assert [c["LaunchConfigurationName"] for c in
            asg.describe_launch_configurations()["LaunchConfigurations"]] == ["g-lc"]


def test_launch_template_versions(ctx, ec2):
    tid = ec2.create_launch_template(LaunchTemplateName="t", LaunchTemplateData={
        "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=tid, LaunchTemplateData={
        "InstanceType": "m5.large"})
    m = ResourceManager.for_type(ctx, "launch-template-version")
    assert sorted(v["VersionNumber"] for v in m.resources()) == [1, 2]
    [latest] = m.get_resources([(tid, "$Latest")])
    assert latest["VersionNumber"] == 2 and latest["c7n:VersionAlias"] == "$Latest"
    assert m.get_resources(["lt-0000000000000000f"]) == []


def test_invalid_and_valid(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "ok", desired=0)
    asg.create_launch_configuration(LaunchConfigurationName="broken", ImageId=make_ami(ec2),
                                    InstanceType="t3.micro", KeyName="no-such-key",
                                    SecurityGroups=["sg-0000000000000dead"])
    make_group(asg, ec2, net, "broken", desired=0, config="broken")
    assert matched(ctx, ["valid"]) == ["ok"]
    assert matched(ctx, ["invalid"]) == ["broken"]
    m = ResourceManager.for_type(ctx, "asg")
    from cloudmaid.filters import core
    [g] = core.apply(core.parse(["invalid"], m), [dict(r) for r in m.resources()], manager=m)
    assert sorted(e[0] for e in g["Invalid"]) == ["invalid-key-pair", "invalid-security-group"]
    asg.delete_launch_configuration(LaunchConfigurationName="ok-lc")
    [g] = [r for r in core.apply(core.parse(["invalid"], m), [dict(r) for r in m.resources()],
                                 manager=m) if r["AutoScalingGroupName"] == "ok"]
    assert g["Invalid"] == [["invalid-config", "ok-lc"]]


def test_propagated_tags(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "both", desired=0, tags={"A": ("a", True), "B": ("b", True)})
    make_group(asg, ec2, net, "one", desired=0, tags={"A": ("a", True), "B": ("b", False)})
    spec = {"type": "propagated-tags", "keys": ["A", "B"]}
    assert matched(ctx, [spec]) == ["both"]
    assert matched(ctx, [dict(spec, match=False)]) == ["one"]
    assert matched(ctx, [{"type": "progagated-tags", "keys": ["B"], "propagate": False}]) == ["one"]


def test_tag_propagate_and_remove_tag_key(ctx, asg, ec2, net):
    make_group(asg, ec2, net, "g", desired=0, tags={"Old": ("o", True), "Other": ("x", False)})
    run(ctx, actions=[{"type": "tag", "key": "Owner", "value": "me", "propagate": True},
                      {"type": "mark", "tags": {"Old": "n"}, "propagate": False}])
    tags = {t["Key"]: t for t in group(asg, "g")["Tags"]}
    assert tags["Owner"]["PropagateAtLaunch"] is True
    assert tags["Old"]["PropagateAtLaunch"] is False and tags["Old"]["Value"] == "n"
    run(ctx, actions=[{"type": "remove-tag", "key": "Old", "tags": ["Other"]}])
    assert {t["Key"] for t in group(asg, "g")["Tags"]} == {"Owner"}
