"""log-group: Custodian's shape, and its filters and actions against moto."""
import datetime

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

ACCOUNT = "123456789012"
OTHER = "210987654321"


def run(ctx, filters=(), actions=()):
    return Policy({"name": "pol", "resource": "log-group", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def problems(actions):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "log-group",
                                            "actions": actions}).run()]


@pytest.fixture
def logs(aws):
    return boto3.client("logs", region_name="us-east-1")


def group(logs, name, **kw):
    logs.create_log_group(logGroupName=name, tags={"Name": name}, **kw)
    return name


def names(meta):
    return sorted(r["logGroupName"] for r in meta["matched"])


def test_shape_tags_and_arn(ctx, logs):
    group(logs, "/app/web")
    m = ResourceManager.for_type(ctx, "log-group")
    [g] = m.resources()
    m.ensure_details([g], {"Tags"})
    assert g["Tags"] == [{"Key": "Name", "Value": "/app/web"}]
    assert m.arn(g) == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/web"
    assert [x["logGroupName"] for x in m.get_resources(["/app/web", "/gone"])] == ["/app/web"]


def test_tag_actions_write_through_the_arn(ctx, logs):
    group(logs, "/app/web")
    run(ctx, [], [{"type": "tag", "key": "owner", "value": "me"},
                  {"type": "remove-tag", "tags": ["Name"]}])
    assert logs.list_tags_log_group(logGroupName="/app/web")["tags"] == {"owner": "me"}


def test_last_write(ctx, logs):
    group(logs, "/fresh")
    group(logs, "/quiet")
    logs.create_log_stream(logGroupName="/fresh", logStreamName="s")
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)
    logs.put_log_events(logGroupName="/fresh", logStreamName="s",
                        logEvents=[{"timestamp": now, "message": "hi"}])
    ctx.now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=10)
    meta = run(ctx, [{"type": "last-write", "days": 5}])
    assert names(meta) == ["/fresh", "/quiet"]
    assert all(isinstance(r["lastWrite"], datetime.datetime) for r in meta["matched"])
    ctx.now = None
    assert names(run(ctx, [{"type": "last-write", "days": 5}])) == []


def destination(account):
    """A log group of ``account`` to deliver to (moto checks that it exists)."""
    from moto.logs import logs_backends
    backend = logs_backends[account]["us-east-1"]
    if "/sink" not in backend.groups:
        backend.create_log_group("/sink", {})
    return f"arn:aws:logs:us-east-1:{account}:log-group:/sink:*"


def subscribe(logs, name, account):
    logs.put_subscription_filter(logGroupName=name, filterName="f", filterPattern="",
                                 destinationArn=destination(account))


def test_cross_account_subscriptions(ctx, logs):
    subscribe(logs, group(logs, "/out"), OTHER)
    subscribe(logs, group(logs, "/in"), ACCOUNT)
    group(logs, "/none")
    meta = run(ctx, [{"type": "cross-account"}])
    assert names(meta) == ["/out"]
    assert meta["matched"][0]["c7n:CrossAccountViolations"] == [OTHER]
    assert names(run(ctx, [{"type": "cross-account", "whitelist": [OTHER]}])) == []


def test_subscription_filter(ctx, logs):
    subscribe(logs, group(logs, "/out"), OTHER)
    group(logs, "/none")
    assert names(run(ctx, [{"type": "subscription-filter"}])) == ["/out"]
    assert names(run(ctx, [{"type": "subscription-filter", "key": "destinationArn",
                            "value": destination(OTHER)}])) == \
        ["/out"]
    assert names(run(ctx, [{"type": "subscription-filter", "key": "filterName",
                            "value": "other"}])) == []


def test_retention_and_validation(ctx, logs):
    group(logs, "/a")
    run(ctx, [], [{"type": "retention", "days": 30}])
    assert logs.describe_log_groups()["logGroups"][0]["retentionInDays"] == 30
    assert any("days is one of" in m for m in problems([{"type": "retention", "days": 200}]))
    assert problems(["retention"])


def test_set_encryption_resolves_alias_and_removes(ctx, logs):
    # moto has no AssociateKmsKey/DisassociateKmsKey: botocore's Stubber for the logs calls
    from botocore.stub import Stubber
    from cloudmaid.aws.logs.actions import SetEncryption
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/logs", TargetKeyId=key["KeyId"])
    stubbed = boto3.client("logs", region_name="us-east-1")
    manager = ResourceManager.for_type(ctx, "log-group")
    manager.client = lambda service=None, region=None: \
        stubbed if service in (None, "logs") else kms
    groups = [{"logGroupName": "/a"}, {"logGroupName": "/b"}]
    with Stubber(stubbed) as stub:
        for g in groups:
            stub.add_response("associate_kms_key", {}, {"logGroupName": g["logGroupName"],
                                                        "kmsKeyId": key["Arn"]})
        stub.add_client_error("disassociate_kms_key", "ResourceNotFoundException",
                              expected_params={"logGroupName": "/a"})
        stub.add_response("disassociate_kms_key", {}, {"logGroupName": "/b"})
        on = SetEncryption({"type": "set-encryption", "kms-key": "alias/logs"}, manager)
        assert on.run(groups)["succeeded"] == 2
        off = SetEncryption({"type": "set-encryption", "state": False}, manager)
        assert off.run(groups)["succeeded"] == 2   # a group gone counts as done
        stub.assert_no_pending_responses()


def test_set_encryption_validation():
    assert problems([{"type": "set-encryption"}])
    assert problems([{"type": "set-encryption", "kms-key": "mykey"}])
    assert problems([{"type": "set-encryption", "state": False, "kms-key": "alias/x"}])
    assert not problems([{"type": "set-encryption", "kms-key": "alias/x"}])


def test_delete(ctx, logs):
    group(logs, "/keep")
    group(logs, "/gone")
    run(ctx, [{"logGroupName": "/gone"}], ["delete"])
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["/keep"]


def test_put_subscription_filter_fills_the_account(ctx, logs):
    group(logs, "/a")
    sink = destination(ACCOUNT)
    run(ctx, [{"logGroupName": "/a"}], [{
        "type": "put-subscription-filter", "filter_name": "all",
        "destination_arn": sink.replace(ACCOUNT, "{account_id}")}])
    [f] = logs.describe_subscription_filters(logGroupName="/a")["subscriptionFilters"]
    assert (f["filterName"], f["destinationArn"], f["filterPattern"]) == ("all", sink, "")
    assert f.get("distribution", "ByLogStream") == "ByLogStream"
    assert problems([{"type": "put-subscription-filter", "filter_name": "x"}])
