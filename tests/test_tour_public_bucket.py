"""The README tour "a public bucket gets a public access block, and the security team hears
of it" (examples/public-bucket.yml), end to end on the sandbox: poll mode with `maid run`,
and event mode deployed with `maid run`, a real bucket policy / ACL change recorded as its
CloudTrail event, delivered to the deployed function, which sets the block and sends the
c7n-mailer message to the queue."""
import base64
import json
import os
import zlib

import pytest
from click.testing import CliRunner

from cloudmaid.cli import main
from cloudmaid.sandbox import trail
from cloudmaid.sandbox.deliver import Delivery
from cloudmaid.sandbox.server import Sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "public-bucket.yml")
SETTINGS = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as sb:
        sb.client("sqs").create_queue(QueueName="maid-mailer")
        yield sb


def block(s3, name):
    try:
        return s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except s3.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"
        return None


def mailer_messages(sandbox):
    """The c7n-mailer messages on the queue (taken off it), decoded as the mailer does."""
    sqs = sandbox.client("sqs")
    url = sqs.get_queue_url(QueueName="maid-mailer")["QueueUrl"]
    out = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                  MessageAttributeNames=["All"]).get("Messages") or []
        if not got:
            return out
        for m in got:
            assert m["MessageAttributes"]["mtype"]["StringValue"] == "maidmsg/1.0"
            out.append(json.loads(zlib.decompress(base64.b64decode(m["Body"]))))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def maid(sandbox, *args):
    result = CliRunner().invoke(main, list(args), env=sandbox.env())
    assert result.exit_code == 0, result.output
    return result.output


def test_poll_mode_blocks_the_open_bucket_and_tells_the_mailer(sandbox, tmp_path):
    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket="tour-open")
    s3.create_bucket(Bucket="tour-closed")
    s3.put_public_access_block(Bucket="tour-closed", PublicAccessBlockConfiguration={
        k: True for k in SETTINGS})
    out = maid(sandbox, "run", "-s", str(tmp_path), "-p", "s3-public-bucket", EXAMPLE)
    assert "s3-public-bucket: 1 s3 matched" in out
    assert block(s3, "tour-open") == {k: True for k in SETTINGS}
    (message,) = mailer_messages(sandbox)
    assert message["policy"]["name"] == "s3-public-bucket"
    assert [r["Name"] for r in message["resources"]] == ["tour-open"]
    assert message["action"]["to"] == ["security-team@example.com"]
    assert message["action"]["subject"] == "[{{ account }}] S3 public access block set on {{ region }}"
    # a second run finds nothing left to do and sends nothing
    out = maid(sandbox, "run", "-s", str(tmp_path), "-p", "s3-public-bucket", EXAMPLE)
    assert "s3-public-bucket: 0 s3 matched" in out
    assert mailer_messages(sandbox) == []


def test_event_mode_blocks_the_bucket_a_call_opened(sandbox, tmp_path):
    out = maid(sandbox, "run", "-s", str(tmp_path), "-p", "s3-public-bucket-on-change", EXAMPLE)
    assert "create_function" in out
    t = trail.Trail(sandbox.account_id)
    s3 = t.watch(sandbox.client("s3"))
    s3.create_bucket(Bucket="tour-policy")
    s3.put_bucket_policy(Bucket="tour-policy", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::tour-policy/*"}]}))
    s3.create_bucket(Bucket="tour-acl")
    s3.put_bucket_acl(Bucket="tour-acl", ACL="public-read")
    events = t.take()
    names = [e["detail"]["eventName"] for e in events]
    assert names == ["CreateBucket", "PutBucketPolicy", "CreateBucket", "PutBucketAcl"]
    assert events[1]["detail"]["requestParameters"]["bucketName"] == "tour-policy"
    with Delivery(sandbox.session(), sandbox.region, sandbox.account_id, sandbox.env()) as d:
        runs = [i for i in d.deliver_all(events) if i.function == "maid-s3-public-bucket-on-change"]
    # the function runs on the two calls it listens to, each on the bucket its event names
    assert sorted((i.ok, tuple(i.result["matched"])) for i in runs) == [
        (True, ("tour-acl",)), (True, ("tour-policy",))], [i.error for i in runs]
    for name in ("tour-policy", "tour-acl"):
        assert block(s3, name) == {k: True for k in SETTINGS}
    messages = mailer_messages(sandbox)
    assert sorted(r["Name"] for m in messages for r in m["resources"]) == ["tour-acl", "tour-policy"]
    assert {m["policy"]["name"] for m in messages} == {"s3-public-bucket-on-change"}
    assert all(m["event"]["detail"]["eventName"] in ("PutBucketPolicy", "PutBucketAcl")
               for m in messages)
    # the same call again: the bucket now has its block, so nothing is matched or sent
    s3.put_bucket_acl(Bucket="tour-acl", ACL="private")
    with Delivery(sandbox.session(), sandbox.region, sandbox.account_id, sandbox.env()) as d:
        (again,) = [i for i in d.deliver_all(t.take())
                    if i.function == "maid-s3-public-bucket-on-change"]
    assert again.ok and again.result["matched"] == []
    assert mailer_messages(sandbox) == []
