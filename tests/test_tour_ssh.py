"""The README tour "SSH open to the world": examples/ssh-open.yml end to end against the
sandbox (moto's server on 127.0.0.1), through the ``maid`` CLI as a user runs it.

Poll mode: ``maid run`` revokes the world-open SSH rule of every group, keeps the other rules,
and sends the c7n-mailer message to the SQS queue. Event mode: ``maid run`` deploys the
function and its EventBridge rule; a real AuthorizeSecurityGroupIngress call makes the
CloudTrail event (synthesised from the call, as CloudTrail would write it), which the sandbox
delivers to the deployed zip, run as Lambda would; the rule it opened is gone again."""
import base64
import json
import pathlib
import zlib

import pytest
from click.testing import CliRunner

from cloudmaid.cli import main
from cloudmaid.sandbox import trail
from cloudmaid.sandbox.deliver import Delivery
from cloudmaid.sandbox.server import Sandbox

EXAMPLE = str(pathlib.Path(__file__).parent.parent / "examples" / "ssh-open.yml")


def tcp(port, cidr):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as sb:
        yield sb


@pytest.fixture(scope="module")
def queue(sandbox):
    return sandbox.client("sqs").create_queue(QueueName="maid-mailer")["QueueUrl"]


def maid(sandbox, *args):
    result = CliRunner().invoke(main, list(args), env=sandbox.env())
    assert result.exit_code == 0, result.output
    return result.output


def rules(ec2, gid):
    group = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
    return sorted((p["FromPort"], r["CidrIp"]) for p in group["IpPermissions"]
                  for r in p.get("IpRanges") or ())


def messages(sandbox, queue):
    sqs = sandbox.client("sqs")
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                              MessageAttributeNames=["All"]).get("Messages", [])
    for m in got:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    return [(m["MessageAttributes"]["mtype"]["StringValue"],
             json.loads(zlib.decompress(base64.b64decode(m["Body"])))) for m in got]


def group(ec2, name, *perms):
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    gid = ec2.create_security_group(GroupName=name, Description=name,
                                    VpcId=vpc["VpcId"])["GroupId"]
    if perms:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=list(perms))
    return gid


def test_poll_mode_revokes_the_rule_keeps_the_others_and_notifies(sandbox, queue, tmp_path):
    ec2 = sandbox.client("ec2")
    open_ssh = group(ec2, "tour-open-ssh", tcp(22, "0.0.0.0/0"), tcp(22, "10.0.0.0/8"),
                     tcp(443, "0.0.0.0/0"))
    office = group(ec2, "tour-office-ssh", tcp(22, "10.0.0.0/8"))
    out = maid(sandbox, "run", "-s", str(tmp_path / "out"), "-p", "ssh-open-to-world", EXAMPLE)
    assert "ssh-open-to-world: 1 security-group matched" in out, out
    assert rules(ec2, open_ssh) == [(22, "10.0.0.0/8"), (443, "0.0.0.0/0")]
    assert rules(ec2, office) == [(22, "10.0.0.0/8")]
    [(mtype, message)] = messages(sandbox, queue)
    assert mtype == "maidmsg/1.0"
    assert message["policy"]["name"] == "ssh-open-to-world"
    assert message["action"]["to"] == ["security@example.com"]
    assert message["action"]["subject"] == "SSH was open to the world: rule removed"
    assert message["account_id"] == sandbox.account_id
    [resource] = message["resources"]
    assert resource["GroupId"] == open_ssh
    # the message says which rule was open: the one revoked
    assert resource["MatchedIpPermissions"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]
    report = maid(sandbox, "report", "-s", str(tmp_path / "out"), "-p", "ssh-open-to-world",
                  "--format", "csv", EXAMPLE)
    assert open_ssh in report and office not in report


def test_event_mode_undoes_the_call_that_opened_ssh(sandbox, queue, tmp_path):
    out = maid(sandbox, "run", "-s", str(tmp_path / "out"), "-p", "ssh-open-to-world-on-change",
               EXAMPLE)
    assert "create_function" in out and "put_rule" in out, out
    t = trail.Trail(sandbox.account_id)
    ec2 = t.watch(sandbox.client("ec2"))

    def deliver():
        """The CloudTrail events of the calls made since the last delivery -> runs of the
        deployed function."""
        with Delivery(sandbox.session(), sandbox.region, sandbox.account_id, sandbox.env()) as d:
            return [(i.ok, i.result and i.result["matched"], i.error)
                    for i in d.deliver_all(t.take())
                    if i.function == "maid-ssh-open-to-world-on-change"]
    web = group(ec2, "tour-web", tcp(443, "0.0.0.0/0"))
    assert deliver() == [(True, [], None)]   # HTTPS from anywhere is not this rule's business
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[tcp(22, "0.0.0.0/0")])
    assert rules(ec2, web) == [(22, "0.0.0.0/0"), (443, "0.0.0.0/0")]
    assert deliver() == [(True, [web], None)]
    assert rules(ec2, web) == [(443, "0.0.0.0/0")]
    [(mtype, message)] = messages(sandbox, queue)
    assert message["policy"]["name"] == "ssh-open-to-world-on-change"
    assert [r["GroupId"] for r in message["resources"]] == [web]
    assert message["event"]["detail"]["eventName"] == "AuthorizeSecurityGroupIngress"
