"""The account resource type against moto: its shape, get-by-ids, and the IAM, EBS and S3
account settings (filters and actions) with Custodian's semantics."""
import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

ACCOUNT = "123456789012"


def run(ctx, filters=(), actions=(), name="p", fresh=True):
    """One policy run; ``fresh``: a new run (the tests change AWS between runs)."""
    if fresh:
        ctx.cache.clear()
    meta = Policy({"name": name, "resource": "account", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta


def matched(ctx, *filters, fresh=True):
    return run(ctx, filters, fresh=fresh)["matched"]


def problems(*filters, actions=()):
    found = PolicyChecker({"name": "p", "resource": "account", "filters": list(filters),
                           "actions": list(actions)}).run()
    return [m for _, m, _ in found]


# -- the resource ------------------------------------------------------------------------------
def test_one_account_with_its_alias_as_name(ctx):
    m = ResourceManager.for_type(ctx, "account")
    assert m.resources() == [{"account_id": ACCOUNT, "account_name": ""}]
    boto3.client("iam").create_account_alias(AccountAlias="acme-prod")
    m.invalidate()
    assert m.resources() == [{"account_id": ACCOUNT, "account_name": "acme-prod"}]
    # event modes: the account whatever the event names (Custodian ignores the ids)
    assert m.get_resources(["arn:aws:cloudtrail:us-east-1:1:trail/t"])[0]["account_id"] == ACCOUNT
    assert m.get_resources([]) == []


def test_runs_in_every_region_of_a_run():
    from cloudmaid.runner import is_global
    from cloudmaid.validate import PolicySpec
    assert not is_global(PolicySpec({"resource": "account"}, None, 0))


def test_tag_actions_are_refused():
    assert any("not supported" in m for m in problems(actions=[{"type": "tag", "key": "k",
                                                                "value": "v"}]))


# -- password-policy / set-password-policy ------------------------------------------------------
def test_password_policy_without_a_policy(ctx):
    assert matched(ctx, {"type": "password-policy", "key": "PasswordPolicyConfigured",
                         "value": False})
    found = matched(ctx, {"type": "password-policy", "key": "MinimumPasswordLength",
                          "value": "absent"})
    assert found[0]["c7n:password_policy"] == {"PasswordPolicyConfigured": False}


def test_password_policy_value_forms(ctx):
    boto3.client("iam").update_account_password_policy(MinimumPasswordLength=12,
                                                       RequireSymbols=True)
    assert matched(ctx, {"type": "password-policy", "key": "MinimumPasswordLength",
                         "value": 10, "op": "ge"},
                   {"type": "password-policy", "key": "RequireSymbols", "value": True})
    assert not matched(ctx, {"type": "password-policy", "key": "MinimumPasswordLength",
                             "value": 14, "op": "ge"})
    assert matched(ctx, {"type": "password-policy", "key": "PasswordPolicyConfigured",
                         "value": True})


def test_set_password_policy_changes_only_the_keys_given(ctx):
    iam = boto3.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True,
                                       MaxPasswordAge=90)
    meta = run(ctx, [{"not": [{"type": "password-policy", "key": "MinimumPasswordLength",
                               "value": 14, "op": "ge"}]}],
               [{"type": "set-password-policy", "policy": {"MinimumPasswordLength": 14}}])
    assert meta["actions"][0]["succeeded"] == 1
    got = iam.get_account_password_policy()["PasswordPolicy"]
    assert got["MinimumPasswordLength"] == 14
    assert got["RequireNumbers"] is True and got["MaxPasswordAge"] == 90
    # a later policy of the same run reads the new policy: nothing left to fix
    assert not matched(ctx, {"not": [{"type": "password-policy", "key": "MinimumPasswordLength",
                                      "value": 14, "op": "ge"}]}, fresh=False)


def test_set_password_policy_on_an_account_without_one(ctx):
    run(ctx, actions=[{"type": "set-password-policy", "policy": {"RequireSymbols": True}}])
    got = boto3.client("iam").get_account_password_policy()["PasswordPolicy"]
    assert got["RequireSymbols"] is True


def test_set_password_policy_validates_the_policy_against_the_api():
    found = problems(actions=[{"type": "set-password-policy",
                               "policy": {"MinimumPasswordLenght": 14}}])
    assert any("MinimumPasswordLenght" in m for m in found), found
    found = problems(actions=[{"type": "set-password-policy",
                               "policy": {"MinimumPasswordLength": "long"}}])
    assert any("MinimumPasswordLength" in m for m in found), found
    assert any("policy" in m for m in problems(actions=["set-password-policy"]))
    assert problems(actions=[{"type": "set-password-policy",
                              "policy": {"MinimumPasswordLength": 14}}]) == []


# -- iam-summary --------------------------------------------------------------------------------
def test_iam_summary(ctx):
    iam = boto3.client("iam")
    iam.create_user(UserName="alice")
    found = matched(ctx, {"type": "iam-summary", "key": "Users", "value": 1})
    assert found and found[0]["c7n:iam_summary"]["Users"] == 1
    assert not matched(ctx, {"type": "iam-summary", "key": "Users", "value": 1, "op": "gt"})
    # Custodian's example: root without MFA (moto reports AccountMFAEnabled 0)
    assert matched(ctx, {"type": "iam-summary", "key": "AccountMFAEnabled", "value": True,
                         "op": "eq", "value_type": "swap"}) == []
    assert matched(ctx, {"type": "iam-summary", "key": "AccountMFAEnabled", "value": 0})


def test_value_forms_refuse_resource_count():
    found = problems({"type": "iam-summary", "key": "Users", "value": 1,
                      "value_type": "resource_count"})
    assert any("resource_count" in m for m in found), found


# -- default-ebs-encryption / set-ebs-encryption ---------------------------------------------------
def test_default_ebs_encryption_state(ctx):
    # state defaults to false: matches an account without default encryption
    assert matched(ctx, {"type": "default-ebs-encryption"})
    assert not matched(ctx, {"type": "default-ebs-encryption", "state": True})
    run(ctx, [{"type": "default-ebs-encryption", "state": False}],
        [{"type": "set-ebs-encryption", "state": True}])
    assert boto3.client("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
    assert matched(ctx, {"type": "default-ebs-encryption", "state": True})
    run(ctx, actions=[{"type": "set-ebs-encryption", "state": False}])
    assert not boto3.client("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]


def test_set_ebs_encryption_without_state_turns_it_on(ctx):
    run(ctx, actions=["set-ebs-encryption"])
    assert boto3.client("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]


def test_set_ebs_encryption_sets_the_key(ctx):
    kms = boto3.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/ebs-default", TargetKeyId=key)
    meta = run(ctx, actions=[{"type": "set-ebs-encryption", "state": True,
                              "key": "alias/ebs-default"}])
    assert meta["actions"][0]["succeeded"] == 1
    assert problems(actions=[{"type": "set-ebs-encryption", "state": False, "key": "k"}])


def stub_default_key(ctx, key_id):
    """moto has no GetEbsDefaultKmsKeyId: answer it with botocore's Stubber, real shape."""
    client = ctx.session_factory.client("ec2")
    real = client.get_ebs_encryption_by_default
    stub = Stubber(client)
    stub.add_response("get_ebs_default_kms_key_id", {"KmsKeyId": key_id})
    stub.activate()
    return stub, real


def test_default_ebs_encryption_key_by_alias_or_value_filter(ctx):
    kms = boto3.client("kms")
    meta = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "storage"}])["KeyMetadata"]
    kms.create_alias(AliasName="alias/ebs-default", TargetKeyId=meta["KeyId"])
    boto3.client("ec2").enable_ebs_encryption_by_default()
    ctx.cache[("account", "us-east-1", "fact", "default-ebs-encryption")] = True
    cases = [("alias/ebs-default", True), ("alias/aws/ebs", False),
             ({"type": "value", "key": "KeyManager", "value": "CUSTOMER"}, True),
             ({"type": "value", "key": "tag:team", "value": "storage"}, True),
             ({"type": "value", "key": "KeyManager", "value": "AWS"}, False)]
    for key, expected in cases:
        ctx.cache.pop(("account", "us-east-1", "fact", "default-ebs-key"), None)
        stub, _ = stub_default_key(ctx, meta["Arn"])
        with stub:
            found = matched(ctx, {"type": "default-ebs-encryption", "state": True, "key": key},
                            fresh=False)
        assert bool(found) is expected, key


def test_default_ebs_encryption_key_that_does_not_exist(ctx):
    gone = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/00000000-0000-4000-8000-000000000000"
    ctx.cache[("account", "us-east-1", "fact", "default-ebs-encryption")] = True
    for key, expected in (("alias/aws/ebs", False),
                          ({"type": "value", "key": "KeyId", "value": "absent"}, True)):
        ctx.cache.pop(("account", "us-east-1", "fact", "default-ebs-key"), None)
        stub, _ = stub_default_key(ctx, gone)
        with stub:
            found = matched(ctx, {"type": "default-ebs-encryption", "state": True, "key": key},
                            fresh=False)
        assert bool(found) is expected, key


def test_default_ebs_encryption_key_validation():
    assert problems({"type": "default-ebs-encryption", "state": True,
                     "key": {"type": "value", "key": "Origin", "value": "x", "op": "regex",
                             "value_regex": "("}})
    assert problems({"type": "default-ebs-encryption", "state": True,
                     "key": {"type": "value", "key": "Origin", "value": "AWS_KMS"}}) == []


# -- s3-public-block / set-s3-public-block ----------------------------------------------------------
def test_s3_public_block_filter(ctx):
    found = matched(ctx, {"type": "s3-public-block", "key": "BlockPublicAcls", "value": "absent"})
    assert found and found[0]["c7n:s3-public-block"] == {}
    boto3.client("s3control").put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicAcls": True,
                                                           "IgnorePublicAcls": False})
    assert matched(ctx, {"type": "s3-public-block", "key": "BlockPublicAcls", "value": True})
    assert not matched(ctx, {"type": "s3-public-block", "key": "IgnorePublicAcls",
                             "value": True})


def test_set_s3_public_block_merges_with_the_current_block(ctx):
    s3control = boto3.client("s3control")
    s3control.put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicAcls": True,
                                                           "BlockPublicPolicy": True})
    run(ctx, [{"not": [{"type": "s3-public-block", "key": "RestrictPublicBuckets",
                        "value": True}]}],
        [{"type": "set-s3-public-block", "RestrictPublicBuckets": True,
          "BlockPublicPolicy": False}])
    got = s3control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
    assert got["BlockPublicAcls"] is True and got["RestrictPublicBuckets"] is True
    assert got["BlockPublicPolicy"] is False


def test_set_s3_public_block_state_false_removes_it(ctx):
    s3control = boto3.client("s3control")
    s3control.put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicAcls": True})
    run(ctx, actions=[{"type": "set-s3-public-block", "state": False}])
    with pytest.raises(s3control.exceptions.NoSuchPublicAccessBlockConfiguration):
        s3control.get_public_access_block(AccountId=ACCOUNT)
    assert problems(actions=[{"type": "set-s3-public-block", "state": False,
                              "BlockPublicAcls": True}])


def test_dry_run_changes_nothing(ctx):
    ctx.dryrun = True
    meta = Policy({"name": "p", "resource": "account", "actions": [
        {"type": "set-ebs-encryption", "state": True},
        {"type": "set-s3-public-block", "BlockPublicAcls": True},
        {"type": "set-password-policy", "policy": {"MinimumPasswordLength": 20}}]}, ctx).run()
    assert meta["planned"] and not meta["actions"]
    assert not boto3.client("ec2").get_ebs_encryption_by_default()["EbsEncryptionByDefault"]


def test_cloudtrail_mode_delivers_the_account_whatever_the_ids(ctx):
    """Custodian's account policies name the trail (requestParameters.name): the account."""
    import json
    import pathlib
    event = json.loads((pathlib.Path(__file__).parent / "fixtures" / "events" /
                        "cloudtrail-stop-logging.json").read_text())
    for ids in ("requestParameters.name", "recipientAccountId"):
        meta = Policy({"name": "trail-stopped", "resource": "account", "mode": {
            "type": "cloudtrail", "role": f"arn:aws:iam::{ACCOUNT}:role/maid",
            "events": [{"source": "cloudtrail.amazonaws.com", "event": "StopLogging",
                        "ids": ids}]},
            "filters": [{"type": "check-cloudtrail"}]}, ctx).run(event)
        assert [r["account_id"] for r in meta["matched"]] == [ACCOUNT], ids
