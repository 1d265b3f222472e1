"""iam-user against moto: the credential report (read once per run, Custodian's shape),
access-key, mfa-device, group, policy, has-inline-policy, login-profile, ssh-key filters, and
the delete, remove-keys, delete-ssh-keys, set-groups and set-policy actions."""
import datetime
import json

import boto3
import pytest
from botocore.exceptions import ClientError

from cloudmaid.aws.iam import credential
from cloudmaid.policy import Policy, ResourceFetchError
from cloudmaid.validate import PolicyChecker

DOC = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
SSH = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDnbW1haWQtdGVzdC1rZXk= me@host"


def run(ctx, filters=(), actions=(), name="p"):
    return Policy({"name": name, "resource": "iam-user", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def use_client(ctx, client):
    """The run's IAM calls go to ``client`` (a stubbed or instrumented one)."""
    made = ctx.session_factory.client
    ctx.session_factory.client = lambda service, *a, **k: \
        client if service == "iam" else made(service, *a, **k)


def names(meta):
    return sorted(u["UserName"] for u in meta["matched"])


def problems(policy):
    return [m for _, m, _ in PolicyChecker(dict({"name": "p", "resource": "iam-user"},
                                                **policy)).run()]


@pytest.fixture
def iam(aws):
    return boto3.client("iam", region_name="us-east-1")


@pytest.fixture
def users(iam):
    """alice: two keys (one inactive), MFA, console, group admins, a policy; bob: nothing;
    carol: one key, an SSH key and an inline policy."""
    for u in ("alice", "bob", "carol"):
        iam.create_user(UserName=u, Tags=[{"Key": "team", "Value": u}])
    k1 = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    k2 = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="alice", AccessKeyId=k2, Status="Inactive")
    iam.create_access_key(UserName="carol")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-mfa")[
        "VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    iam.create_login_profile(UserName="alice", Password="Secret-Passw0rd!")
    iam.create_group(GroupName="admins")
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    arn = iam.create_policy(PolicyName="read", PolicyDocument=DOC)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    iam.create_policy(PolicyName="group-read", PolicyDocument=DOC)
    iam.attach_group_policy(GroupName="admins",
                            PolicyArn=arn.replace("policy/read", "policy/group-read"))
    iam.upload_ssh_public_key(UserName="carol", SSHPublicKeyBody=SSH)
    iam.put_user_policy(UserName="carol", PolicyName="inline", PolicyDocument=DOC)
    return {"alice": [k1, k2], "arn": arn}


def test_users_carry_tags_and_get_user_keys(ctx, users):
    meta = run(ctx, [{"tag:team": "alice"}])
    assert names(meta) == ["alice"]
    assert meta["matched"][0]["Arn"] == "arn:aws:iam::123456789012:user/alice"


# -- the credential report -----------------------------------------------------------------
def test_report_parsed_into_custodian_shape():
    content = (
        "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,"
        "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
        "access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated\n"
        "alice,arn:aws:iam::1:user/alice,2020-01-01T00:00:00+00:00,true,no_information,true,"
        "true,2020-01-02T00:00:00+00:00,N/A,false,N/A,false,N/A\n").encode()
    [(name, rec)] = credential.parse(content).items()
    assert name == "alice"
    assert rec["password_enabled"] is True and rec["mfa_active"] is True
    assert rec["password_last_used"] is None
    assert rec["access_keys"] == [{"active": True, "last_rotated": "2020-01-02T00:00:00+00:00",
                                   "last_used_date": None}]
    assert "certs" not in rec and "access_key_1_active" not in rec


def test_credential_filter_reads_the_report_once_per_run(ctx, users):
    calls = []
    client = ctx.session_factory.client("iam")
    client.meta.events.register("before-call.iam.*",
                                lambda model, **kw: calls.append(model.name))
    use_client(ctx, client)
    assert names(run(ctx, [{"type": "credential", "key": "mfa_active", "value": True}])) == \
        ["alice"]
    meta = run(ctx, [{"type": "credential", "key": "access_keys.active", "value": True}],
               name="p2")
    assert names(meta) == ["alice", "carol"]
    assert calls.count("GenerateCredentialReport") == 1
    alice = next(u for u in meta["matched"] if u["UserName"] == "alice")
    assert alice["c7n:credential-report"]["user"] == "alice"
    assert [k["c7n:match-type"] for k in alice["c7n:matched-keys"]] == ["credential"]


def test_credential_absent_values_and_ages(ctx, users):
    # a password never used: no_information, read as null
    assert names(run(ctx, [{"type": "credential", "key": "password_last_used",
                            "value": "absent"}])) == ["alice"]
    assert names(run(ctx, [{"type": "credential", "key": "user_creation_time",
                            "value_type": "age", "op": "lt", "value": 1}], name="p2")) == \
        ["alice", "bob", "carol"]


def test_old_report_is_regenerated_and_report_generate_false_fails(monkeypatch):
    from types import SimpleNamespace

    from botocore.stub import Stubber
    client = boto3.client("iam", region_name="us-east-1")
    stub = Stubber(client)
    now = datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)
    body = b"user,arn,mfa_active\nalice,arn:aws:iam::1:user/alice,true\n"
    stub.add_response("get_credential_report", {
        "Content": body, "ReportFormat": "text/csv",
        "GeneratedTime": now - datetime.timedelta(days=2)})
    stub.add_response("generate_credential_report", {"State": "STARTED"})
    stub.add_client_error("get_credential_report", "ReportInProgress")
    stub.add_response("get_credential_report", {"Content": body, "ReportFormat": "text/csv",
                                                "GeneratedTime": now})
    slept = []
    monkeypatch.setattr(credential, "sleep", slept.append)
    manager = SimpleNamespace(ctx=SimpleNamespace(account_id="1", cache={}, dryrun=False),
                              client=lambda service: client)
    options = dict(credential.DEFAULTS)
    with stub:
        found = credential.report(manager, options, now)
        assert found["alice"]["mfa_active"] is True
        assert credential.report(manager, options, now) is found   # once per run
    assert slept == [credential.POLL]
    stub.add_client_error("get_credential_report", "ReportNotPresent")
    manager.ctx.cache.clear()
    with stub, pytest.raises(ClientError, match="report_generate is false"):
        credential.report(manager, dict(options, report_generate=False), now)


def test_credential_key_must_be_a_report_column():
    assert problems({"filters": [{"type": "credential", "key": "mfa"}]})
    assert not problems({"filters": [{"type": "credential", "key": "mfa_active",
                                      "value": True}]})


# -- per-user filters ----------------------------------------------------------------------
def test_access_key_filter_and_match_operator(ctx, users):
    meta = run(ctx, [{"type": "access-key", "key": "Status", "value": "Active"},
                     {"type": "access-key", "match-operator": "and", "key": "CreateDate",
                      "value_type": "age", "op": "lt", "value": 1}])
    assert names(meta) == ["alice", "carol"]
    alice = next(u for u in meta["matched"] if u["UserName"] == "alice")
    assert [k["AccessKeyId"] for k in alice["c7n:matched-keys"]] == users["alice"][:1]
    assert len(alice["c7n:AccessKeys"]) == 2
    # `and` narrows to keys matched before: inactive keys are out even though they are young
    meta = run(ctx, [{"type": "access-key", "key": "Status", "value": "Active"},
                     {"type": "access-key", "match-operator": "and", "key": "Status",
                      "value": "Inactive"}], name="p2")
    assert names(meta) == []


def test_mfa_login_profile_group_policy_inline_ssh(ctx, users):
    assert names(run(ctx, [{"type": "mfa-device", "value": "not-null"}])) == ["alice"]
    assert names(run(ctx, [{"type": "mfa-device", "value": "empty"}], name="a")) == \
        ["bob", "carol"]
    meta = run(ctx, [{"type": "login-profile"}], name="b")
    assert names(meta) == ["alice"] and meta["matched"][0]["c7n:LoginProfile"] is True
    assert names(run(ctx, [{"type": "login-profile", "key": "PasswordResetRequired",
                            "value": True}], name="c")) == []
    assert names(run(ctx, [{"type": "group", "key": "GroupName", "value": "admins"}],
                     name="d")) == ["alice"]
    assert names(run(ctx, [{"type": "policy", "key": "PolicyName", "value": "read"}],
                     name="e")) == ["alice"]
    assert names(run(ctx, [{"type": "policy", "key": "PolicyName", "value": "group-read"}],
                     name="f")) == []
    assert names(run(ctx, [{"type": "policy", "key": "PolicyName", "value": "group-read",
                            "include-via": True}], name="g")) == ["alice"]
    assert names(run(ctx, [{"type": "has-inline-policy"}], name="h")) == ["carol"]
    assert names(run(ctx, [{"type": "has-inline-policy", "value": False}], name="i")) == \
        ["alice", "bob"]
    meta = run(ctx, [{"type": "ssh-key", "key": "Status", "value": "Active"}], name="j")
    assert names(meta) == ["carol"] and len(meta["matched"][0]["c7n:matched-ssh-keys"]) == 1


# -- actions -------------------------------------------------------------------------------
def test_remove_keys_matched_disables_only_matched_keys(ctx, iam, users):
    run(ctx, [{"UserName": "alice"}, {"type": "access-key", "key": "Status", "value": "Active"}],
        [{"type": "remove-keys", "matched": True, "disable": True}])
    keys = {k["AccessKeyId"]: k["Status"] for k in
            iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]}
    assert keys == {users["alice"][0]: "Inactive", users["alice"][1]: "Inactive"}
    assert len(iam.list_access_keys(UserName="carol")["AccessKeyMetadata"]) == 1


def test_remove_keys_from_credential_matches_and_by_age(ctx, iam, users):
    meta = run(ctx, [{"UserName": "carol"},
                     {"type": "credential", "key": "access_keys.active", "value": True}],
               [{"type": "remove-keys", "matched": True}])
    assert meta["actions"][0]["succeeded"] == 1
    assert iam.list_access_keys(UserName="carol")["AccessKeyMetadata"] == []
    run(ctx, [{"UserName": "alice"}], [{"type": "remove-keys", "age": 90}], name="p2")
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2   # too young
    run(ctx, [{"UserName": "alice"}], [{"type": "remove-keys"}], name="p3")
    assert iam.list_access_keys(UserName="alice")["AccessKeyMetadata"] == []


def test_remove_keys_refuses_matched_with_age():
    assert any("cannot mix" in m for m in problems(
        {"actions": [{"type": "remove-keys", "matched": True, "age": 30}]}))


def test_delete_with_options_keeps_the_user(ctx, iam, users):
    run(ctx, [{"UserName": "alice"}], [{"type": "delete", "options": [
        "console-access", "mfa-devices", "groups", "user-policies"]}])
    assert iam.get_user(UserName="alice")["User"]
    assert iam.list_groups_for_user(UserName="alice")["Groups"] == []
    assert iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"] == []
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    with pytest.raises(ClientError):
        iam.get_login_profile(UserName="alice")
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2


def no_service_credentials(client):
    """moto lacks ListServiceSpecificCredentials: answer it with AWS's empty shape."""
    from botocore.awsrequest import AWSResponse
    client.meta.events.register(
        "before-call.iam.ListServiceSpecificCredentials",
        lambda **kw: (AWSResponse("https://iam.amazonaws.com/", 200, {}, None),
                      {"ServiceSpecificCredentials": []}))


def test_delete_removes_everything_then_the_user(ctx, iam, users):
    client = ctx.session_factory.client("iam")
    no_service_credentials(client)
    use_client(ctx, client)
    meta = run(ctx, [{"type": "value", "key": "UserName", "op": "in",
                      "value": ["alice", "carol"]}], [{"type": "delete"}])
    assert meta["actions"][0]["succeeded"] == 2, meta["errors"]
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["bob"]


def test_delete_ssh_keys_set_groups_set_policy(ctx, iam, users):
    run(ctx, [{"UserName": "carol"}], [{"type": "delete-ssh-keys", "disable": True}])
    assert iam.list_ssh_public_keys(UserName="carol")["SSHPublicKeys"][0]["Status"] == \
        "Inactive"
    run(ctx, [{"UserName": "carol"}], [{"type": "delete-ssh-keys"}], name="p1")
    assert iam.list_ssh_public_keys(UserName="carol")["SSHPublicKeys"] == []
    run(ctx, [{"UserName": "bob"}], [{"type": "set-groups", "state": "add", "group": "admins"},
                                     {"type": "set-policy", "state": "attached", "arn": "read"}],
        name="p2")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="bob")["Groups"]] == \
        ["admins"]
    assert [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="bob")[
        "AttachedPolicies"]] == [users["arn"]]
    run(ctx, [{"UserName": "bob"}], [{"type": "set-groups", "state": "remove", "group": "admins"},
                                     {"type": "set-policy", "state": "detached", "arn": "*"}],
        name="p3")
    assert iam.list_groups_for_user(UserName="bob")["Groups"] == []
    assert iam.list_attached_user_policies(UserName="bob")["AttachedPolicies"] == []


def test_one_failing_user_does_not_stop_the_others(ctx, iam, users):
    meta = run(ctx, [{"type": "value", "key": "UserName", "op": "in",
                      "value": ["alice", "bob"]}],
               [{"type": "set-policy", "state": "attached",
                 "arn": "arn:aws:iam::123456789012:policy/missing"},
                {"type": "set-groups", "state": "add", "group": "admins"}])
    assert meta["actions"][0]["succeeded"] == 0 and len(meta["actions"][0]["failed"]) == 2
    assert meta["actions"][1]["succeeded"] == 2
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="bob")["Groups"]] == \
        ["admins"]


def test_a_dry_run_reads_the_report_but_never_generates_one(ctx, iam, users):
    calls = []
    client = ctx.session_factory.client("iam")
    client.meta.events.register("before-call.iam.*",
                                lambda model, **kw: calls.append(model.name))
    use_client(ctx, client)
    ctx.dryrun = True
    policy = {"type": "credential", "key": "mfa_active", "value": True}
    with pytest.raises(ResourceFetchError, match="a dry run does not generate one"):
        run(ctx, [policy])
    iam.generate_credential_report()
    # moto dates every report 2015-02-02: old unless report_max_age allows it
    assert names(run(ctx, [dict(policy, report_max_age=10 ** 9)], name="p2")) == ["alice"]
    assert "GenerateCredentialReport" not in calls
