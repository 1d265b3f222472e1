"""notify sends what c7n-mailer reads, as Cloud Custodian does: the same policies on the same
resources (bench/parity/record_notify.py recorded Custodian's messages into
tests/fixtures/notify/custodian.json) deliver, through SQS and through SNS, messages equal to
Custodian's field by field; large result sets split under the 256 KiB limit; bad transports
are refused at validation."""
import base64
import json
import os
import pathlib
import sys
import uuid
import zlib

import boto3
import pytest
import yaml

from cloudmaid.actions import notify
from cloudmaid.context import Context
from cloudmaid.policy import Policy
from cloudmaid.session import SessionFactory
from cloudmaid.validate import PolicyChecker

ROOT = pathlib.Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "bench" / "parity"))
sys.path.insert(0, str(ROOT / "bench"))

import record_notify  # noqa: E402

RECORDED = json.loads((ROOT / "tests" / "fixtures" / "notify" / "custodian.json").read_text())
POLICIES = yaml.safe_load((ROOT / "bench" / "parity" / "notify_policies.yml").read_text())["policies"]


def name_of(resource):
    return next(t["Value"] for t in resource["Tags"] if t["Key"] == "Name")


@pytest.fixture
def delivered(aws, tmp_path):
    clients = {s: boto3.client(s, region_name="us-east-1") for s in ("ec2", "sqs", "sns")}
    mailer, relay = record_notify.seed(clients["ec2"], clients["sqs"], clients["sns"])
    ctx = Context(SessionFactory(region="us-east-1"), output_dir=str(tmp_path / "out"))
    metas = [Policy(p, ctx).run() for p in POLICIES]
    return metas, record_notify.received(clients["sqs"], mailer, relay)


@pytest.mark.parametrize("transport", ["sqs", "sns"])
def test_messages_equal_custodians(delivered, transport):
    metas, got = delivered
    assert all(not m["errors"] for m in metas), [m["errors"] for m in metas]
    (mine,), (theirs,) = got[transport], RECORDED[transport]
    assert mine["attributes"] == theirs["attributes"]
    m, c = mine["message"], theirs["message"]
    assert sorted(m) == sorted(c)
    for key in ("account_id", "partition", "account", "region", "event", "policy", "action"):
        assert m[key] == c[key], key
    uuid.UUID(m["execution_id"])
    assert isinstance(m["execution_start"], float)
    assert m["version"]   # the sender's version: ours
    assert sorted(map(name_of, m["resources"])) == sorted(map(name_of, c["resources"]))
    for r in m["resources"]:
        theirs_r = next(x for x in c["resources"] if name_of(x) == name_of(r))
        assert set(theirs_r) <= set(r), set(theirs_r) - set(r)


def policy(transport, **extra):
    return {"name": "n", "resource": "ec2",
            "actions": [{"type": "notify", "to": ["a@example.com"], "transport": transport, **extra}]}


def problems(data):
    return [m for _, m, _ in PolicyChecker(data).run()]


def test_validation():
    assert problems(policy({"type": "sqs", "queue": "q"})) == []
    assert problems(policy({"type": "sns", "topic": "t", "attributes": {"a": "b"}})) == []
    assert any("reserved" in m for m in problems(policy({"type": "sns", "topic": "t",
                                                         "attributes": {"mtype": "x"}})))
    no_to = {"name": "n", "resource": "ec2", "actions": [
        {"type": "notify", "transport": {"type": "sqs", "queue": "q"}}]}
    assert any("needs 'to'" in m for m in problems(no_to))
    assert problems(policy({"type": "sqs"}))                      # no queue
    assert problems(policy({"type": "sqs", "queue": "q"}, colour="red"))   # unknown key


def test_queue_and_topic_forms():
    assert notify.queue_url("q", "eu-west-1", "1") == ("https://sqs.eu-west-1.amazonaws.com/1/q",
                                                        "eu-west-1")
    assert notify.queue_url("arn:aws:sqs:us-west-2:2:q", "eu-west-1", "1") == (
        "https://sqs.us-west-2.amazonaws.com/2/q", "us-west-2")
    assert notify.queue_url("https://sqs.ap-south-1.amazonaws.com/3/q", "x", "1")[1] == "ap-south-1"
    assert notify.queue_url("https://queue.amazonaws.com/3/q", "x", "1")[1] == "us-east-1"
    assert notify.topic_arn("t", "eu-west-1", "1") == ("arn:aws:sns:eu-west-1:1:t", "eu-west-1")


def test_large_results_split_under_the_limit(aws, tmp_path, monkeypatch):
    monkeypatch.setattr(notify, "MAX_MESSAGE", 2000)
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="big")["QueueUrl"]
    ctx = Context(SessionFactory(region="us-east-1"), output_dir=str(tmp_path / "out"))
    a = notify.Notify({"type": "notify", "to": ["a@example.com"],
                       "transport": {"type": "sqs", "queue": "big"}},
                      Policy({"name": "n", "resource": "ec2"}, ctx).manager)
    resources = [{"InstanceId": f"i-{n:04d}", "Blob": os.urandom(200).hex()} for n in range(20)]
    result = a.run(resources)
    assert result["succeeded"] == 20 and not result["failed"]
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        for m in got:
            assert len(m["Body"]) <= 2000
            bodies.append(json.loads(zlib.decompress(base64.b64decode(m["Body"]))))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert len(bodies) > 1
    assert sorted(r["InstanceId"] for b in bodies for r in b["resources"]) == \
        [r["InstanceId"] for r in resources]


def test_a_missing_queue_fails_the_action_not_the_run(aws, tmp_path):
    ctx = Context(SessionFactory(region="us-east-1"), output_dir=str(tmp_path / "out"))
    a = notify.Notify({"type": "notify", "to": ["a@example.com"],
                       "transport": {"type": "sqs", "queue": "absent"}},
                      Policy({"name": "n", "resource": "ec2"}, ctx).manager)
    result = a.run([{"InstanceId": "i-1"}])
    assert result["succeeded"] == 0 and result["failed"][0]["id"] == "i-1"
