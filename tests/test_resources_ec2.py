"""ec2 filters against moto: ages, attached volumes, security groups, subnets, images."""
import datetime

import pytest

from cloudmaid.policy import Policy

from .conftest import make_ami, run_instances


def matched(ctx, filters, resource="ec2"):
    meta = Policy({"name": "p", "resource": resource, "filters": filters}, ctx).run()
    key = {"ec2": "InstanceId", "ebs": "VolumeId"}[resource]
    return sorted(r[key] for r in meta["matched"])


def calls(ctx, op):
    return ctx.counter.counts.get(op, 0)


@pytest.fixture
def net(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", TagSpecifications=[
        {"ResourceType": "subnet", "Tags": [{"Key": "Tier", "Value": "public"}]}])["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    web = ec2.create_security_group(GroupName="web", Description="w", VpcId=vpc, TagSpecifications=[
        {"ResourceType": "security-group", "Tags": [{"Key": "Open", "Value": "yes"}]}])["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="d", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "public": public, "private": private, "web": web, "db": db}


# -- ages --------------------------------------------------------------------------------------
def test_instance_age_and_uptime_read_launch_and_attach_time(ctx, ec2):
    [iid] = run_instances(ec2)
    assert matched(ctx, [{"type": "instance-age", "days": 1}]) == []
    ctx.now += datetime.timedelta(days=3)       # three days later
    assert matched(ctx, [{"type": "instance-age", "days": 2}]) == [iid]
    assert matched(ctx, [{"type": "instance-age", "days": 2, "op": "lt"}]) == []
    assert matched(ctx, [{"type": "instance-age", "hours": 80}]) == []
    assert matched(ctx, [{"type": "instance-age", "hours": 70}]) == [iid]
    assert matched(ctx, [{"type": "instance-uptime", "days": 2, "op": "ge"}]) == [iid]
    assert matched(ctx, [{"type": "instance-uptime", "days": 4, "op": "ge"}]) == []


def test_instance_age_uses_oldest_volume_attach_time():
    from cloudmaid.aws.ec2.instance_filters import InstanceAge
    f = InstanceAge({"type": "instance-age", "days": 5})
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    i = {"LaunchTime": now, "BlockDeviceMappings": [
        {"Ebs": {"AttachTime": now}}, {"Ebs": {"AttachTime": old}}]}
    assert f.match(i)
    assert not f.match({"LaunchTime": now, "BlockDeviceMappings": []})


def test_state_age_reads_state_transition_reason(ctx, ec2):
    running, stopped = run_instances(ec2, count=2)
    ec2.stop_instances(InstanceIds=[stopped])
    ctx.now += datetime.timedelta(days=10)
    # a running instance has no transition date: never matches
    assert matched(ctx, [{"type": "state-age", "days": 7}]) == [stopped]
    assert matched(ctx, [{"type": "state-age", "days": 7, "op": "lt"}]) == []
    assert matched(ctx, [{"type": "state-age", "days": 11}]) == []


# -- ebs ---------------------------------------------------------------------------------------
def attach(ec2, iid, device, **kw):
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, **kw)["VolumeId"]
    ec2.attach_volume(VolumeId=vol, InstanceId=iid, Device=device)
    return vol


def test_ebs_filter_one_describe_volumes_for_many_instances(ctx, ec2):
    ids = run_instances(ec2, count=12)
    encrypted = ids[:3]
    for iid in encrypted:
        attach(ec2, iid, "/dev/sdf", Encrypted=True)
    before = calls(ctx, "ec2.DescribeVolumes")
    assert matched(ctx, [{"type": "ebs", "key": "Encrypted", "value": True}]) == sorted(encrypted)
    assert calls(ctx, "ec2.DescribeVolumes") - before == 1
    # operator and: every volume encrypted; the root volumes are not
    assert matched(ctx, [{"type": "ebs", "key": "Encrypted", "value": True,
                          "operator": "and"}]) == []
    # skip the root device: the remaining volume decides; with 'and', instances whose every
    # volume is skipped match too (all of none), as in Custodian; with 'or' they never do
    assert matched(ctx, [{"type": "ebs", "key": "Encrypted", "value": True, "operator": "and",
                          "skip-devices": ["/dev/sda1"]}]) == sorted(ids)
    assert matched(ctx, [{"type": "ebs", "key": "Encrypted", "value": False,
                          "skip-devices": ["/dev/sda1"]}]) == []
    assert matched(ctx, [{"type": "ebs", "key": "Encrypted", "value": True,
                          "skip-devices": ["/dev/sda1"]}]) == sorted(encrypted)
    # a second policy in the run reuses the lookup: no new call
    assert calls(ctx, "ec2.DescribeVolumes") - before == 1


def test_ebs_filter_few_instances_fetch_by_id(ctx, ec2):
    [a, b] = run_instances(ec2, count=2)
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=50)["VolumeId"]
    ec2.attach_volume(VolumeId=vol, InstanceId=a, Device="/dev/sdg")
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=99)     # unattached, never read
    assert matched(ctx, [{"type": "ebs", "key": "Size", "value": 40, "op": "gt"}]) == [a]
    assert calls(ctx, "ec2.DescribeVolumes") == 1


# -- related: security-group, subnet, image ----------------------------------------------------
def test_security_group_and_subnet_filters(ctx, ec2, net):
    ami = make_ami(ec2)
    open_public = run_instances(ec2, ImageId=ami, SubnetId=net["public"],
                                SecurityGroupIds=[net["web"], net["db"]])[0]
    closed_private = run_instances(ec2, ImageId=ami, SubnetId=net["private"],
                                   SecurityGroupIds=[net["db"]])[0]
    assert matched(ctx, [{"type": "security-group", "key": "tag:Open", "value": "yes"}]) == \
        [open_public]
    assert matched(ctx, [{"type": "security-group", "key": "GroupName", "value": "db"}]) == \
        sorted([open_public, closed_private])
    # operator and: every group must match
    assert matched(ctx, [{"type": "security-group", "key": "GroupName", "value": "db",
                          "operator": "and"}]) == [closed_private]
    assert matched(ctx, [{"type": "subnet", "key": "tag:Tier", "value": "public"}]) == [open_public]
    assert matched(ctx, [{"type": "subnet", "key": "tag:Tier", "value": "absent"}]) == [closed_private]
    assert matched(ctx, [{"type": "security-group", "key": "GroupId",
                          "value_type": "resource_count", "op": "eq", "value": 2}]) == [open_public]
    # match-resource: the related value comes from the instance's own key
    assert matched(ctx, [{"type": "subnet", "key": "SubnetId", "match-resource": True}]) == \
        sorted([open_public, closed_private])
    # one DescribeSecurityGroups and one DescribeSubnets for the whole run
    assert calls(ctx, "ec2.DescribeSecurityGroups") == 1
    assert calls(ctx, "ec2.DescribeSubnets") == 1


def test_security_group_annotation(ctx, ec2, net):
    iid = run_instances(ec2, SubnetId=net["public"], SecurityGroupIds=[net["web"]])[0]
    meta = Policy({"name": "p", "resource": "ec2", "filters": [
        {"type": "security-group", "key": "GroupName", "value": "web"}]}, ctx).run()
    assert meta["matched"][0]["InstanceId"] == iid
    assert meta["matched"][0]["c7n:matched-security-groups"] == [net["web"]]


def test_image_filter_and_image_age(ctx, ec2):
    base = make_ami(ec2)
    other = ec2.register_image(Name="golden-2024", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
        {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
    a = run_instances(ec2, ImageId=base)[0]
    b = run_instances(ec2, ImageId=other)[0]
    assert matched(ctx, [{"type": "image", "key": "Name", "value": "golden-*", "op": "glob"}]) == [b]
    assert matched(ctx, [{"type": "image", "key": "Name", "value": "base"}]) == [a]
    ec2.deregister_image(ImageId=other)
    ctx.cache.clear()
    # the image is gone: image never matches, image-age counts it as very old
    assert matched(ctx, [{"type": "image", "key": "Name", "value": "present"}]) == [a]
    assert matched(ctx, [{"type": "image-age", "days": 365}]) == [b]


# -- ebs: instance ------------------------------------------------------------------------------
def test_ebs_instance_filter(ctx, ec2):
    prod = run_instances(ec2, tags={"Env": "prod"})[0]
    dev = run_instances(ec2, tags={"Env": "dev"})[0]
    vp = attach(ec2, prod, "/dev/sdf")
    attach(ec2, dev, "/dev/sdf")
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)   # unattached: never matches
    meta = Policy({"name": "p", "resource": "ebs", "filters": [
        {"type": "instance", "key": "tag:Env", "value": "prod"},
        {"type": "value", "key": "Attachments[0].Device", "value": "/dev/sdf"}]}, ctx).run()
    assert [v["VolumeId"] for v in meta["matched"]] == [vp]
    assert meta["matched"][0]["Instance"]["InstanceId"] == prod
    assert calls(ctx, "ec2.DescribeInstances") == 1
