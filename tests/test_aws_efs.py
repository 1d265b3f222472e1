"""efs: Custodian's file system shape, and its filters and actions against moto."""
import json

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

OTHER = "210987654321"
DENY_PLAIN = {"Sid": "tls", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
              "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
SHARE = {"Sid": "share", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
         "Action": "elasticfilesystem:ClientMount"}


def run(ctx, filters=(), actions=()):
    return Policy({"name": "pol", "resource": "efs", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def problems(actions):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "efs",
                                            "actions": actions}).run()]


@pytest.fixture
def efs(aws):
    return boto3.client("efs", region_name="us-east-1")


def fs(efs, name, statements=None, lifecycle=None):
    fid = efs.create_file_system(CreationToken=name,
                                 Tags=[{"Key": "Name", "Value": name}])["FileSystemId"]
    if statements:
        efs.put_file_system_policy(FileSystemId=fid, Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))
    if lifecycle:
        efs.put_lifecycle_configuration(FileSystemId=fid, LifecyclePolicies=lifecycle)
    return fid


def names(meta):
    return sorted(r["Name"] for r in meta["matched"])


def test_listing_has_custodians_shape(ctx, efs):
    fid = fs(efs, "data")
    m = ResourceManager.for_type(ctx, "efs")
    [r] = m.resources()
    assert r["FileSystemId"] == fid and r["Name"] == "data"
    assert r["Tags"] == [{"Key": "Name", "Value": "data"}]
    assert m.arn(r) == r["FileSystemArn"]
    assert [x["FileSystemId"] for x in m.get_resources([fid, "fs-00000000"])] == [fid]


def test_lifecycle_policy_present_absent_and_value(ctx, efs):
    fs(efs, "week", lifecycle=[{"TransitionToIA": "AFTER_7_DAYS"}])
    fs(efs, "month", lifecycle=[{"TransitionToIA": "AFTER_30_DAYS"}])
    fs(efs, "none")
    assert names(run(ctx, [{"type": "lifecycle-policy", "state": "present"}])) == \
        ["month", "week"]
    assert names(run(ctx, [{"type": "lifecycle-policy", "state": "absent"}])) == ["none"]
    assert names(run(ctx, [{"type": "lifecycle-policy", "state": "present",
                            "value": "AFTER_7_DAYS"}])) == ["week"]
    assert names(run(ctx, [{"type": "lifecycle-policy", "state": "absent",
                            "value": "AFTER_7_DAYS"}])) == ["month", "none"]


def test_check_secure_transport(ctx, efs):
    fs(efs, "enforced", [DENY_PLAIN])
    fs(efs, "open", [SHARE])
    fs(efs, "nopolicy")
    assert names(run(ctx, ["check-secure-transport"])) == ["nopolicy", "open"]


def test_cross_account_has_statement_and_remove_statements(ctx, efs):
    shared = fs(efs, "shared", [SHARE, DENY_PLAIN])
    fs(efs, "private", [DENY_PLAIN])
    meta = run(ctx, [{"type": "cross-account"}],
               [{"type": "remove-statements", "statement_ids": "matched"}])
    assert names(meta) == ["shared"]
    left = json.loads(efs.describe_file_system_policy(FileSystemId=shared)["Policy"])
    assert [s["Sid"] for s in left["Statement"]] == ["tls"]
    assert names(run(ctx, [{"type": "has-statement", "statement_ids": ["tls"]}])) == \
        ["private", "shared"]


def test_remove_last_statement_deletes_the_policy(ctx):
    # moto has no DeleteFileSystemPolicy: botocore's Stubber with its real shapes
    from botocore.stub import Stubber
    from cloudmaid.aws.efs.actions import RemoveStatements
    client = boto3.client("efs", region_name="us-east-1")
    manager = ResourceManager.for_type(ctx, "efs")
    manager.client = lambda *a, **k: client
    action = RemoveStatements({"type": "remove-statements", "statement_ids": ["share"]}, manager)
    resource = {"FileSystemId": "fs-1"}
    with Stubber(client) as stub:
        stub.add_response("describe_file_system_policy", {
            "FileSystemId": "fs-1", "Policy": json.dumps({"Statement": [SHARE]})},
            {"FileSystemId": "fs-1"})
        stub.add_response("delete_file_system_policy", {}, {"FileSystemId": "fs-1"})
        result = action.run([resource])
        stub.assert_no_pending_responses()
    assert result["succeeded"] == 1 and resource["Policy"] is None


def test_configure_lifecycle_enable_and_disable(ctx, efs):
    fid = fs(efs, "data")
    run(ctx, [], [{"type": "configure-lifecycle-policy", "state": "enable",
                   "rules": [{"TransitionToIA": "AFTER_14_DAYS"}]}])
    got = efs.describe_lifecycle_configuration(FileSystemId=fid)["LifecyclePolicies"]
    assert got == [{"TransitionToIA": "AFTER_14_DAYS"}]
    run(ctx, [], [{"type": "configure-lifecycle-policy", "state": "disable"}])
    assert efs.describe_lifecycle_configuration(FileSystemId=fid)["LifecyclePolicies"] == []


def test_configure_lifecycle_validation():
    assert problems([{"type": "configure-lifecycle-policy", "state": "enable"}])
    assert problems([{"type": "configure-lifecycle-policy", "state": "disable",
                      "rules": [{"TransitionToIA": "AFTER_7_DAYS"}]}])
    assert any("TransitionToIA is one of" in m for m in problems([
        {"type": "configure-lifecycle-policy", "state": "enable",
         "rules": [{"TransitionToIA": "AFTER_8_DAYS"}]}]))
    assert not problems([{"type": "configure-lifecycle-policy", "state": "enable",
                          "rules": [{"TransitionToIA": "AFTER_7_DAYS"}]}])


def test_delete_removes_mount_targets_first(ctx, efs):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    mounted, keep = fs(efs, "mounted"), fs(efs, "keep")
    efs.create_mount_target(FileSystemId=mounted, SubnetId=subnet)
    meta = run(ctx, [{"Name": "mounted"}], ["delete"])
    assert meta["actions"][0]["succeeded"] == 1
    assert [f["FileSystemId"] for f in efs.describe_file_systems()["FileSystems"]] == [keep]
