"""sns: Custodian's topic shape, and its filters and actions against moto."""
import json

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

ACCOUNT = "123456789012"
OTHER = "210987654321"


def run(ctx, filters=(), actions=()):
    return Policy({"name": "pol", "resource": "sns", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


@pytest.fixture
def sns(aws):
    return boto3.client("sns", region_name="us-east-1")


def topic(sns, name, statements=None, **attributes):
    if statements is not None:
        attributes["Policy"] = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return sns.create_topic(Name=name, Attributes=attributes,
                            Tags=[{"Key": "Name", "Value": name}])["TopicArn"]


def publish(sid, principal, **condition):
    s = {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": principal},
         "Action": "sns:Subscribe", "Resource": "*"}
    if condition:
        s["Condition"] = condition
    return s


def names(meta):
    return sorted(r["TopicArn"].rsplit(":", 1)[1] for r in meta["matched"])


def policy_of(sns, arn):
    return json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])


def test_listing_has_custodians_shape(ctx, sns):
    arn = topic(sns, "alerts", DisplayName="Alerts")
    m = ResourceManager.for_type(ctx, "sns")
    [t] = m.resources()
    assert t["TopicArn"] == arn and t["DisplayName"] == "Alerts" and "Policy" in t
    m.ensure_details([t], {"Tags"})
    assert t["Tags"] == [{"Key": "Name", "Value": "alerts"}]
    assert [r["TopicArn"] for r in m.get_resources([arn, arn + "-gone"])] == [arn]


def test_cross_account_and_remove_statements(ctx, sns):
    arn = topic(sns, "shared", [publish("own", ACCOUNT), publish("other", OTHER)])
    topic(sns, "private", [publish("own", ACCOUNT)])
    meta = run(ctx, [{"type": "cross-account"}],
               [{"type": "remove-statements", "statement_ids": "matched"}])
    assert names(meta) == ["shared"]
    assert [s["Sid"] for s in policy_of(sns, arn)["Statement"]] == ["own"]


def test_cross_account_endpoint_and_protocol_allowlists(ctx, sns):
    topic(sns, "mail", [publish("s", "*", StringEquals={"sns:Protocol": "email"})])
    topic(sns, "hook", [publish("s", "*", StringLike={"sns:Endpoint": "https://ok.example/*"})])
    assert names(run(ctx, [{"type": "cross-account"}])) == ["hook", "mail"]
    assert names(run(ctx, [{"type": "cross-account",
                            "whitelist_protocols": ["email"]}])) == ["hook"]
    assert names(run(ctx, [{"type": "cross-account",
                            "whitelist_endpoints": ["ok.example"]}])) == ["mail"]


def test_endpoint_condition_with_source_owner_restricts(ctx, sns):
    topic(sns, "owned", [publish("s", "*", StringEquals={
        "sns:Endpoint": "https://x.example", "aws:SourceOwner": ACCOUNT})])
    assert names(run(ctx, [{"type": "cross-account"}])) == []


def test_has_statement_fills_topic_arn(ctx, sns):
    arn = topic(sns, "a", [dict(publish("s", "*"), Resource=f"arn:aws:sns:us-east-1:{ACCOUNT}:a")])
    topic(sns, "b", [publish("s", "*")])
    meta = run(ctx, [{"type": "has-statement", "statements": [
        {"Effect": "Allow", "Action": "sns:Subscribe", "Resource": "{topic_arn}"}]}])
    assert [r["TopicArn"] for r in meta["matched"]] == [arn]


def test_remove_every_statement_leaves_an_empty_policy(ctx, sns):
    arn = topic(sns, "shared", [publish("other", OTHER)])
    run(ctx, [], [{"type": "remove-statements", "statement_ids": "*"}])
    assert policy_of(sns, arn)["Statement"] == []


def test_modify_policy(ctx, sns):
    arn = topic(sns, "t", [publish("old", OTHER)])
    run(ctx, [], [{"type": "modify-policy", "remove-statements": "*", "add-statements": [
        {"Sid": "mine", "Effect": "Allow", "Principal": {"AWS": "{account_id}"},
         "Action": "sns:Publish", "Resource": "*"}]}])
    assert [s["Sid"] for s in policy_of(sns, arn)["Statement"]] == ["mine"]


def test_set_encryption_default_key_given_key_and_off(ctx, sns):
    a, b = topic(sns, "a"), topic(sns, "b")
    run(ctx, [{"TopicArn": a}], ["set-encryption"])
    run(ctx, [{"TopicArn": b}], [{"type": "set-encryption", "key": "alias/mine"}])
    attrs = lambda arn: sns.get_topic_attributes(TopicArn=arn)["Attributes"]   # noqa: E731
    assert attrs(a)["KmsMasterKeyId"] == "alias/aws/sns"
    assert attrs(b)["KmsMasterKeyId"] == "alias/mine"
    run(ctx, [{"TopicArn": a}], [{"type": "set-encryption", "enabled": False}])
    assert not attrs(a).get("KmsMasterKeyId")


def test_set_encryption_off_takes_no_key():
    found = PolicyChecker({"name": "p", "resource": "sns", "actions": [
        {"type": "set-encryption", "enabled": False, "key": "k"}]}).run()
    assert any("give no key" in m for _, m, _ in found)


def test_delete(ctx, sns):
    keep, gone = topic(sns, "keep"), topic(sns, "gone")
    run(ctx, [{"TopicArn": gone}], ["delete"])
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [keep]
