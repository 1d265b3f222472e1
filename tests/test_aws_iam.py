"""IAM roles, policies, groups, instance profiles and server certificates against moto:
Custodian's shapes (roles completed with GetRole, policies customer-managed unless the query
says otherwise), the IAM tagger, CloudTrail shortcuts naming entities, and the filters and
actions of each type; check-permissions through botocore's Stubber (moto has no simulator)."""
import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from cloudmaid.policy import Policy, ResourceFetchError
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

from .seeders import fixture

ACCOUNT = "123456789012"
DOC = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
ADMIN = json.dumps({"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "*", "Resource": "*"}})


def trust(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


def run(ctx, rtype, filters=(), actions=(), name="p", **extra):
    return Policy(dict({"name": name, "resource": rtype, "filters": list(filters),
                        "actions": list(actions)}, **extra), ctx).run()


def ids(meta, key):
    return sorted(r[key] for r in meta["matched"])


def problems(policy):
    return [m for _, m, _ in PolicyChecker(dict({"name": "p"}, **policy)).run()]


@pytest.fixture
def managed(monkeypatch):
    """moto with AWS's managed policies loaded."""
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


@pytest.fixture
def iam(aws):
    return boto3.client("iam", region_name="us-east-1")


@pytest.fixture
def world(iam):
    """Roles: app (ec2 trust, managed + inline policy, in profile app-profile, tagged),
    partner (trusted by another account), bare. Policies: read, admin (allow-all, v2).
    Groups: devs (member u1, inline, read attached), empty."""
    read = iam.create_policy(PolicyName="read", PolicyDocument=DOC)["Policy"]["Arn"]
    admin = iam.create_policy(PolicyName="admin", PolicyDocument=DOC,
                              Tags=[{"Key": "owner", "Value": "sec"}])["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=admin, PolicyDocument=ADMIN, SetAsDefault=True)
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust(
        {"Service": "ec2.amazonaws.com"}), Tags=[{"Key": "env", "Value": "prod"}])
    iam.attach_role_policy(RoleName="app", PolicyArn=read)
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=DOC)
    iam.create_role(RoleName="partner", AssumeRolePolicyDocument=trust(
        {"AWS": "arn:aws:iam::999988887777:root"}))
    iam.create_role(RoleName="bare", AssumeRolePolicyDocument=trust(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    iam.create_instance_profile(InstanceProfileName="app-profile",
                                Tags=[{"Key": "env", "Value": "prod"}])
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    iam.create_instance_profile(InstanceProfileName="spare-profile")
    iam.create_user(UserName="u1")
    iam.create_group(GroupName="devs")
    iam.create_group(GroupName="empty")
    iam.add_user_to_group(GroupName="devs", UserName="u1")
    iam.put_group_policy(GroupName="devs", PolicyName="inline", PolicyDocument=DOC)
    iam.attach_group_policy(GroupName="devs", PolicyArn=read)
    return {"read": read, "admin": admin}


# -- types ---------------------------------------------------------------------------------
def test_roles_are_completed_with_get_role(ctx, world):
    m = ResourceManager.for_type(ctx, "iam-role")
    app = next(r for r in m.resources() if r["RoleName"] == "app")
    assert app["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert "RoleLastUsed" in app
    assert m.arn(app) == f"arn:aws:iam::{ACCOUNT}:role/app"
    assert [r["RoleName"] for r in m.get_resources(["app", "gone"])] == ["app"]


def test_policies_are_customer_managed_unless_the_query_says(managed, ctx, world):
    meta = run(ctx, "iam-policy")
    assert ids(meta, "PolicyName") == ["admin", "read"]
    every = run(ctx, "iam-policy", name="all", query=[{"Scope": "All"}])
    assert len(every["matched"]) > 2
    aws = run(ctx, "iam-policy", name="aws", query=[{"Scope": "AWS"}])
    assert len(aws["matched"]) == len(every["matched"]) - 2
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws["matched"])
    assert problems({"resource": "iam-policy", "query": [{"Scope": "Local"}]}) == []
    assert problems({"resource": "iam-policy", "query": [{"Scop": "All"}]})


def test_policy_and_profile_tags_are_read_on_demand(ctx, world):
    assert ids(run(ctx, "iam-policy", [{"tag:owner": "sec"}]), "PolicyName") == ["admin"]
    assert ids(run(ctx, "iam-profile", [{"tag:env": "prod"}]), "InstanceProfileName") == \
        ["app-profile"]


def test_tagger_writes_each_entity(ctx, iam, world):
    run(ctx, "iam-role", [{"RoleName": "app"}], [
        {"type": "tag", "key": "owner", "value": "a"}, {"type": "remove-tag", "tags": ["env"]}])
    assert iam.list_role_tags(RoleName="app")["Tags"] == [{"Key": "owner", "Value": "a"}]
    run(ctx, "iam-policy", [{"PolicyName": "read"}], [{"type": "tag", "key": "k", "value": "v"}])
    assert iam.list_policy_tags(PolicyArn=world["read"])["Tags"] == [{"Key": "k", "Value": "v"}]
    run(ctx, "iam-profile", [{"InstanceProfileName": "spare-profile"}],
        [{"type": "tag", "key": "k", "value": "v"}])
    assert iam.get_instance_profile(InstanceProfileName="spare-profile")[
        "InstanceProfile"]["Tags"] == [{"Key": "k", "Value": "v"}]


@pytest.mark.parametrize("rtype,event,path,value", [
    ("iam-role", "cloudtrail-create-role.json", "requestParameters.roleName", "app-role"),
    ("iam-user", "cloudtrail-create-user.json", "requestParameters.userName", "bob"),
    ("iam-user", "cloudtrail-create-access-key.json", "requestParameters.userName", "bob"),
    ("iam-policy", "cloudtrail-create-policy.json", "responseElements.policy.policyId",
     "ANPAEXAMPLEPOLICYID01"),
    ("iam-group", "cloudtrail-create-group.json", "requestParameters.groupName", "developers"),
    ("iam-profile", "cloudtrail-create-instance-profile.json",
     "requestParameters.instanceProfileName", "app-profile"),
    ("iam-certificate", "cloudtrail-upload-server-certificate.json",
     "requestParameters.serverCertificateName", "web-cert"),
])
def test_shortcuts_read_the_entity_names_of_real_events(rtype, event, path, value):
    import jmespath

    from cloudmaid.resources import catalog
    detail = fixture(event)["detail"]
    shortcut = catalog.get(rtype).shortcut(detail["eventName"])
    assert shortcut["source"] == detail["eventSource"] == "iam.amazonaws.com"
    assert shortcut["ids"] == path and jmespath.search(path, detail) == value


def test_groups_and_certificates_have_no_tag_actions():
    for rtype in ("iam-group", "iam-certificate"):
        assert any("not supported" in m for m in problems({"resource": rtype, "actions": [
            {"type": "tag", "key": "k", "value": "v"}]}))


# -- roles ---------------------------------------------------------------------------------
def test_role_policy_filters(ctx, world):
    assert ids(run(ctx, "iam-role", [{"type": "has-inline-policy"}]), "RoleName") == ["app"]
    assert ids(run(ctx, "iam-role", [{"type": "has-inline-policy", "value": False}], name="a"),
               "RoleName") == ["bare", "partner"]
    meta = run(ctx, "iam-role", [{"type": "has-specific-managed-policy", "value": "read"}],
               name="b")
    assert ids(meta, "RoleName") == ["app"]
    assert meta["matched"][0]["c7n:MatchedPolicies"][0]["PolicyArn"] == world["read"]
    assert ids(run(ctx, "iam-role", [{"type": "has-specific-managed-policy", "key": "PolicyArn",
                                      "op": "glob", "value": "*:policy/re*"}], name="c"),
               "RoleName") == ["app"]
    assert ids(run(ctx, "iam-role", [{"type": "no-specific-managed-policy", "value": "read"}],
                   name="d"), "RoleName") == ["bare", "partner"]
    assert run(ctx, "iam-role", [{"type": "no-specific-managed-policy"}], name="e")[
        "matched"] == []


def test_role_cross_account_reads_the_trust_policy(ctx, world):
    meta = run(ctx, "iam-role", [{"type": "cross-account"}])
    assert ids(meta, "RoleName") == ["partner"]
    assert meta["matched"][0]["CrossAccountViolations"][0]["Action"] == "sts:AssumeRole"
    assert run(ctx, "iam-role", [{"type": "cross-account", "whitelist": ["999988887777"]}],
               name="w")["matched"] == []


def test_used_roles_and_profiles(ctx, world, ec2):
    from tests.conftest import make_ami
    image = make_ami(ec2)
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                      IamInstanceProfile={"Name": "app-profile"})
    boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName="f", Runtime="python3.12", Handler="h.h", Code={"ZipFile": b"x"},
        Role=f"arn:aws:iam::{ACCOUNT}:role/partner")
    assert ids(run(ctx, "iam-role", [{"type": "used"}]), "RoleName") == ["app", "partner"]
    assert ids(run(ctx, "iam-role", [{"type": "used", "state": False}], name="a"),
               "RoleName") == ["bare"]
    assert ids(run(ctx, "iam-role", [{"type": "unused"}], name="b"), "RoleName") == ["bare"]
    assert ids(run(ctx, "iam-profile", [{"type": "used"}]), "InstanceProfileName") == \
        ["app-profile"]
    assert ids(run(ctx, "iam-profile", [{"type": "unused"}], name="c"),
               "InstanceProfileName") == ["spare-profile"]


def test_role_set_policy_boundary_and_delete(ctx, iam, world):
    run(ctx, "iam-role", [{"RoleName": "bare"}], [
        {"type": "set-policy", "state": "attached", "arn": "read"},
        {"type": "set-boundary", "policy": world["admin"]}])
    assert [p["PolicyName"] for p in
            iam.list_attached_role_policies(RoleName="bare")["AttachedPolicies"]] == ["read"]
    assert iam.get_role(RoleName="bare")["Role"]["PermissionsBoundary"][
        "PermissionsBoundaryArn"] == world["admin"]
    run(ctx, "iam-role", [{"RoleName": "bare"}], [
        {"type": "set-policy", "state": "detached", "arn": "*"},
        {"type": "set-boundary", "state": "absent"}], name="p2")
    assert iam.list_attached_role_policies(RoleName="bare")["AttachedPolicies"] == []
    assert "PermissionsBoundary" not in iam.get_role(RoleName="bare")["Role"]
    # without force a role with policies fails alone; with force it goes, profile too
    meta = run(ctx, "iam-role", [{"type": "value", "key": "RoleName", "op": "in",
                                  "value": ["app", "bare"]}], [{"type": "delete"}], name="p3")
    assert meta["actions"][0]["succeeded"] == 1
    assert [f["id"] for f in meta["actions"][0]["failed"]] == ["app"]
    run(ctx, "iam-role", [{"RoleName": "app"}], [{"type": "delete", "force": True}], name="p4")
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["partner"]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()[
        "InstanceProfiles"]] == ["spare-profile"]


def test_set_policy_and_boundary_validation():
    assert any("'*' can only be detached" in m for m in problems({
        "resource": "iam-role", "actions": [{"type": "set-policy", "state": "attached",
                                             "arn": "*"}]}))
    assert any("needs 'policy'" in m for m in problems({
        "resource": "iam-user", "actions": [{"type": "set-boundary"}]}))
    assert any("not used with state: absent" in m for m in problems({
        "resource": "iam-role", "actions": [{"type": "set-boundary", "state": "absent",
                                             "policy": "p"}]}))


# -- policies ------------------------------------------------------------------------------
def test_policy_filters_and_delete(ctx, iam, world):
    assert ids(run(ctx, "iam-policy", [{"type": "used"}]), "PolicyName") == ["read"]
    assert ids(run(ctx, "iam-policy", [{"type": "unused"}], name="a"), "PolicyName") == \
        ["admin"]
    meta = run(ctx, "iam-policy", [{"type": "has-allow-all"}], name="b")
    assert ids(meta, "PolicyName") == ["admin"]
    meta = run(ctx, "iam-policy", [{"type": "unused"}], [{"type": "delete"}], name="c")
    assert meta["actions"][0]["succeeded"] == 1
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]] == ["read"]


def test_policy_delete_leaves_aws_managed_policies(managed, ctx, iam, world):
    meta = run(ctx, "iam-policy", [], [{"type": "delete"}], query=[{"Scope": "AWS"}])
    assert meta["matched"] and meta["actions"][0]["skipped"] == len(meta["matched"])
    assert meta["actions"][0]["succeeded"] == 0


# -- groups --------------------------------------------------------------------------------
def test_group_filters_and_actions(ctx, iam, world):
    meta = run(ctx, "iam-group", [{"type": "has-users"}])
    assert ids(meta, "GroupName") == ["devs"]
    assert meta["matched"][0]["c7n:Users"][0]["UserName"] == "u1"
    assert ids(run(ctx, "iam-group", [{"type": "has-users", "value": False}], name="a"),
               "GroupName") == ["empty"]
    assert ids(run(ctx, "iam-group", [{"type": "has-inline-policy"}], name="b"),
               "GroupName") == ["devs"]
    meta = run(ctx, "iam-group", [{"type": "has-specific-managed-policy", "value": "read"}],
               name="c")
    assert ids(meta, "GroupName") == ["devs"] and meta["matched"][0]["ManagedPolicies"] == \
        ["read"]
    run(ctx, "iam-group", [{"GroupName": "devs"}], [
        {"type": "delete-inline-policies"},
        {"type": "set-policy", "state": "detached", "arn": world["read"]}], name="d")
    assert iam.list_group_policies(GroupName="devs")["PolicyNames"] == []
    assert iam.list_attached_group_policies(GroupName="devs")["AttachedPolicies"] == []
    calls = []
    client = ctx.session_factory.client("iam")
    client.meta.events.register("before-call.iam.*", lambda model, **kw: calls.append(model.name))
    made = ctx.session_factory.client
    ctx.session_factory.client = lambda service, *a, **k: \
        client if service == "iam" else made(service, *a, **k)
    run(ctx, "iam-group", [], [{"type": "delete", "force": True}], name="f")
    assert iam.list_groups()["Groups"] == []
    # members first (AWS refuses to delete a group that has any; moto does not check)
    assert calls.index("RemoveUserFromGroup") < calls.index("DeleteGroup")


# -- instance profiles and certificates ----------------------------------------------------
def test_profile_filters_and_actions(ctx, iam, world):
    meta = run(ctx, "iam-profile", [{"type": "has-specific-managed-policy", "value": "read"}])
    assert ids(meta, "InstanceProfileName") == ["app-profile"]
    run(ctx, "iam-profile", [{"InstanceProfileName": "spare-profile"}],
        [{"type": "set-role", "role": "bare"}], name="a")
    run(ctx, "iam-profile", [{"InstanceProfileName": "spare-profile"}],
        [{"type": "set-policy", "state": "attached", "arn": "read"}], name="b")
    assert [p["PolicyName"] for p in
            iam.list_attached_role_policies(RoleName="bare")["AttachedPolicies"]] == ["read"]
    run(ctx, "iam-profile", [{"InstanceProfileName": "spare-profile"}],
        [{"type": "set-role", "role": "partner"}], name="c")
    assert [r["RoleName"] for r in iam.get_instance_profile(
        InstanceProfileName="spare-profile")["InstanceProfile"]["Roles"]] == ["partner"]
    run(ctx, "iam-profile", [{"InstanceProfileName": "spare-profile"}],
        [{"type": "set-role"}], name="d")
    assert iam.get_instance_profile(InstanceProfileName="spare-profile")[
        "InstanceProfile"]["Roles"] == []


def test_certificate_delete(ctx, iam):
    iam.upload_server_certificate(ServerCertificateName="old", CertificateBody="b",
                                  PrivateKey="k")
    meta = run(ctx, "iam-certificate", [{"type": "value", "key": "Expiration",
                                         "value_type": "expiration", "op": "lt", "value": 0}],
               [{"type": "delete"}])
    assert ids(meta, "ServerCertificateName") == ["old"]
    assert iam.list_server_certificates()["ServerCertificateMetadataList"] == []


# -- check-permissions (IAM's policy simulator: botocore's Stubber) ------------------------
def evaluation(action, decision):
    return {"EvalActionName": action, "EvalResourceName": "*", "EvalDecision": decision}


def stubbed(ctx):
    client = boto3.client("iam", region_name="us-east-1")
    made = ctx.session_factory.client
    ctx.session_factory.client = lambda service, *a, **k: \
        client if service == "iam" else made(service, *a, **k)
    return Stubber(client)


def test_check_permissions_simulates_principals(ctx, iam, world):
    iam.create_user(UserName="u2")
    policy = [{"type": "value", "key": "UserName", "op": "in", "value": ["u1", "u2"]},
              {"type": "check-permissions", "match": "allowed",
               "actions": ["iam:CreateUser", "s3:GetObject"], "boundaries": False}]
    listing = ResourceManager.for_type(ctx, "iam-user").resources()   # before the stub
    stub = stubbed(ctx)
    for user, decisions in (("u1", ("allowed", "allowed")), ("u2", ("allowed", "implicitDeny"))):
        stub.add_response("simulate_principal_policy", {"EvaluationResults": [
            evaluation("iam:CreateUser", decisions[0]), evaluation("s3:GetObject", decisions[1])],
            "IsTruncated": False}, {
            "PolicySourceArn": f"arn:aws:iam::{ACCOUNT}:user/{user}",
            "ActionNames": ["iam:CreateUser", "s3:GetObject"],
            "PermissionsBoundaryPolicyInputList": [ANY]})
    assert listing
    with stub:
        meta = run(ctx, "iam-user", policy)
    assert ids(meta, "UserName") == ["u1"]
    assert len(meta["matched"][0]["c7n:perm-matches"]) == 2


def test_check_permissions_or_and_value_match(ctx, world):
    roles = [r["RoleName"] for r in ResourceManager.for_type(ctx, "iam-role").resources()]
    stub = stubbed(ctx)
    for role in roles:
        stub.add_response("simulate_principal_policy", {"EvaluationResults": [
            evaluation("iam:PassRole", "allowed" if role == "app" else "implicitDeny"),
            evaluation("s3:GetObject", "implicitDeny")]})
    with stub:
        meta = run(ctx, "iam-role", [{"type": "check-permissions", "match-operator": "or",
                                      "match": {"EvalDecision": "allowed"},
                                      "actions": ["iam:PassRole", "s3:GetObject"]}])
    assert ids(meta, "RoleName") == ["app"]


def test_check_permissions_on_policies_simulates_the_default_version(ctx, world):
    stub = stubbed(ctx)
    for name in [p["PolicyName"] for p in ResourceManager.for_type(ctx, "iam-policy").resources()]:
        stub.add_response("get_policy_version", {"PolicyVersion": {
            "Document": ADMIN if name == "admin" else DOC, "VersionId": "v1"}})
        stub.add_response("simulate_custom_policy", {"EvaluationResults": [
            evaluation("iam:CreateUser", "allowed" if name == "admin" else "implicitDeny")]})
    with stub:
        meta = run(ctx, "iam-policy", [{"type": "check-permissions", "match": "denied",
                                        "actions": ["iam:CreateUser"]}])
    assert ids(meta, "PolicyName") == ["read"]


def test_check_permissions_actions_need_a_service():
    assert any("<service>:<action>" in m for m in problems({
        "resource": "iam-user", "filters": [{"type": "check-permissions", "match": "allowed",
                                             "actions": ["CreateUser"]}]}))


# -- usage (IAM's access advisor: botocore's Stubber, moto has none) -----------------------
def job(i):
    return f"00000000-0000-4000-8000-{i:012d}"


def test_usage_matches_service_records(ctx, world, monkeypatch):
    import datetime

    from cloudmaid.aws.iam import access_advisor
    slept = []
    monkeypatch.setattr(access_advisor, "sleep", slept.append)
    roles = [r["RoleName"] for r in ResourceManager.for_type(ctx, "iam-role").resources()]
    stub = stubbed(ctx)
    old = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    for i, role in enumerate(roles):
        stub.add_response("generate_service_last_accessed_details", {"JobId": job(i)},
                          {"Arn": f"arn:aws:iam::{ACCOUNT}:role/{role}"})
    records = {"app": [{"ServiceName": "S3", "ServiceNamespace": "s3", "LastAuthenticated": old}],
               "bare": [{"ServiceName": "S3", "ServiceNamespace": "s3"}],
               "partner": []}
    # the first job is still running at the first look: asked again after the others
    stub.add_response("get_service_last_accessed_details", {
        "JobStatus": "IN_PROGRESS", "JobCreationDate": old, "JobCompletionDate": old,
        "ServicesLastAccessed": []},
        {"JobId": job(0)})
    for i, role in [*list(enumerate(roles))[1:], (0, roles[0])]:
        stub.add_response("get_service_last_accessed_details", {
            "JobStatus": "COMPLETED", "JobCreationDate": old, "JobCompletionDate": old,
            "ServicesLastAccessed": records[role]}, {"JobId": job(i)})
    with stub:
        meta = run(ctx, "iam-role", [{"type": "usage", "match-operator": "all",
                                      "LastAuthenticated": None, "poll-delay": 0}])
    # never authenticated: every record lacks a date (no records counts as all)
    assert ids(meta, "RoleName") == ["bare", "partner"]
    assert slept == [0]


def test_usage_any_with_a_value_filter(ctx, world, monkeypatch):
    import datetime
    roles = [r["RoleName"] for r in ResourceManager.for_type(ctx, "iam-role").resources()]
    stub = stubbed(ctx)
    recent = datetime.datetime.now(datetime.timezone.utc)
    for i, role in enumerate(roles):
        stub.add_response("generate_service_last_accessed_details", {"JobId": job(i)})
    for role in roles:
        stub.add_response("get_service_last_accessed_details", {
            "JobStatus": "COMPLETED", "JobCreationDate": recent, "JobCompletionDate": recent,
            "ServicesLastAccessed": [dict(
                {"ServiceName": "DynamoDB", "ServiceNamespace": "dynamodb"},
                **({"LastAuthenticated": recent} if role == "app" else {}))]})
    with stub:
        meta = run(ctx, "iam-role", [{"type": "usage", "match-operator": "any",
                                      "ServiceNamespace": "dynamodb",
                                      "LastAuthenticated": {"value_type": "age", "op": "lt",
                                                            "value": 30}}])
    assert ids(meta, "RoleName") == ["app"]


def test_mfa_device_key_reads_each_device(ctx, iam, world):
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="u1")["VirtualMFADevice"][
        "SerialNumber"]
    iam.enable_mfa_device(UserName="u1", SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    # Custodian's documented form (its key is ignored there): users with a device
    assert ids(run(ctx, "iam-user", [{"type": "mfa-device", "key": "UserName",
                                      "value": "not-null"}]), "UserName") == ["u1"]
    assert ids(run(ctx, "iam-user", [{"type": "mfa-device", "key": "SerialNumber",
                                      "op": "glob", "value": "*:mfa/other"}], name="a"),
               "UserName") == []


def test_usage_fails_in_a_dry_run(ctx, world):
    ctx.dryrun = True
    with pytest.raises(ResourceFetchError, match="dry run"):
        run(ctx, "iam-role", [{"type": "usage", "match-operator": "any",
                               "ServiceNamespace": "s3"}])
