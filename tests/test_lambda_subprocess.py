"""The built zip runs on its own: unpacked into an empty folder, its handler runs in a
subprocess whose only import path is that folder plus boto3 and its dependencies (no PyYAML,
jsonschema, click, moto, nor our source tree), against moto's server on 127.0.0.1."""
import importlib
import io
import json
import os
import subprocess
import sys
import urllib.request
import zipfile

import boto3
import pytest

from cloudmaid.mu import package

HERE = os.path.dirname(os.path.abspath(__file__))
POLICY = {
    "name": "ec2-require-owner", "resource": "ec2",
    "mode": {"type": "cloudtrail", "role": "maid-lambda", "events": ["RunInstances"]},
    "filters": [{"tag:Owner": "absent"}], "actions": ["stop"],
}
#: what the Lambda Python runtime provides besides the standard library
RUNTIME_LIBS = ("boto3", "botocore", "jmespath", "dateutil", "s3transfer", "urllib3", "six")
FORBIDDEN = ("yaml", "jsonschema", "click", "moto", "cloudmaid.cli", "cloudmaid.loader",
             "cloudmaid.mu.deploy")

SCRIPT = r"""
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import maid_handler

class Context:
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:maid-ec2-require-owner"
    aws_request_id = "req-1"
    function_name = "maid-ec2-require-owner"

event = json.loads(sys.stdin.read())
record = maid_handler.handler(event, Context())
forbidden = json.loads(sys.argv[3])
importable = []
for name in ("yaml", "jsonschema", "click", "moto"):
    try:
        __import__(name)
        importable.append(name)
    except ImportError:
        pass
print(json.dumps({"record": record, "importable": importable,
                  "loaded": sorted(m for m in sys.modules if m in forbidden),
                  "from": sorted({getattr(m, "__file__", None) or "" for n, m in list(sys.modules.items())
                                  if n.startswith("cloudmaid")})}, default=str))
"""


@pytest.fixture
def server(moto_server):
    """The worker's moto server (tests/conftest.py), emptied."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))
    return moto_server


def runtime_dir(tmp_path):
    """A folder holding only boto3 and its dependencies (symlinks), like the Lambda runtime."""
    libs = tmp_path / "runtime"
    libs.mkdir()
    for name in RUNTIME_LIBS:
        mod = importlib.import_module(name)
        path = os.path.dirname(mod.__file__) if mod.__file__.endswith("__init__.py") else mod.__file__
        os.symlink(path, libs / os.path.basename(path))
    return libs


def run_event(func_dir, libs, event, endpoint):
    env = {"PATH": os.environ.get("PATH", ""), "AWS_ENDPOINT_URL": endpoint,
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "1"}
    # -I: no user site, no PYTHON* variables, no script dir; -S: no site-packages at all
    out = subprocess.run([sys.executable, "-I", "-S", "-c", SCRIPT, str(func_dir), str(libs),
                          json.dumps(FORBIDDEN)], input=json.dumps(event), capture_output=True,
                         text=True, env=env, cwd=str(func_dir), timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_zip_handler_stops_untagged_instance_only(server, tmp_path):
    ec2 = boto3.client("ec2", endpoint_url=server, region_name="us-east-1")
    ami = ec2.register_image(Name="base", RootDeviceName="/dev/sda1",
                             BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
    untagged = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro")["Instances"][0]["InstanceId"]
    tagged = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro", TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": "alice"}]}])["Instances"][0]["InstanceId"]

    data, _ = package.build(POLICY)
    func_dir = tmp_path / "function"
    func_dir.mkdir()
    zipfile.ZipFile(io.BytesIO(data)).extractall(func_dir)
    libs = runtime_dir(tmp_path)

    with open(os.path.join(HERE, "fixtures", "events", "cloudtrail-run-instances.json")) as fh:
        event = json.load(fh)
    items = event["detail"]["responseElements"]["instancesSet"]["items"]
    event["detail"]["responseElements"]["instancesSet"]["items"] = [
        dict(items[0], instanceId=untagged), dict(items[0], instanceId=tagged)]

    result = run_event(func_dir, libs, event, server)
    record = result["record"]
    assert record["status"] == "ok", record
    assert record["matched"] == [untagged]
    # one batched describe by ids, one stop call
    assert record["api_calls"] == {"ec2.DescribeInstances": 1, "ec2.StopInstances": 1}
    assert result["loaded"] == []
    assert result["importable"] == []        # the subprocess really had no site-packages
    assert result["from"] and all(f.startswith(str(func_dir)) for f in result["from"])

    states = {i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances()["Reservations"]
              for i in r["Instances"]}
    assert states[untagged] in ("stopping", "stopped")
    assert states[tagged] == "running"


def test_zip_of_a_policy_with_a_query_runs_it(server, tmp_path):
    """The query parser ships only with policies that write ``query``; such a function runs."""
    ec2 = boto3.client("ec2", endpoint_url=server, region_name="us-east-1")
    ami = ec2.register_image(Name="with-query", RootDeviceName="/dev/sda1",
                             BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
    iid = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    data, _ = package.build(dict(POLICY, query=[{"instance-state-name": "running"}]))
    func_dir = tmp_path / "function"
    func_dir.mkdir()
    zipfile.ZipFile(io.BytesIO(data)).extractall(func_dir)
    assert (func_dir / "cloudmaid" / "resources" / "query.py").exists()
    with open(os.path.join(HERE, "fixtures", "events", "cloudtrail-run-instances.json")) as fh:
        event = json.load(fh)
    items = event["detail"]["responseElements"]["instancesSet"]["items"]
    event["detail"]["responseElements"]["instancesSet"]["items"] = [dict(items[0], instanceId=iid)]
    record = run_event(func_dir, runtime_dir(tmp_path), event, server)["record"]
    assert record["status"] == "ok", record
    assert record["matched"] == [iid]


def test_zip_handler_returns_cleanly_on_failed_call_event(server, tmp_path):
    data, _ = package.build(POLICY)
    func_dir = tmp_path / "function"
    func_dir.mkdir()
    zipfile.ZipFile(io.BytesIO(data)).extractall(func_dir)
    with open(os.path.join(HERE, "fixtures", "events", "cloudtrail-run-instances-error.json")) as fh:
        event = json.load(fh)
    record = run_event(func_dir, runtime_dir(tmp_path), event, server)["record"]
    assert record["status"] == "skipped"
    assert record["reason"].startswith("failed API call")
    assert "api_calls" not in record          # nothing was described
