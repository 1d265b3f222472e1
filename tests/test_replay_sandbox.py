"""``maid replay`` against the sandbox's recorded history: a scripted session makes its calls to
the sandbox (which records each mutating call as CloudTrail would and serves them through
LookupEvents), then ``maid replay`` reads that history as it reads a real account's. The
sandbox records every write it is sent, so an unchanged history proves the replay wrote
nothing."""
import json
import pathlib

import pytest
from click.testing import CliRunner

from cloudmaid.cli import main
from cloudmaid.sandbox.server import Sandbox

POLICIES = str(pathlib.Path(__file__).parent / "fixtures" / "replay" / "policies.yml")


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(events=True) as sb:
        yield sb


def test_replay_of_the_sandbox_history_of_a_scripted_session(sandbox, monkeypatch, tmp_path):
    ec2, s3, iam = (sandbox.client(s) for s in ("ec2", "s3", "iam"))
    image = ec2.register_image(Name="base", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
        {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]

    def launch(**tags):
        spec = [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
        return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 **({"TagSpecifications": spec} if tags else {}))["Instances"][0]["InstanceId"]
    loose, owned = launch(), launch(Owner="me")
    s3.create_bucket(Bucket="session-open")
    s3.create_bucket(Bucket="session-gone")
    s3.delete_bucket(Bucket="session-gone")
    iam.create_user(UserName="session-user")
    recorded = sandbox.lab.history.records()
    assert [r["eventName"] for r in recorded] == [
        "RegisterImage", "RunInstances", "RunInstances", "CreateBucket", "CreateBucket",
        "DeleteBucket", "CreateUser"]

    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["replay", "-s", str(out), "--since", "1h", POLICIES],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "replay.json").read_text())
    got = sorted((r["event"], r["policy"], tuple(r["matched"]), r["gone"],
                  tuple(p["action"] for p in r["would"])) for r in doc["results"])
    assert got == sorted([
        ("RunInstances", "ec2-stop-untagged", (loose,), 0, ("stop",)),
        ("RunInstances", "ec2-stop-untagged", (), 0, ()),
        ("CreateBucket", "s3-owner-required", ("session-open",), 0, ("tag", "set-public-block")),
        ("CreateBucket", "s3-owner-required", (), 1, ()),
        ("CreateUser", "iam-user-review", ("session-user",), 0, ("tag",))])
    assert doc["counts"]["delivered"] == 5
    assert doc["api_calls"]["cloudtrail.LookupEvents"] == 3   # one query per event name
    # a dry run: the history holds no call of the replay's, and the instance still runs
    assert sandbox.lab.history.records() == recorded
    state = ec2.describe_instances(InstanceIds=[loose])["Reservations"][0]["Instances"][0]["State"]
    assert state["Name"] == "running" and owned
