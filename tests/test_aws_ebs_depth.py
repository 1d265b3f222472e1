"""ebs filters and actions against moto (Trusted Advisor and AWS Health, which moto lacks,
through botocore's Stubber with the services' real response shapes)."""
import datetime

import pytest
from botocore.stub import Stubber

from cloudmaid import validate
from cloudmaid.policy import Policy

from .conftest import make_ami


def run(ctx, filters=(), actions=(), resource="ebs"):
    return Policy({"name": "pol", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def problems(policy):
    return [message for _, message, _ in validate.PolicyChecker(
        dict({"name": "p", "resource": "ebs"}, **policy)).run()]


def volume(ec2, tags=None, **kw):
    params = dict(AvailabilityZone="us-east-1a", Size=kw.pop("Size", 4), **kw)
    if tags:
        params["TagSpecifications"] = [{"ResourceType": "volume", "Tags": [
            {"Key": k, "Value": v} for k, v in tags.items()]}]
    return ec2.create_volume(**params)["VolumeId"]


def attached(ec2, instance_type="t3.micro", tags=None, device="/dev/sdf", **kw):
    params = dict(ImageId=make_ami(ec2), MinCount=1, MaxCount=1, InstanceType=instance_type,
                  Placement={"AvailabilityZone": "us-east-1a"})
    if tags:
        params["TagSpecifications"] = [{"ResourceType": "instance", "Tags": [
            {"Key": k, "Value": v} for k, v in tags.items()]}]
    iid = ec2.run_instances(**params)["Instances"][0]["InstanceId"]
    vid = volume(ec2, **kw)
    ec2.attach_volume(VolumeId=vid, InstanceId=iid, Device=device)
    return iid, vid


def describe(ec2, vid):
    found = ec2.describe_volumes(Filters=[{"Name": "volume-id", "Values": [vid]}])["Volumes"]
    return found[0] if found else None


def tags_of(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags") or ()}


def only(vids):
    return {"type": "value", "key": "VolumeId", "op": "in", "value": list(vids)}


# -- modifyable / modify --------------------------------------------------------------------
def test_modifyable_leaves_out_magnetic_and_old_instances(ctx, ec2):
    loose = volume(ec2, VolumeType="gp2")
    magnetic = volume(ec2, VolumeType="standard")
    _, current = attached(ec2, "t3.micro")
    _, old_gen = attached(ec2, "m1.small")
    meta = run(ctx, [only([loose, magnetic, current, old_gen]), "modifyable"])
    assert sorted(v["VolumeId"] for v in meta["matched"]) == sorted([loose, current])


def test_modifyable_leaves_out_volumes_being_modified(ctx, ec2):
    """moto's modifications complete at once: the modifying state comes from the Stubber."""
    from cloudmaid.filters.core import filters
    from cloudmaid.resources.manager import ResourceManager
    manager = ResourceManager.for_type(ctx, "ebs")
    vols = [{"VolumeId": v, "VolumeType": "gp3", "Attachments": []} for v in ("vol-a", "vol-b")]
    stub = Stubber(manager.client())
    stub.add_response("describe_volumes_modifications", {"VolumesModifications": [
        {"VolumeId": "vol-b", "ModificationState": "optimizing", "Progress": 40}]},
        {"Filters": [{"Name": "volume-id", "Values": ["vol-a", "vol-b"]},
                     {"Name": "modification-state",
                      "Values": ["modifying", "optimizing", "failed"]}]})
    with stub:
        kept = filters.get("modifyable", "ebs")({"type": "modifyable"}, manager).process(vols)
    assert [v["VolumeId"] for v in kept] == ["vol-a"]


def test_modify_changes_type_size_and_iops(ctx, ec2):
    gp2 = volume(ec2, VolumeType="gp2", Size=10)
    io1 = volume(ec2, VolumeType="io1", Size=10, Iops=200)
    run(ctx, [only([gp2]), "modifyable"], [{"type": "modify", "volume-type": "gp3",
                                             "size-percent": 200, "iops-percent": 50}])
    [mod] = ec2.describe_volumes_modifications(VolumeIds=[gp2])["VolumesModifications"]
    # gp3 IOPS never below 3000; moto reports the targets asked for
    assert (mod["TargetVolumeType"], mod["TargetSize"], mod["TargetIops"]) == ("gp3", 20, 3000)
    run(ctx, [only([io1]), {"type": "modifyable"}], [{"type": "modify", "iops-percent": 400}])
    [mod] = ec2.describe_volumes_modifications(VolumeIds=[io1])["VolumesModifications"]
    assert mod["TargetIops"] == 800 and "TargetSize" not in mod


def test_modify_needs_modifyable_and_shrink_consent():
    assert any("needs the modifyable filter" in p for p in problems(
        {"actions": [{"type": "modify", "volume-type": "gp3"}]}))
    shrink = {"filters": ["modifyable"], "actions": [{"type": "modify", "size-percent": 50}]}
    assert any("shrink: true" in p for p in problems(shrink))
    shrink["actions"][0]["shrink"] = True
    assert problems(shrink) == []
    # inside a block counts too
    assert problems({"filters": [{"or": [{"type": "modifyable"}]}],
                     "actions": [{"type": "modify", "volume-type": "gp3"}]}) == []


# -- detach -----------------------------------------------------------------------------------
def test_detach_attached_volumes_only(ctx, ec2):
    _, vid = attached(ec2)
    loose = volume(ec2)
    meta = run(ctx, [only([vid, loose])], [{"type": "detach", "force": True}])
    assert meta["actions"][0]["succeeded"] == 1 and meta["actions"][0]["failed"] == []
    assert describe(ec2, vid)["Attachments"] == []
    assert meta["api-stats"]["ec2.DetachVolume"] == 1


# -- copy-instance-tags -----------------------------------------------------------------------
def test_copy_instance_tags_copies_selected_tags_and_attach_info(ctx, ec2):
    iid, vid = attached(ec2, tags={"Name": "web", "Team": "a"})
    loose = volume(ec2)
    meta = run(ctx, [only([vid, loose])], [{"type": "copy-instance-tags", "tags": ["Name"]}])
    assert meta["actions"][0]["skipped"] == [loose]
    tags = tags_of(describe(ec2, vid))
    assert tags["Name"] == "web" and "Team" not in tags
    assert tags["LastAttachInstance"] == iid and tags["LastAttachTime"]
    # already current: nothing to write the second time
    meta = run(ctx, [only([vid])], [{"type": "copy-instance-tags", "tags": ["Name"]}])
    assert "ec2.CreateTags" not in meta["api-stats"]
    run(ctx, [only([vid])], ["copy-instance-tags"])
    assert tags_of(describe(ec2, vid))["Team"] == "a"


# -- encrypt-instance-volumes -----------------------------------------------------------------
def test_encrypt_instance_volumes_swaps_in_encrypted_copies(ctx, ec2):
    import boto3
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/encrypted", TargetKeyId=key)
    iid, vid = attached(ec2, tags=None, VolumeType="gp3", Iops=4000, Throughput=200,
                        TagSpecifications=[{"ResourceType": "volume",
                                            "Tags": [{"Key": "Owner", "Value": "me"}]}])
    loose = volume(ec2)
    meta = run(ctx, [{"Encrypted": False}, only([vid, loose])],
               [{"type": "encrypt-instance-volumes", "key": "alias/encrypted", "delay": 1,
                 "verbose": True}])
    result = meta["actions"][0]
    assert result["failed"] == [] and result["succeeded"] == 1 and result["skipped"] == [loose]
    assert describe(ec2, vid) is None                      # the old volume is deleted
    instance = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert instance["State"]["Name"] == "running"           # restarted
    [new_id] = [b["Ebs"]["VolumeId"] for b in instance["BlockDeviceMappings"]
                if b["DeviceName"] == "/dev/sdf"]
    new = describe(ec2, new_id)
    assert new["Encrypted"] and key in new["KmsKeyId"]
    assert (new["VolumeType"], new["Size"], new["Iops"]) == ("gp3", 4, 4000)
    assert tags_of(new) == {"Owner": "me"}                  # transient tags removed
    # the transient snapshots are gone
    assert not [s for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
                if "transient" in s.get("Description", "")]
    assert meta["api-stats"]["ec2.StopInstances"] == 1


def test_encrypt_instance_volumes_bad_key_fails_each_volume(ctx, ec2):
    _, vid = attached(ec2)
    meta = run(ctx, [only([vid])], [{"type": "encrypt-instance-volumes", "key": "alias/nope"}])
    assert [f["id"] for f in meta["actions"][0]["failed"]] == [vid]
    assert describe(ec2, vid)["Attachments"]                # untouched


def test_encrypt_needs_a_key():
    assert problems({"actions": [{"type": "encrypt-instance-volumes"}]})


# -- snapshots / kms-alias --------------------------------------------------------------------
def test_snapshots_filter_counts_and_ages(ctx, ec2):
    with_snap, without = volume(ec2), volume(ec2)
    ec2.create_snapshot(VolumeId=with_snap)
    ctx.now += datetime.timedelta(days=5)
    # Custodian's example: volumes without a snapshot in the last 2 days
    meta = run(ctx, [only([with_snap, without]), {"not": [{"type": "snapshots", "attrs": [
        {"type": "value", "key": "StartTime", "value_type": "age", "value": 2,
         "op": "less-than"}]}]}])
    assert sorted(v["VolumeId"] for v in meta["matched"]) == sorted([with_snap, without])
    meta = run(ctx, [only([with_snap, without]), {"type": "snapshots", "count": 0}])
    assert [v["VolumeId"] for v in meta["matched"]] == [without]
    meta = run(ctx, [only([with_snap, without]), {"type": "snapshots", "attrs": [
        {"type": "value", "key": "State", "value": "completed"}]}])
    assert [v["VolumeId"] for v in meta["matched"]] == [with_snap]
    assert len(meta["matched"][0]["c7n:Snapshots"]) == 1


def test_kms_alias(ctx, ec2):
    import boto3
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/team", TargetKeyId=key["KeyId"])
    mine = volume(ec2, Encrypted=True, KmsKeyId=key["Arn"])
    plain = volume(ec2)
    meta = run(ctx, [only([mine, plain]), {"type": "kms-alias", "key": "AliasName",
                                            "value": "alias/team"}])
    assert [v["VolumeId"] for v in meta["matched"]] == [mine]
    assert meta["matched"][0]["KeyAlias"]["AliasName"] == "alias/team"


# -- fault-tolerant (Trusted Advisor) ---------------------------------------------------------
def stub_support(monkeypatch, ctx, flagged, refresh=True):
    client = ctx.session_factory.client("support", "us-east-1")
    stub = Stubber(client)
    if refresh:
        stub.add_response("refresh_trusted_advisor_check", {"status": {
            "checkId": "H7IgTzjTYb", "status": "enqueued", "millisUntilNextRefreshable": 0}},
            {"checkId": "H7IgTzjTYb"})
    stub.add_response("describe_trusted_advisor_check_result", {"result": {
        "checkId": "H7IgTzjTYb", "timestamp": "2026-01-01T00:00:00Z", "status": "warning",
        "resourcesSummary": {"resourcesProcessed": 2, "resourcesFlagged": len(flagged),
                             "resourcesIgnored": 0, "resourcesSuppressed": 0},
        "categorySpecificSummary": {"costOptimizing": {"estimatedMonthlySavings": 0.0,
                                                       "estimatedPercentMonthlySavings": 0.0}},
        "flaggedResources": [{"status": "warning", "region": "us-east-1", "resourceId": f"r{i}",
                              "isSuppressed": False,
                              "metadata": ["us-east-1", vid, "name", "snap", "", "", "Yellow"]}
                             for i, vid in enumerate(flagged)]}},
        {"checkId": "H7IgTzjTYb", "language": "en"})
    stub.activate()
    real = ctx.session_factory.client
    monkeypatch.setattr(ctx.session_factory, "client",
                        lambda service, region=None: client if service == "support"
                        else real(service, region))
    return stub


@pytest.mark.parametrize("tolerant", [True, False])
def test_fault_tolerant(ctx, ec2, monkeypatch, tolerant):
    safe, risky = volume(ec2), volume(ec2)
    stub = stub_support(monkeypatch, ctx, [risky])
    meta = run(ctx, [only([safe, risky]), {"type": "fault-tolerant", "tolerant": tolerant}])
    assert [v["VolumeId"] for v in meta["matched"]] == ([safe] if tolerant else [risky])
    stub.assert_no_pending_responses()


def test_fault_tolerant_dry_run_does_not_refresh(ctx, ec2, monkeypatch):
    risky = volume(ec2)
    stub = stub_support(monkeypatch, ctx, [risky], refresh=False)
    ctx.dryrun = True
    meta = run(ctx, [only([risky]), {"type": "fault-tolerant", "tolerant": False}])
    assert [v["VolumeId"] for v in meta["matched"]] == [risky]
    stub.assert_no_pending_responses()


# -- health-event (AWS Health) ----------------------------------------------------------------
EVENT_ARN = "arn:aws:health:us-east-1::event/EBS/AWS_EBS_VOLUME_LOST/abc"


def stub_health(monkeypatch, ctx, event_filter, entities, config=None):
    health = ctx.session_factory.client("health", "us-east-1")
    stub = Stubber(health)
    event = {"arn": EVENT_ARN, "service": "EBS", "eventTypeCode": event_filter.get(
        "eventTypeCodes", ["AWS_EBS_DEGRADED_EBS_VOLUME_PERFORMANCE"])[0],
        "eventTypeCategory": "issue", "region": "us-east-1", "statusCode": "open"}
    stub.add_response("describe_events", {"events": [event]}, {"filter": event_filter})
    stub.add_response("describe_event_details", {"successfulSet": [{
        "event": event, "eventDescription": {"latestDescription": "volume trouble"}}],
        "failedSet": []}, {"eventArns": [EVENT_ARN]})
    stub.add_response("describe_affected_entities", {"entities": [
        {"entityArn": f"arn:aws:health:us-east-1::entity/{e}", "eventArn": EVENT_ARN,
         "entityValue": e} for e in entities]}, {"filter": {"eventArns": [EVENT_ARN]}})
    stub.activate()
    clients = {"health": health}
    if config is not None:
        clients["config"] = config
    real = ctx.session_factory.client
    monkeypatch.setattr(ctx.session_factory, "client",
                        lambda service, region=None: clients.get(service) or real(service, region))
    return stub


def test_health_event_annotates_the_volumes_named(ctx, ec2, monkeypatch):
    sick, well = volume(ec2), volume(ec2)
    f = {"services": ["EBS"], "regions": ["us-east-1", "global"],
         "eventStatusCodes": ["open"], "entityValues": sorted([sick, well])}
    stub = stub_health(monkeypatch, ctx, f, [sick, "vol-elsewhere"])
    meta = run(ctx, [only(sorted([sick, well])), {"type": "health-event", "statuses": ["open"]}])
    assert [v["VolumeId"] for v in meta["matched"]] == [sick]
    [event] = meta["matched"][0]["c7n:HealthEvent"]
    assert event["arn"] == EVENT_ARN and event["Description"] == "volume trouble"
    stub.assert_no_pending_responses()


def test_health_event_volume_lost_reads_aws_config(ctx, ec2, monkeypatch):
    import json
    here = volume(ec2)
    config = ctx.session_factory.client("config")
    cstub = Stubber(config)
    cstub.add_response("get_resource_config_history", {"configurationItems": [{
        "configurationItemStatus": "OK", "resourceType": "AWS::EC2::Volume",
        "resourceId": "vol-lost", "configuration": json.dumps(
            {"volumeId": "vol-lost", "size": 8, "attachments": []})}]},
        {"resourceType": "AWS::EC2::Volume", "resourceId": "vol-lost", "limit": 2})
    cstub.activate()
    f = {"services": ["EBS"], "regions": ["us-east-1", "global"],
         "eventStatusCodes": ["open", "upcoming"], "eventTypeCodes": ["AWS_EBS_VOLUME_LOST"]}
    stub = stub_health(monkeypatch, ctx, f, ["vol-lost", here], config=config)
    meta = run(ctx, [only([here]), {"type": "health-event", "types": ["AWS_EBS_VOLUME_LOST"]}])
    found = {v["VolumeId"]: v for v in meta["matched"]}
    assert set(found) == {"vol-lost", here}
    assert found["vol-lost"]["Size"] == 8 and found["vol-lost"]["Attachments"] == []
    assert found[here]["c7n:HealthEvent"][0]["arn"] == EVENT_ARN
    stub.assert_no_pending_responses()
    cstub.assert_no_pending_responses()
