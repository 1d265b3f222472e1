"""``role: auto``: deploy makes the function's execution role (trust for Lambda, the derived
least-privilege document inline, our tags), updates only what differs, and gc removes it."""
import json
from dataclasses import fields, replace

import boto3
import pytest

from cloudmaid.iam import document, permissions
from cloudmaid.mu import gc, iamrole, planner
from cloudmaid.mu.executor import Executor
from cloudmaid.mu.models import TAG_INFO, TAG_POLICY, Function
from cloudmaid.policy import Policy
from cloudmaid.validate import check
from tests.test_deploy import ACCOUNT, CLOUDTRAIL, PERIODIC, run_deploy, specs_of, writes

AUTO = dict(CLOUDTRAIL, mode=dict(CLOUDTRAIL["mode"], role="auto", tags={"team": "sec"}))
NIGHTLY = dict(PERIODIC, mode=dict(PERIODIC["mode"], role="auto"))
ROLE = "maid-ec2-require-owner-role"


@pytest.fixture
def iam(aws):
    return boto3.client("iam")


def run_gc(specs, ctx, plan_only=False):
    lines = []
    before = ctx.counter.snapshot()
    code = gc.gc(specs, ctx, plan_only=plan_only, echo=lambda m, err=False: lines.append(m))
    return code, ctx.counter.since(before), lines


def inline(iam, name=ROLE):
    return iam.get_role_policy(RoleName=name, PolicyName=iamrole.POLICY_NAME)["PolicyDocument"]


def test_first_deploy_creates_the_role_its_policy_and_the_function_using_it(ctx, iam, tmp_path):
    code, calls, lines = run_deploy(specs_of(tmp_path, AUTO), ctx)
    assert code == 0, lines
    assert writes(calls) == {"iam.CreateRole": 1, "iam.PutRolePolicy": 1, "lambda.CreateFunction": 1,
                             "events.PutRule": 1, "events.PutTargets": 1, "lambda.AddPermission": 1}
    assert [line.split("(")[0].strip() for line in lines[1:3]] == ["iam.create_role", "iam.put_role_policy"]

    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["Path"] == "/cloudmaid/"
    assert role["AssumeRolePolicyDocument"] == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=ROLE)["Tags"]}
    assert tags == {TAG_POLICY: "ec2-require-owner", TAG_INFO: "mode=cloudtrail:version=0.1.0",
                    "team": "sec", iamrole.TAG_FUNCTION: "maid-ec2-require-owner"}
    # the inline policy is what `maid iam` prints for the policy
    assert inline(iam) == document(permissions(AUTO))
    assert {"ec2:StopInstances", "ec2:DescribeInstances", "logs:PutLogEvents"} <= set(
        a for st in inline(iam)["Statement"] for a in st["Action"])

    conf = boto3.client("lambda").get_function(FunctionName="maid-ec2-require-owner")["Configuration"]
    assert conf["Role"] == role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/cloudmaid/{ROLE}"


def test_unchanged_redeploy_writes_nothing(ctx, iam, tmp_path):
    specs = specs_of(tmp_path, AUTO)
    assert run_deploy(specs, ctx)[0] == 0
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0 and calls and writes(calls) == {}
    assert lines == ["ec2-require-owner: function maid-ec2-require-owner in us-east-1: up to date"]


def test_changed_permissions_update_only_the_inline_policy(ctx, iam, tmp_path):
    assert run_deploy(specs_of(tmp_path, AUTO), ctx)[0] == 0
    changed = dict(AUTO, actions=["terminate"])
    specs = specs_of(tmp_path, changed, name="q.yml")
    code, calls, lines = run_deploy(specs, ctx)
    assert code == 0
    # the code changes too (the policy travels in the zip); the role only by its document
    assert {k: v for k, v in writes(calls).items() if k.startswith("iam.")} == {"iam.PutRolePolicy": 1}
    actions = {a for st in inline(iam)["Statement"] for a in st["Action"]}
    assert "ec2:TerminateInstances" in actions and "ec2:StopInstances" not in actions


def test_changed_tags_retag_the_role_only(ctx, iam, tmp_path):
    assert run_deploy(specs_of(tmp_path, AUTO), ctx)[0] == 0
    retagged = dict(AUTO, mode=dict(AUTO["mode"], tags={"owner": "me"}))
    code, calls, _ = run_deploy(specs_of(tmp_path, retagged, name="q.yml"), ctx)
    assert code == 0
    assert {k: v for k, v in writes(calls).items() if k.startswith("iam.")} == {
        "iam.TagRole": 1, "iam.UntagRole": 1}
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=ROLE)["Tags"]}
    assert tags["owner"] == "me" and "team" not in tags


def test_plan_writes_nothing(ctx, iam, tmp_path):
    code, calls, lines = run_deploy(specs_of(tmp_path, AUTO), ctx, plan_only=True)
    assert code == 0 and writes(calls) == {}
    assert [line.split("(")[0].strip() for line in lines[1:]] == [
        "iam.create_role", "iam.put_role_policy", "lambda.create_function", "events.put_rule",
        "events.put_targets", "lambda.add_permission"]
    assert iam.list_roles(PathPrefix="/cloudmaid/")["Roles"] == []


def test_two_policies_get_two_roles(ctx, iam, tmp_path):
    assert run_deploy(specs_of(tmp_path, AUTO, NIGHTLY), ctx)[0] == 0
    roles = sorted(r["RoleName"] for r in iam.list_roles(PathPrefix="/cloudmaid/")["Roles"])
    assert roles == ["maid-ec2-require-owner-role", "maid-nightly-role"]
    lam = boto3.client("lambda")
    assert lam.get_function(FunctionName="maid-nightly")["Configuration"]["Role"].endswith(
        "/cloudmaid/maid-nightly-role")
    assert inline(iam, "maid-nightly-role") != inline(iam)


def test_gc_removes_the_role_of_a_removed_policy_after_its_function(ctx, iam, tmp_path):
    specs = specs_of(tmp_path, AUTO, NIGHTLY)
    assert run_deploy(specs, ctx)[0] == 0
    # a role of the same path that is not ours stays
    iam.create_role(RoleName="someone-else", Path="/cloudmaid/", AssumeRolePolicyDocument="{}")
    assert run_gc(specs, ctx)[2] == ["gc in us-east-1: nothing to remove"]

    # someone attached a managed policy to the role: detached, or IAM refuses the delete
    arn = iam.create_policy(PolicyName="extra", PolicyDocument=json.dumps(document(["s3:GetObject"])))
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn["Policy"]["Arn"])
    kept = [s for s in specs if s.name == "nightly"]
    code, calls, lines = run_gc(kept, ctx)
    assert code == 0, lines
    assert [line.strip().split("(")[0] for line in lines[1:]][-4:] == [
        "lambda.delete_function", "iam.delete_role_policy", "iam.detach_role_policy", "iam.delete_role"]
    roles = sorted(r["RoleName"] for r in iam.list_roles(PathPrefix="/cloudmaid/")["Roles"])
    assert roles == ["maid-nightly-role", "someone-else"]
    assert writes(calls)["iam.DeleteRole"] == 1
    assert run_gc(kept, ctx)[2] == ["gc in us-east-1: nothing to remove"]


def test_switching_to_an_explicit_role_leaves_the_auto_role_to_gc(ctx, iam, tmp_path):
    role = iam.create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    assert run_deploy(specs_of(tmp_path, AUTO), ctx)[0] == 0
    explicit = specs_of(tmp_path, dict(AUTO, mode=dict(AUTO["mode"], role="maid-lambda")), name="q.yml")
    code, calls, _ = run_deploy(explicit, ctx)
    assert code == 0 and not any(k.startswith("iam.") for k in writes(calls))
    assert boto3.client("lambda").get_function(FunctionName="maid-ec2-require-owner")[
        "Configuration"]["Role"] == role
    code, calls, lines = run_gc(explicit, ctx)
    assert [line.strip().split("(")[0] for line in lines[1:]] == ["iam.delete_role_policy", "iam.delete_role"]
    assert writes(calls) == {"iam.DeleteRolePolicy": 1, "iam.DeleteRole": 1}


def test_function_create_is_retried_until_lambda_can_assume_the_new_role(ctx, iam):
    """Right after CreateRole, Lambda refuses the role for a while; moto refuses a role that
    does not exist with the same error, so the role appears between two attempts."""
    dep = _deployment(ctx)
    role, put, create, *_ = planner.plan(dep.models(), {})
    assert create.method == "create_function" and "InvalidParameterValueException" in create.retry_on
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        Executor(ctx.session_factory).execute([role, put])   # IAM catches up

    Executor(ctx.session_factory, sleep=sleep).execute([create])
    assert sleeps == [1.0]
    assert boto3.client("lambda").get_function(FunctionName="maid-ec2-require-owner")


def test_function_calls_are_not_retried_for_a_role_that_already_existed(ctx, iam):
    dep = _deployment(ctx)
    have = {("Role", ROLE): dep.role}
    calls = planner.plan(dep.models(), have)
    assert calls[0].method == "create_function" and calls[0].retry_on == ()
    # a function moving from its own role to a new auto role: its update is retried
    own = replace(dep.function, role=f"arn:aws:iam::{ACCOUNT}:role/maid-lambda", code=None, arn="arn:f")
    calls = planner.plan(dep.models()[:2], {("Function", own.name): Function(**{
        f.name: getattr(own, f.name) for f in fields(Function)})})
    assert [(c.method, c.retry_on) for c in calls] == [
        ("create_role", ()), ("put_role_policy", ("NoSuchEntity",)),
        ("update_function_configuration", ("InvalidParameterValueException",))]
    assert calls[-1].params == {"FunctionName": own.name, "Role": dep.function.role}


def test_a_long_function_name_gets_a_role_name_within_iams_limit():
    long = "maid-" + "x" * 59
    names = {iamrole.role_name(long), iamrole.role_name(long[:-1] + "y")}
    assert len(names) == 2 and all(len(n) <= 64 and n.endswith("-role") for n in names)
    assert iamrole.role_name("maid-short") == "maid-short-role"


def test_validation_accepts_auto_and_still_rejects_junk(tmp_path):
    assert check(specs_of(tmp_path, AUTO)) == []
    for junk in ("arn:aws:iam::1:role/x", "not a role", "auto:x", 7):
        bad = dict(AUTO, mode=dict(AUTO["mode"], role=junk))
        problems = check(specs_of(tmp_path, bad))
        assert len(problems) == 1 and "mode.role" in problems[0], (junk, problems)


def test_role_stays_out_of_the_zip(ctx):
    explicit = _deployment(ctx, dict(AUTO, mode=dict(AUTO["mode"], role="maid-lambda")))
    assert _deployment(ctx).function.code_sha256 == explicit.function.code_sha256


def _deployment(ctx, data=AUTO):
    from cloudmaid.mu import deploy
    data = json.loads(json.dumps(data))
    return deploy.desired(Policy(data, ctx), data, lambda: ACCOUNT)


def test_gc_without_iam_permissions_warns_and_removes_the_rest(ctx, iam, tmp_path):
    from botocore.stub import Stubber
    assert run_deploy(specs_of(tmp_path, AUTO), ctx)[0] == 0
    lines = []
    with Stubber(ctx.session_factory.client("iam")) as stub:
        stub.add_client_error("list_roles", "AccessDenied", "not allowed", http_status_code=403)
        code = gc.gc([], ctx, echo=lambda m, err=False: lines.append((m, err)))
    assert code == 0
    assert lines[0] == ("gc in us-east-1: warning: listing IAM roles failed (AccessDenied): the roles "
                        "deploy made for role: auto policies, if any, are not removed", True)
    assert boto3.client("lambda").list_functions()["Functions"] == []
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/cloudmaid/")["Roles"]] == [ROLE]


def test_a_document_too_large_for_iam_is_refused_before_any_call(ctx, iam, tmp_path, monkeypatch):
    monkeypatch.setattr(iamrole, "MAX_INLINE", 100)
    code, calls, lines = run_deploy(specs_of(tmp_path, AUTO), ctx)
    assert code == 1 and writes(calls) == {}
    assert len(lines) == 1 and lines[0].startswith(f"{tmp_path / 'p.yml'}:")
    assert "IAM allows 100 in a role's inline policies" in lines[0]


def test_the_document_covers_what_lambda_does_with_the_role_for_the_functions_settings():
    settings = {"subnets": ["subnet-1"], "security_groups": ["sg-1"], "tracing_config": {"Mode": "Active"},
                "dead_letter_config": {"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"}}
    found = set(permissions(dict(AUTO, mode=dict(AUTO["mode"], **settings))))
    assert {"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
            "xray:PutTraceSegments", "sqs:SendMessage"} <= found
    topic = {"dead_letter_config": {"TargetArn": "arn:aws:sns:us-east-1:123456789012:t"}}
    assert "sns:Publish" in permissions(dict(AUTO, mode=dict(AUTO["mode"], **topic)))
    plain = set(permissions(AUTO))
    assert not plain & {"ec2:CreateNetworkInterface", "xray:PutTraceSegments", "sqs:SendMessage", "sns:Publish"}
