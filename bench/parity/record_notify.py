"""Record the messages Cloud Custodian's ``notify`` sends: tests/fixtures/notify/custodian.json.

Seeds a moto server with the instances, queue and topic of ``seed`` below, runs
bench/parity/notify_policies.yml with Cloud Custodian, reads what reached the queues and
decodes it (base64 of zlib of JSON). tests/test_notify.py compares cloudmaid's messages for the
same policies and resources field by field.

    .venv/bin/python bench/parity/record_notify.py [--custodian /tmp/c7n-venv/bin/custodian]
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import fleet  # noqa: E402

POLICIES = os.path.join(HERE, "notify_policies.yml")
OUT = os.path.join(ROOT, "tests", "fixtures", "notify", "custodian.json")


def seed(ec2, sqs, sns):
    """Two untagged-Team instances, one tagged; the mailer queue; a topic feeding a queue."""
    image = ec2.register_image(Name="base", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
        {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
    for name, team in (("web-1", None), ("web-2", None), ("db-1", "data")):
        tags = [{"Key": "Name", "Value": name}] + ([{"Key": "Team", "Value": team}] if team else [])
        ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])
    mailer = sqs.create_queue(QueueName="maid-mailer")["QueueUrl"]
    relay = sqs.create_queue(QueueName="maid-notify-relay")["QueueUrl"]
    topic = sns.create_topic(Name="maid-notify")["TopicArn"]
    relay_arn = sqs.get_queue_attributes(QueueUrl=relay, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=relay_arn)
    return mailer, relay


def decode(body):
    return json.loads(zlib.decompress(base64.b64decode(body)))


def received(sqs, mailer, relay):
    """{"sqs": [(attributes, message)], "sns": [(attributes, message)]} as delivered."""
    out = {"sqs": [], "sns": []}
    for m in sqs.receive_message(QueueUrl=mailer, MaxNumberOfMessages=10,
                                 MessageAttributeNames=["All"]).get("Messages", []):
        attrs = {k: v["StringValue"] for k, v in (m.get("MessageAttributes") or {}).items()}
        out["sqs"].append({"attributes": attrs, "message": decode(m["Body"])})
    for m in sqs.receive_message(QueueUrl=relay, MaxNumberOfMessages=10).get("Messages", []):
        note = json.loads(m["Body"])   # the SNS notification wrapping the message
        attrs = {k: v["Value"] for k, v in (note.get("MessageAttributes") or {}).items()}
        out["sns"].append({"attributes": attrs, "message": decode(note["Message"])})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--custodian", default="/tmp/c7n-venv/bin/custodian")
    args = ap.parse_args()
    version = subprocess.run([args.custodian, "version"], capture_output=True, text=True).stdout.strip()
    with fleet.MotoServer() as srv, tempfile.TemporaryDirectory() as out:
        mailer, relay = seed(srv.client("ec2"), srv.client("sqs"), srv.client("sns"))
        env = dict(os.environ, **srv.env())
        proc = subprocess.run([args.custodian, "run", "--cache-period", "0", "--region",
                               fleet.REGION, "-s", out, POLICIES], env=env, capture_output=True,
                              text=True)
        if proc.returncode:
            sys.stderr.write(proc.stderr[-4000:])
            raise SystemExit(f"custodian exited {proc.returncode}")
        got = received(srv.client("sqs"), mailer, relay)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"recorded_with": f"c7n {version}", **got}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"sqs {len(got['sqs'])} sns {len(got['sns'])} -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
