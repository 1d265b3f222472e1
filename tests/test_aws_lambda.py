"""Lambda functions and layer versions against moto: listing, get-by-name, the filters and
actions (Custodian's names and semantics)."""
import json

import boto3
import pytest

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

from .seeders.awslambda import OTHER_ACCOUNT, code

ACCOUNT = "123456789012"


@pytest.fixture
def lam(aws):
    return boto3.client("lambda", region_name="us-east-1")


@pytest.fixture
def role(aws):
    iam = boto3.client("iam", region_name="us-east-1")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}
    arn = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="fn", PolicyName="logs", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*",
                                                "Resource": "*"}]}))
    return arn


def make(lam, role, name, **kw):
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                        Code={"ZipFile": code()}, **kw)
    return name


def matched(ctx, filters, resource="lambda"):
    m = ResourceManager.for_type(ctx, resource)
    found = core.apply(core.parse(filters, m), [dict(r) for r in m.resources()], manager=m)
    return sorted(m.resource_id(r) for r in found)


def run(ctx, actions, filters=(), resource="lambda"):
    data = {"name": "p", "resource": resource, "filters": list(filters), "actions": list(actions)}
    assert PolicyChecker(data).run() == []
    meta = Policy(data, ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta


def test_listing_tags_and_get_by_name(ctx, lam, role):
    make(lam, role, "a", Tags={"team": "x"})
    m = ResourceManager.for_type(ctx, "lambda")
    [listed] = m.resources()
    m.ensure_details([listed], {"Tags"})
    assert listed["Tags"] == [{"Key": "team", "Value": "x"}]
    [got] = m.get_resources(["a", "gone"])
    assert got["FunctionArn"] == listed["FunctionArn"] and got["Tags"] == listed["Tags"]
    assert "Code" in got      # GetFunction's answer, flattened as Custodian does


def test_network_related_filters(ctx, lam, role, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="fn", Description="fn", VpcId=vpc)["GroupId"]
    make(lam, role, "in-vpc", VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group]})
    make(lam, role, "outside")
    assert matched(ctx, [{"type": "security-group", "key": "GroupName", "value": "fn"}]) == ["in-vpc"]
    assert matched(ctx, [{"type": "subnet", "key": "VpcId", "value": vpc}]) == ["in-vpc"]


def test_reserved_concurrency_and_set_concurrency(ctx, lam, role):
    make(lam, role, "capped")
    make(lam, role, "free")
    lam.put_function_concurrency(FunctionName="capped", ReservedConcurrentExecutions=10)
    assert matched(ctx, [{"type": "reserved-concurrency", "value": 10}]) == ["capped"]
    assert matched(ctx, [{"type": "reserved-concurrency", "value": "absent"}]) == ["free"]
    run(ctx, [{"type": "set-concurrency", "value": 3}], [{"FunctionName": "free"}])
    assert lam.get_function_concurrency(FunctionName="free")["ReservedConcurrentExecutions"] == 3
    run(ctx, [{"type": "set-concurrency", "value": None}], [{"FunctionName": "capped"}])
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="capped")


def test_set_concurrency_from_an_expression(ctx, lam, role):
    make(lam, role, "f", MemorySize=256)
    meta = run(ctx, [{"type": "set-concurrency", "expr": True, "value": "MemorySize"}])
    assert lam.get_function_concurrency(FunctionName="f")["ReservedConcurrentExecutions"] == 256
    meta = run(ctx, [{"type": "set-concurrency", "expr": True, "value": "NoSuchKey"}])
    assert meta["actions"][0]["skipped"] == ["f"]


def test_set_concurrency_validation():
    problems = PolicyChecker({"name": "p", "resource": "lambda", "actions": [
        {"type": "set-concurrency", "expr": True, "value": 5}]}).run()
    assert any("JMESPath" in m for _, m, _ in problems)


def test_url_config(ctx, lam, role):
    make(lam, role, "public")
    make(lam, role, "private")
    lam.create_function_url_config(FunctionName="public", AuthType="NONE")
    assert matched(ctx, [{"type": "url-config", "key": "AuthType", "value": "NONE"}]) == ["public"]
    assert matched(ctx, [{"type": "url-config", "key": "AuthType", "value": "absent"}]) == ["private"]


def test_event_source_cross_account_and_remove_statements(ctx, lam, role):
    make(lam, role, "s3-fed")
    make(lam, role, "shared")
    make(lam, role, "none")
    lam.add_permission(FunctionName="s3-fed", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com")
    lam.add_permission(FunctionName="shared", StatementId="other", Action="lambda:InvokeFunction",
                       Principal=OTHER_ACCOUNT)
    lam.add_permission(FunctionName="shared", StatementId="self", Action="lambda:InvokeFunction",
                       Principal=ACCOUNT)
    assert matched(ctx, [{"type": "event-source", "value": "s3.amazonaws.com",
                          "op": "in", "value_type": "swap"}]) == ["s3-fed"]
    assert matched(ctx, ["cross-account"]) == ["shared"]
    assert matched(ctx, [{"type": "cross-account", "whitelist": [OTHER_ACCOUNT]}]) == []
    run(ctx, [{"type": "remove-statements", "statement_ids": "matched"}], ["cross-account"])
    left = json.loads(lam.get_policy(FunctionName="shared")["Policy"])["Statement"]
    assert [s["Sid"] for s in left] == ["self"]
    assert matched(ctx, ["cross-account"]) == []


def evaluation(action, decision):
    return {"EvalActionName": action, "EvalResourceName": "*", "EvalDecision": decision}


def test_check_permissions_simulates_the_role(ctx, lam, role):
    """moto has no policy simulator: botocore's Stubber answers for IAM."""
    from botocore.stub import Stubber
    make(lam, role, "f")
    iam = ctx.session_factory.client("iam")
    with Stubber(iam) as stub:
        for decision in ("allowed", "implicitDeny"):
            stub.add_response("simulate_principal_policy", {
                "EvaluationResults": [evaluation("s3:GetObject", decision)],
                "IsTruncated": False}, {"PolicySourceArn": role, "ActionNames": ["s3:GetObject"]})
        spec = [{"type": "check-permissions", "match": "allowed", "actions": ["s3:GetObject"]}]
        assert matched(ctx, spec) == ["f"]
        assert matched(ctx, spec) == []
        stub.assert_no_pending_responses()


def test_delete(ctx, lam, role):
    make(lam, role, "old")
    make(lam, role, "keep")
    run(ctx, ["delete"], [{"FunctionName": "old"}])
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["keep"]


# -- layers -------------------------------------------------------------------------------------
def test_layer_versions_cross_account_and_delete(ctx, lam):
    for _ in range(2):
        version = lam.publish_layer_version(LayerName="lib", Content={"ZipFile": code()})["Version"]
    lam.add_layer_version_permission(LayerName="lib", VersionNumber=version, StatementId="share",
                                     Action="lambda:GetLayerVersion", Principal=OTHER_ACCOUNT)
    m = ResourceManager.for_type(ctx, "lambda-layer")
    layers = m.resources()
    assert sorted(v["Version"] for v in layers) == [1, 2]
    assert {m.arn(v) for v in layers} == {v["LayerVersionArn"] for v in layers}
    found = core.apply(core.parse(["cross-account"], m), [dict(v) for v in layers], manager=m)
    assert [v["Version"] for v in found] == [version]
    run(ctx, [{"type": "remove-statements", "statement_ids": ["share"]}], resource="lambda-layer")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_layer_version_policy(LayerName="lib", VersionNumber=version)
    run(ctx, ["delete"], [{"Version": 1}], resource="lambda-layer")
    assert [v["Version"] for v in lam.list_layer_versions(LayerName="lib")["LayerVersions"]] == [2]


def test_event_source_key_may_only_name_its_annotation():
    def problems(key):
        return PolicyChecker({"name": "p", "resource": "lambda", "filters": [
            {"type": "event-source", "key": key, "value": "s3.amazonaws.com"}]}).run()
    assert problems("c7n:EventSources") == []
    assert any("c7n:EventSources" in m for _, m, _ in problems("Runtime"))
