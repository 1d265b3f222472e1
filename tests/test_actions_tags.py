"""Tag actions on moto: tag/mark, remove-tag/unmark/untag, rename-tag, mark-for-op; EC2 batches,
S3 read-modify-write, failure isolation, in-memory Tags, validation."""
import datetime

import boto3
import pytest

from cloudmaid.actions.core import actions
from cloudmaid.filters.tags import action_date
from cloudmaid.policy import Policy, load_plugins
from cloudmaid.resources.catalog import ResourceType
from cloudmaid.resources.manager import ResourceManager

from .conftest import run_instances

load_plugins()


def tags_of(ec2, rid):
    found = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [rid]}])["Tags"]
    return {t["Key"]: t["Value"] for t in found}


def run(ctx, resource, actions_, filters=()):
    return Policy({"name": "p", "resource": resource, "filters": list(filters),
                   "actions": actions_}, ctx).run()


def manager(ctx, name):
    return ResourceManager.for_type(ctx, name)


def volume_manager(ctx):
    return ResourceManager.for_type(ctx, "ebs")


def make_volumes(ec2, n):
    return [ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"] for _ in range(n)]


# -- tag / mark ----------------------------------------------------------------------------
def test_tag_key_value_and_mapping_with_mark_alias(ctx, ec2):
    iid = run_instances(ec2, tags={"Keep": "me"})[0]
    meta = run(ctx, "ec2", [{"type": "tag", "key": "Env", "value": "prod"},
                            {"type": "mark", "tags": {"Team": "core", "Count": 3}}])
    assert tags_of(ec2, iid) == {"Keep": "me", "Env": "prod", "Team": "core", "Count": "3"}
    assert [a["action"] for a in meta["actions"]] == ["tag", "tag"]
    assert [a["succeeded"] for a in meta["actions"]] == [1, 1]
    # the matched resource carries the new tags for later actions and the output
    got = {t["Key"]: t["Value"] for t in meta["matched"][0]["Tags"]}
    assert got == {"Keep": "me", "Env": "prod", "Team": "core", "Count": "3"}


def test_tag_legacy_keys_default_to_maid_status(ctx, ec2):
    iid = run_instances(ec2)[0]
    run(ctx, "ec2", [{"type": "tag", "tag": "Old", "value": "style"},
                     {"type": "tag", "value": "plain"}])
    assert tags_of(ec2, iid) == {"Old": "style", "maid_status": "plain"}


def test_tag_values_looked_up_on_the_resource(ctx, ec2):
    owned = run_instances(ec2, tags={"Owner": "alice"})[0]
    unowned = run_instances(ec2)[0]
    run(ctx, "ec2", [{"type": "tag", "tags": {
        "Owner": {"type": "resource", "default-value": "nobody"},
        "Type": {"type": "resource", "key": "InstanceType"},
        "Missing": {"type": "resource", "key": "NoSuchKey", "default-value": "dflt"}}}])
    assert tags_of(ec2, owned) == {"Owner": "alice", "Type": "t3.micro", "Missing": "dflt"}
    assert tags_of(ec2, unowned) == {"Owner": "nobody", "Type": "t3.micro", "Missing": "dflt"}


def test_tag_batches_250_instances_in_two_calls(ctx, ec2):
    ids = run_instances(ec2, count=250)
    meta = run(ctx, "ec2", [{"type": "tag", "key": "Batch", "value": "yes"},
                            {"type": "remove-tag", "tags": ["Batch"]},
                            {"type": "mark-for-op", "op": "stop", "days": 1}])
    assert meta["api-stats"]["ec2.CreateTags"] == 4       # 2 for tag, 2 for mark-for-op
    assert meta["api-stats"]["ec2.DeleteTags"] == 2
    assert [a["succeeded"] for a in meta["actions"]] == [250, 250, 250]
    assert set(tags_of(ec2, ids[0])) == set(tags_of(ec2, ids[-1])) == {"maid_status"}


def test_one_gone_volume_does_not_stop_the_others(ctx, ec2):
    vols = make_volumes(ec2, 5)
    mgr = volume_manager(ctx)
    resources = mgr.describe({})
    ec2.delete_volume(VolumeId=vols[2])   # gone between describe and action
    before = ctx.counter.snapshot().get("ec2.CreateTags", 0)
    action = actions.get("tag", mgr.type)({"type": "tag", "key": "A", "value": "b"}, mgr)
    result = action.run(resources)
    assert result["succeeded"] == 4
    assert [f["id"] for f in result["failed"]] == [vols[2]]
    assert "InvalidVolume.NotFound" in result["failed"][0]["error"]
    for v in vols[:2] + vols[3:]:
        assert tags_of(ec2, v) == {"A": "b"}
    # the gone id is dropped from the batch and the rest tagged in one more call
    assert ctx.counter.snapshot()["ec2.CreateTags"] - before == 2
    gone = next(r for r in resources if r["VolumeId"] == vols[2])
    assert not gone.get("Tags")


def test_tag_limit_on_one_instance_isolated(ctx, ec2):
    full = run_instances(ec2, tags={f"k{n}": "v" for n in range(50)})[0]
    others = run_instances(ec2, count=3)
    meta = run(ctx, "ec2", [{"type": "tag", "key": "New", "value": "1"}])
    result = meta["actions"][0]
    assert result["succeeded"] == 3
    assert [f["id"] for f in result["failed"]] == [full]
    assert "TagLimitExceeded" in result["failed"][0]["error"]
    assert all(tags_of(ec2, i) == {"New": "1"} for i in others)
    assert meta["errors"] and full in meta["errors"][0]


def test_dryrun_writes_no_tags(ctx, ec2):
    iid = run_instances(ec2)[0]
    ctx.dryrun = True
    meta = run(ctx, "ec2", [{"type": "tag", "key": "A", "value": "b"}])
    assert tags_of(ec2, iid) == {}
    assert "ec2.CreateTags" not in meta["api-stats"]


# -- remove-tag / unmark / untag -------------------------------------------------------------
def test_remove_tag_and_aliases(ctx, ec2):
    iid = run_instances(ec2, tags={"A": "1", "B": "2", "C": "3", "maid_status": "x: stop@2020/01/01"})[0]
    meta = run(ctx, "ec2", [{"type": "remove-tag", "tags": ["A"]},
                            {"type": "untag", "tags": ["B", "NotThere"]}, "unmark"])
    assert tags_of(ec2, iid) == {"C": "3"}
    assert [a["action"] for a in meta["actions"]] == ["remove-tag"] * 3
    assert {t["Key"] for t in meta["matched"][0]["Tags"]} == {"C"}


# -- rename-tag ----------------------------------------------------------------------------
def test_rename_tag_keeps_values_and_skips_resources_without_it(ctx, ec2):
    a = run_instances(ec2, tags={"Old": "x", "Other": "o"})[0]
    b = run_instances(ec2, tags={"Old": "y"})[0]
    c = run_instances(ec2, tags={"Other": "z"})[0]
    meta = run(ctx, "ec2", [{"type": "rename-tag", "old_key": "Old", "new_key": "New"}])
    assert tags_of(ec2, a) == {"New": "x", "Other": "o"}
    assert tags_of(ec2, b) == {"New": "y"}
    assert tags_of(ec2, c) == {"Other": "z"}
    assert meta["actions"][0]["succeeded"] == 2 and not meta["actions"][0]["failed"]


def test_rename_tag_on_a_resource_at_the_tag_limit(ctx, ec2):
    tags = {f"k{n}": "v" for n in range(49)}
    tags["Old"] = "val"
    iid = run_instances(ec2, tags=tags)[0]
    meta = run(ctx, "ec2", [{"type": "rename-tag", "old_key": "Old", "new_key": "New"}])
    got = tags_of(ec2, iid)
    assert got["New"] == "val" and "Old" not in got and len(got) == 50
    assert meta["actions"][0]["succeeded"] == 1


def test_tag_then_rename_in_one_policy_sees_the_new_tag(ctx, ec2):
    iid = run_instances(ec2)[0]
    run(ctx, "ec2", [{"type": "tag", "key": "Tmp", "value": "v"},
                     {"type": "rename-tag", "old_key": "Tmp", "new_key": "Final"}])
    assert tags_of(ec2, iid) == {"Final": "v"}


# -- mark-for-op -----------------------------------------------------------------------------
def test_mark_for_op_formats(ctx, ec2):
    iid = run_instances(ec2)[0]
    ctx.now = datetime.datetime(2026, 1, 10, 22, 30, tzinfo=datetime.timezone.utc)
    run(ctx, "ec2", [
        {"type": "mark-for-op", "op": "stop", "days": 2},
        {"type": "mark-for-op", "op": "terminate", "tag": "t_default"},
        {"type": "mark-for-op", "op": "stop", "tag": "t_hours", "hours": 3, "tz": "et"},
        {"type": "mark-for-op", "op": "stop", "tag": "t_iana", "days": 1, "hours": 1.5,
         "tz": "Asia/Tokyo"},
        {"type": "mark-for-op", "op": "start", "tag": "t_msg", "days": 1,
         "msg": "start {op} on {action_date} {keep}"}])
    assert tags_of(ec2, iid) == {
        "maid_status": "Resource does not meet policy: stop@2026/01/12",
        "t_default": "Resource does not meet policy: terminate@2026/01/14",   # 4 days
        "t_hours": "Resource does not meet policy: stop@2026/01/10 2030 EST",
        "t_iana": "Resource does not meet policy: stop@2026/01/12 0900 JST",
        "t_msg": "start start on 2026/01/11 {keep}",
    }


def test_mark_for_op_days_in_tz_change_the_date():
    now = datetime.datetime(2026, 7, 1, 2, 0, tzinfo=datetime.timezone.utc)
    assert action_date(now, days=1) == "2026/07/02"
    assert action_date(now, days=1, tz="pt") == "2026/07/01"      # still June 30 in LA
    assert action_date(now, hours=1, tz="pt") == "2026/06/30 2000 PDT"


def test_mark_for_op_validation():
    mgr = ResourceManager.for_type(None, "ec2")
    cls = actions.get("mark-for-op", "ec2")
    assert cls({"type": "mark-for-op", "op": "stopp"}, mgr).validate() == [
        (("op",), "action 'stopp' is not available on ec2 (did you mean 'stop'?)")]
    assert cls({"type": "mark-for-op", "op": "stop"}, mgr).validate() == []
    assert cls({"type": "mark-for-op", "op": "tag", "tz": "Nowhere/Land"}, mgr).validate() == [
        (("tz",), "unknown timezone 'Nowhere/Land'")]
    # without a manager (schema layer) only what needs no resource type is checked
    assert cls({"type": "mark-for-op", "op": "stopp"}, None).validate() == []
    assert cls({"type": "mark-for-op"}, None).validate()[0][0] == ("op",)


def test_tag_validation():
    mgr = ResourceManager.for_type(None, "ec2")
    tag = actions.get("tag", "ec2")
    assert tag({"type": "tag", "key": "a", "tag": "b", "value": "c"}, mgr).validate() == [
        ((), "use either 'key' or 'tag', not both")]
    assert tag({"type": "tag"}, mgr).validate()[0][1].startswith("no tags to set")
    other = ResourceManager(None, ResourceType(name="fn", service="lambda", enum_op="list_functions",
                                               enum_path="Functions[]", id="FunctionName"))
    problems = tag({"type": "tag", "key": "a", "value": "b"}, other).validate()
    assert problems == [((), "tag is not supported on fn: no tag writer for service lambda")]


def test_permissions_follow_the_service():
    ec2_mgr = ResourceManager.for_type(None, "ec2")
    assert actions.get("rename-tag", "ec2")({}, ec2_mgr).permissions == (
        "ec2:CreateTags", "ec2:DeleteTags")
    s3_row = ResourceType(name="s3x", service="s3", enum_op="list_buckets",
                          enum_path="Buckets[]", id="Name")
    assert actions.get("tag", "s3x")({}, ResourceManager(None, s3_row)).permissions == (
        "s3:GetBucketTagging", "s3:PutBucketTagging")


# -- other EC2-family types and S3 -----------------------------------------------------------
def test_every_action_on_volumes(ctx, ec2):
    vols = make_volumes(ec2, 3)
    mgr = volume_manager(ctx)
    resources = mgr.describe({})
    for data in ({"type": "tag", "tags": {"A": "1", "B": "2"}},
                 {"type": "rename-tag", "old_key": "A", "new_key": "C"},
                 {"type": "untag", "tags": ["B"]},
                 {"type": "mark-for-op", "op": "tag", "days": 1}):
        result = actions.get(data["type"], mgr.type)(data, mgr).run(resources)
        assert result["succeeded"] == 3 and not result["failed"], data
    expected = action_date(ctx.now, days=1)
    for v in vols:
        assert tags_of(ec2, v) == {"C": "1", "maid_status": f"Resource does not meet policy: tag@{expected}"}


def s3_manager(ctx):
    return ResourceManager.for_type(ctx, "s3")


def bucket_tags(s3, name):
    try:
        return {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
    except s3.exceptions.ClientError:
        return {}


@pytest.fixture
def s3(aws):
    return boto3.client("s3", region_name="us-east-1")


def test_s3_read_modify_write_keeps_other_tags(ctx, s3):
    for name in ("b-one", "b-two", "b-gone"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket="b-one", Tagging={"TagSet": [{"Key": "Old", "Value": "o"}]})
    mgr = s3_manager(ctx)
    buckets = [{"Name": n} for n in ("b-one", "b-two", "b-gone")]
    # changed by someone else after the describe: must survive the write
    s3.put_bucket_tagging(Bucket="b-two", Tagging={"TagSet": [{"Key": "Late", "Value": "l"}]})
    s3.delete_bucket(Bucket="b-gone")
    result = actions.get("tag", "s3")({"type": "tag", "key": "K", "value": "v"}, mgr).run(buckets)
    assert result["succeeded"] == 2
    assert [f["id"] for f in result["failed"]] == ["b-gone"]
    assert "NoSuchBucket" in result["failed"][0]["error"]
    assert bucket_tags(s3, "b-one") == {"Old": "o", "K": "v"}
    assert bucket_tags(s3, "b-two") == {"Late": "l", "K": "v"}
    assert {t["Key"] for t in buckets[1]["Tags"]} == {"Late", "K"}

    live = buckets[:2]
    for data in ({"type": "rename-tag", "old_key": "K", "new_key": "K2"},
                 {"type": "mark-for-op", "op": "tag", "days": 3},
                 {"type": "remove-tag", "tags": ["Old", "Late"]}):
        result = actions.get(data["type"], "s3")(data, mgr).run(live)
        assert not result["failed"], data
    mark = f"Resource does not meet policy: tag@{action_date(ctx.now, days=3)}"
    assert bucket_tags(s3, "b-one") == bucket_tags(s3, "b-two") == {"K2": "v", "maid_status": mark}
    # removing the last tags deletes the tag set (an empty TagSet is not accepted by S3)
    actions.get("untag", "s3")({"type": "untag", "tags": ["K2", "maid_status"]}, mgr).run(live)
    assert bucket_tags(s3, "b-one") == {}
    assert buckets[0]["Tags"] == []


def test_ec2_family_types_via_policies(ctx, ec2):
    vol = make_volumes(ec2, 1)[0]
    snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    ami = ec2.register_image(Name="tagged-image", RootDeviceName="/dev/sda1",
                             BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                                                   "Ebs": {"VolumeSize": 8}}])["ImageId"]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    sg = ec2.create_security_group(GroupName="tagged", Description="d", VpcId=vpc)["GroupId"]
    for rtype, key, rid in (("ebs", "VolumeId", vol), ("ebs-snapshot", "SnapshotId", snap),
                            ("ami", "ImageId", ami), ("security-group", "GroupId", sg)):
        meta = run(ctx, rtype, [{"type": "tag", "tags": {"Owner": "me", "Tmp": "t"}},
                                {"type": "rename-tag", "old_key": "Tmp", "new_key": "Kept"},
                                {"type": "mark-for-op", "op": "delete", "days": 7}],
                   filters=[{key: rid}])
        assert [r[key] for r in meta["matched"]] == [rid], rtype
        assert all(a["succeeded"] == 1 and not a["failed"] for a in meta["actions"]), rtype
        assert tags_of(ec2, rid) == {
            "Owner": "me", "Kept": "t",
            "maid_status": f"Resource does not meet policy: delete@{action_date(ctx.now, days=7)}"}
        run(ctx, rtype, ["unmark", {"type": "remove-tag", "tags": ["Owner"]}],
            filters=[{key: rid}])
        assert tags_of(ec2, rid) == {"Kept": "t"}, rtype


def test_s3_policy_across_regions(ctx, s3):
    s3.create_bucket(Bucket="home-bucket")
    eu = boto3.client("s3", region_name="eu-west-1")
    eu.create_bucket(Bucket="eu-bucket",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_bucket_tagging(Bucket="eu-bucket", Tagging={"TagSet": [{"Key": "Keep", "Value": "k"}]})
    meta = run(ctx, "s3", [{"type": "tag", "key": "Tmp", "value": "v"},
                           {"type": "rename-tag", "old_key": "Tmp", "new_key": "Env"},
                           {"type": "mark-for-op", "op": "delete", "days": 1}],
               filters=[{"tag:Env": "absent"}])
    assert sorted(b["Name"] for b in meta["matched"]) == ["eu-bucket", "home-bucket"]
    assert all(not a["failed"] and a["succeeded"] == 2 for a in meta["actions"])
    mark = f"Resource does not meet policy: delete@{action_date(ctx.now, days=1)}"
    assert bucket_tags(s3, "home-bucket") == {"Env": "v", "maid_status": mark}
    assert bucket_tags(eu, "eu-bucket") == {"Keep": "k", "Env": "v", "maid_status": mark}
    # one read-modify-write per bucket and action (rename included)
    assert meta["api-stats"]["s3.PutBucketTagging"] == 6
    # the tag:Env filter: one GetResources, GetBucketTagging for the untagged bucket; writes
    assert meta["api-stats"]["resourcegroupstaggingapi.GetResources"] == 1
    assert meta["api-stats"]["s3.GetBucketTagging"] == 1 + 6


@pytest.mark.parametrize("code,message,ids", [
    ("InvalidInstanceID.NotFound", "The instance IDs 'i-1, i-2' do not exist", {"i-1", "i-2"}),
    ("InvalidVolume.NotFound", "The volume 'vol-1' does not exist.", {"vol-1"}),
    ("InvalidGroup.NotFound", "The security group '{'sg-1'}' does not exist", {"sg-1"}),
    ("InvalidAMIID.Malformed", "Invalid id: \"ami-x\"", {"ami-x"}),
    ("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.", set()),
])
def test_ec2_error_names_the_gone_ids(code, message, ids):
    from botocore.exceptions import ClientError

    from cloudmaid.actions.taggers import Ec2Tagger
    error = ClientError({"Error": {"Code": code, "Message": message}}, "CreateTags")
    assert Ec2Tagger(None).bad_ids(error, ["i-1", "i-2", "i-22", "vol-1", "sg-1", "ami-x"]) == ids
