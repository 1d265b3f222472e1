"""`maid sandbox` as a local event-mode lab, used as a new user would from other shells:
`maid run` deploys the seed's policies, a plain boto3 client in another process launches an
untagged instance, the sandbox records the call as CloudTrail, delivers the event and the
function stops the instance; `maid logs` shows the invocation and LookupEvents the history."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import boto3
import pytest
from click.testing import CliRunner

from cloudmaid.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "examples", "seed.yml")
LAUNCH = textwrap.dedent("""
    import sys, boto3
    ec2 = boto3.client("ec2")   # AWS_ENDPOINT_URL and the keys come from the environment
    image = ec2.describe_images(Owners=["self"])["Images"][0]["ImageId"]
    # an encrypted root volume: only the seed's tag policy has something to say about it
    iid = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                            BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                                                  "Ebs": {"VolumeSize": 8, "Encrypted": True}}],
                            TagSpecifications=[{"ResourceType": "instance",
                                                "Tags": [{"Key": "Name", "Value": sys.argv[1]}]}],
                            )["Instances"][0]["InstanceId"]
    print(iid)
""")


def _until(check, timeout=90.0, what="condition"):
    """``check()``'s first truthy value, asked every 0.2 s for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def sandbox_shell():
    """`maid sandbox --fleet` in its own process; the environment it says to export."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = ROOT
    proc = subprocess.Popen([sys.executable, "-c", "from cloudmaid.cli import main; main()",
                             "sandbox", "--fleet"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (lines and lines[-1].startswith("Ctrl-C")):
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
        exports = dict(line.strip()[len("export "):].split("=", 1) for line in lines
                       if line.strip().startswith("export "))
        assert "AWS_ENDPOINT_URL" in exports, lines + [proc.stderr.read() if proc.poll() is not None else ""]
        yield {**env, **exports}, lines
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def deployed(sandbox_shell, tmp_path_factory):
    env, _ = sandbox_shell
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(main, ["run", "-s", str(out), SEED], env=env)
    assert result.exit_code == 0, result.output
    return env


def _client(env, service):
    return boto3.client(service, endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _state(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]


def test_an_untagged_instance_launched_from_another_process_is_stopped(deployed):
    env = deployed
    launch = subprocess.run([sys.executable, "-c", LAUNCH, "from-another-shell"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert launch.returncode == 0, launch.stderr
    iid = launch.stdout.strip()
    ec2 = _client(env, "ec2")
    assert _until(lambda: _state(ec2, iid) == "stopped", what=f"{iid} to stop")

    # maid logs shows the invocation the sandbox ran for the call
    def invocation():
        r = CliRunner().invoke(main, ["logs", "-p", "ec2-tag-compliance", SEED], env=env)
        return r.exit_code == 0 and iid in r.output and r.output
    logs = _until(invocation, what="the invocation's log lines")
    assert "START RequestId:" in logs and "REPORT RequestId:" in logs
    record = json.loads(next(line[line.index("{"):] for line in logs.splitlines()
                             if '"policy": "ec2-tag-compliance"' in line and iid in line))
    assert (record["status"], record["matched"]) == ("ok", [iid])
    assert record["actions"] == [{"action": "stop", "failed": 0, "succeeded": 1}]


def test_lookup_events_reads_the_calls_back_as_cloudtrail_history(deployed):
    env = deployed
    ec2, ct = _client(env, "ec2"), _client(env, "cloudtrail")
    image = ec2.describe_images(Owners=["self"])["Images"][0]["ImageId"]
    iid = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, BlockDeviceMappings=[
        {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}])["Instances"][0]["InstanceId"]
    assert _until(lambda: _state(ec2, iid) == "stopped", what=f"{iid} to stop")

    def stopped_by_function():
        events = ct.lookup_events(LookupAttributes=[
            {"AttributeKey": "ResourceName", "AttributeValue": iid}])["Events"]
        return [e for e in events if e["EventName"] == "StopInstances"] and events
    events = _until(stopped_by_function, what="the function's StopInstances in the history")
    by_name = {e["EventName"]: e for e in events}
    run, stop = by_name["RunInstances"], by_name["StopInstances"]
    assert (run["EventSource"], run["Username"]) == ("ec2.amazonaws.com", "sandbox")
    assert {"ResourceType": "AWS::EC2::Instance", "ResourceName": iid} in run["Resources"]
    detail = json.loads(run["CloudTrailEvent"])
    assert detail["eventID"] == run["EventId"] and detail["userIdentity"]["type"] == "IAMUser"
    assert detail["responseElements"]["instancesSet"]["items"][0]["instanceId"] == iid
    assert "Boto3" in detail["userAgent"] or "boto3" in detail["userAgent"]
    # the function's own call, under its role session, as CloudTrail names Lambda's calls
    assert stop["Username"] == "maid-ec2-tag-compliance"
    who = json.loads(stop["CloudTrailEvent"])["userIdentity"]
    assert who["type"] == "AssumedRole" and who["accessKeyId"].startswith("ASIA")
    assert who["arn"] == "arn:aws:sts::123456789012:assumed-role/maid-sandbox-lambda/maid-ec2-tag-compliance"
    assert json.loads(stop["CloudTrailEvent"])["requestParameters"] == {
        "instancesSet": {"items": [{"instanceId": iid}]}}


def test_maid_sandbox_fire_runs_a_schedule_now(deployed):
    env = deployed
    r = CliRunner().invoke(main, ["sandbox", "fire", "maid-s3-bucket-check"], env=env)
    assert r.exit_code == 0, r.output
    assert r.output.startswith("maid-s3-bucket-check: maid-s3-bucket-check ok: 3 matched (request ")
    r = CliRunner().invoke(main, ["sandbox", "fire", "maid-nope"], env=env)
    assert (r.exit_code, r.output) == (
        1, "no enabled scheduled rule, schedule or periodic Config rule named 'maid-nope'\n")
