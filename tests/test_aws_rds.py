"""RDS instances against moto: listing shape, get-by-ids, filters and actions (what changed in
AWS, Custodian's eligibility rules and defaults). moto has no DescribeDBEngineVersions:
``upgrade-available``, ``upgrade`` and ``engine`` use botocore's Stubber with real shapes."""
import copy

import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

PASSWORD = "maid-secret-1"


@pytest.fixture
def rds(aws):
    return boto3.client("rds", region_name="us-east-1")


def db(rds, name, engine="postgres", tags=None, **kw):
    params = dict(DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine=engine,
                  EngineVersion="16.3", MasterUsername="maid", MasterUserPassword=PASSWORD,
                  AllocatedStorage=20, BackupRetentionPeriod=1, **kw)
    if tags:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return rds.create_db_instance(**params)["DBInstance"]


def run(ctx, filters=(), actions=(), resource="rds"):
    return Policy({"name": "pol", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def matched(ctx, filters, resource="rds"):
    """The resources the filters keep (a fresh copy of the listing each time)."""
    m = ResourceManager.for_type(ctx, resource)
    return core.apply(core.parse(filters, m), copy.deepcopy(m.resources()), manager=m)


def instance(rds, name):
    return rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]


def problems(action, resource="rds"):
    return PolicyChecker({"name": "p", "resource": resource, "actions": [action]}).run()


def test_listing_has_custodian_tags_and_get_by_ids_skips_unknown(ctx, rds):
    db(rds, "a", tags={"team": "x"})
    db(rds, "b")
    m = ResourceManager.for_type(ctx, "rds")
    [a] = [r for r in m.resources() if r["DBInstanceIdentifier"] == "a"]
    assert a["Tags"] == [{"Key": "team", "Value": "x"}] and "TagList" not in a
    got = m.get_resources(["a", "gone", "b"])
    assert sorted(r["DBInstanceIdentifier"] for r in got) == ["a", "b"]
    assert got[0]["Tags"] is not None


def test_stop_and_start_follow_custodian_eligibility(ctx, rds):
    db(rds, "pg")
    db(rds, "aurora-member", engine="aurora-postgresql")   # not a start/stop engine
    meta = run(ctx, actions=["stop"])
    assert meta["actions"][0]["succeeded"] == 1
    assert meta["actions"][0]["skipped"] == ["aurora-member"]
    assert instance(rds, "pg")["DBInstanceStatus"] == "stopped"
    ctx.cache.clear()
    meta = run(ctx, [{"DBInstanceIdentifier": "pg"}], ["start"])
    assert meta["actions"][0]["succeeded"] == 1
    assert instance(rds, "pg")["DBInstanceStatus"] == "available"


def test_delete_takes_a_final_snapshot_unless_skip_snapshot(ctx, rds):
    db(rds, "keep-snap")
    db(rds, "no-snap")
    run(ctx, [{"DBInstanceIdentifier": "keep-snap"}], ["delete"])
    run(ctx, [{"DBInstanceIdentifier": "no-snap"}], [{"type": "delete", "skip-snapshot": True}])
    left = [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]
    assert left == []
    snaps = [s["DBSnapshotIdentifier"] for s in rds.describe_db_snapshots()["DBSnapshots"]]
    assert len(snaps) == 1 and snaps[0].lower().startswith("final-keep-snap-")


def test_delete_copy_restore_info_tags_the_instance_first(ctx, rds):
    created = db(rds, "restore-me")
    calls = []
    client = ctx.session_factory.client("rds")
    client.meta.events.register("provide-client-params.rds.*",
                                lambda params, model, **kw: calls.append((model.name, params)))
    run(ctx, [{"DBInstanceIdentifier": "restore-me"}],
        [{"type": "delete", "copy-restore-info": True}])
    [tags] = [p["Tags"] for name, p in calls if name == "AddTagsToResource"]
    assert {t["Key"]: t["Value"] for t in tags}["InstanceClass"] == "db.t3.micro"
    assert {t["Key"] for t in tags} >= {"VPCSecurityGroups", "ParameterGroupName", "MultiAZ"}
    names = [n for n, _ in calls]
    assert names.index("AddTagsToResource") < names.index("DeleteDBInstance")
    assert ("ModifyDBInstance", {"DBInstanceIdentifier": "restore-me",
                                 "CopyTagsToSnapshot": True}) in calls
    assert created["DBInstanceArn"] in [p.get("ResourceName") for _, p in calls]


def test_delete_rejects_skip_snapshot_with_copy_restore_info():
    found = problems({"type": "delete", "skip-snapshot": True, "copy-restore-info": True})
    assert any("copy-restore-info" in m for _, m, _ in found), found


def test_snapshot_names_the_backup_after_the_instance(ctx, rds):
    db(rds, "snapme")
    meta = run(ctx, actions=["snapshot"])
    [name] = meta["actions"][0]["snapshots"]
    assert name.startswith("Backup-snapme-")
    manual = rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
    assert [(s["DBInstanceIdentifier"], s["DBSnapshotIdentifier"].lower()) for s in manual] == \
        [("snapme", name.lower())]


def test_modify_db_sends_only_what_differs(ctx, rds):
    db(rds, "m1")
    meta = run(ctx, actions=[{"type": "modify-db", "immediate": True, "update": [
        {"property": "CopyTagsToSnapshot", "value": True},
        {"property": "DBInstanceClass", "value": "db.t3.micro"}]}])
    assert meta["actions"][0]["succeeded"] == 1
    assert instance(rds, "m1")["CopyTagsToSnapshot"] is True
    ctx.cache.clear()
    meta = run(ctx, actions=[{"type": "modify-db", "update": [
        {"property": "CopyTagsToSnapshot", "value": True}]}])
    assert meta["actions"][0]["succeeded"] == 0 and meta["actions"][0]["skipped"] == ["m1"]
    assert problems({"type": "modify-db", "update": [
        {"property": "MonitoringInterval", "value": 60}]})
    assert problems({"type": "modify-db"})


def test_resize_rounds_half_up_and_retention_enforces(ctx, rds):
    db(rds, "r1")
    run(ctx, actions=[{"type": "resize", "percent": 12.5, "immediate": True}])
    assert instance(rds, "r1")["AllocatedStorage"] == 23      # 22.5 -> 23
    ctx.cache.clear()
    run(ctx, actions=[{"type": "retention", "days": 7}])       # min: raised
    assert instance(rds, "r1")["BackupRetentionPeriod"] == 7
    ctx.cache.clear()
    run(ctx, actions=[{"type": "retention", "days": 3}])       # min: kept
    assert instance(rds, "r1")["BackupRetentionPeriod"] == 7
    ctx.cache.clear()
    run(ctx, actions=[{"type": "retention", "days": 3, "enforce": "exact"}])
    assert instance(rds, "r1")["BackupRetentionPeriod"] == 3
    assert problems({"type": "resize"})


def test_set_public_access_defaults_to_off(ctx, rds):
    db(rds, "pub", PubliclyAccessible=True)
    run(ctx, actions=["set-public-access"])
    assert instance(rds, "pub")["PubliclyAccessible"] is False


def test_default_vpc_reads_the_subnet_group_vpc(ctx, rds, ec2):
    default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    own = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    for name, vpc, cidr in (("in-default", default["VpcId"], "172.31.250.0/28"),
                            ("in-own", own, "10.9.0.0/28")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=name,
                                   SubnetIds=[subnet])
        db(rds, name, DBSubnetGroupName=name)
    meta = run(ctx, ["default-vpc"])
    assert meta["resources"]["matched"] == 1
    assert [r["DBInstanceIdentifier"] for r in matched(ctx, ["default-vpc"])] == ["in-default"]


def test_db_parameter_matches_group_values(ctx, rds):
    rds.create_db_parameter_group(DBParameterGroupName="ssl", DBParameterGroupFamily="postgres16",
                                  Description="ssl")
    rds.modify_db_parameter_group(DBParameterGroupName="ssl", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    db(rds, "with-ssl", DBParameterGroupName="ssl")
    db(rds, "without")
    [r] = matched(ctx, [{"type": "db-parameter", "key": "rds.force_ssl", "value": "1"}])
    assert r["DBInstanceIdentifier"] == "with-ssl"
    assert r["c7n:MatchedDBParameter"] == ["rds.force_ssl"]


ENGINE_VERSIONS = {"DBEngineVersions": [
    {"Engine": "postgres", "EngineVersion": "16.3", "Status": "available",
     "ValidUpgradeTarget": [
         {"Engine": "postgres", "EngineVersion": "16.4", "IsMajorVersionUpgrade": False},
         {"Engine": "postgres", "EngineVersion": "16.10", "IsMajorVersionUpgrade": False},
         {"Engine": "postgres", "EngineVersion": "17.1", "IsMajorVersionUpgrade": True}]},
    {"Engine": "postgres", "EngineVersion": "16.10", "Status": "deprecated"}]}


def listed(ctx):
    m = ResourceManager.for_type(ctx, "rds")
    m.resources()   # moto's listing, cached for the policy
    return ctx.session_factory.client("rds")


def test_upgrade_available_picks_the_newest_minor_and_upgrade_applies_it(ctx, rds):
    db(rds, "old")
    client = listed(ctx)
    with Stubber(client) as stub:
        stub.add_response("describe_db_engine_versions", ENGINE_VERSIONS, {})
        stub.add_response("modify_db_instance", {"DBInstance": {}},
                          {"DBInstanceIdentifier": "old", "EngineVersion": "16.10",
                           "ApplyImmediately": True})
        meta = run(ctx, ["upgrade-available"], [{"type": "upgrade", "immediate": True}])
        stub.assert_no_pending_responses()
    assert meta["actions"][0]["succeeded"] == 1


def test_upgrade_available_major_and_value_false(ctx, rds):
    db(rds, "old")
    client = listed(ctx)
    with Stubber(client) as stub:
        stub.add_response("describe_db_engine_versions", ENGINE_VERSIONS, {})
        [r] = matched(ctx, [{"type": "upgrade-available", "major": True}])
    assert r["c7n-rds-engine-upgrade"] == "17.1"
    with Stubber(client) as stub:
        stub.add_response("describe_db_engine_versions", {"DBEngineVersions": []}, {})
        ctx.cache.pop(("rds-engine-upgrades", "us-east-1", False), None)
        found = matched(ctx, [{"type": "upgrade-available", "value": False}])
    assert [r["DBInstanceIdentifier"] for r in found] == ["old"]


def test_engine_filter_reads_the_engine_version(ctx, rds):
    db(rds, "e1")
    client = listed(ctx)
    with Stubber(client) as stub:
        stub.add_response("describe_db_engine_versions",
                          {"DBEngineVersions": ENGINE_VERSIONS["DBEngineVersions"][:1]},
                          {"Filters": [{"Name": "engine", "Values": ["postgres"]},
                                       {"Name": "engine-version", "Values": ["16.3"]}],
                           "IncludeAll": True})
        [r] = matched(ctx, [{"type": "engine", "key": "Status", "value": "available"}])
    assert r["c7n:Engine"]["EngineVersion"] == "16.3"


def test_one_failing_instance_does_not_stop_the_others(ctx, rds):
    db(rds, "ok1")
    db(rds, "ok2")
    m = ResourceManager.for_type(ctx, "rds")
    m.resources()
    rds.delete_db_instance(DBInstanceIdentifier="ok1", SkipFinalSnapshot=True)
    meta = run(ctx, actions=[{"type": "set-public-access", "state": True}])
    assert meta["actions"][0]["succeeded"] == 1
    assert [f["id"] for f in meta["actions"][0]["failed"]] == ["ok1"]


def test_tags_are_written_by_arn(ctx, rds):
    db(rds, "tagged", tags={"old": "v"})
    run(ctx, actions=[{"type": "tag", "key": "owner", "value": "me"},
                      {"type": "remove-tag", "tags": ["old"]}])
    arn = instance(rds, "tagged")["DBInstanceArn"]
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [
        {"Key": "owner", "Value": "me"}]
