"""The embedded local AWS: moto's server configured for event mode, the demo fleet, and the
CloudTrail / state-change events the sandbox synthesises from real calls."""
import base64
import hashlib
import io
import os
import socket
import zipfile

import botocore.config
import botocore.exceptions
import botocore.session
import jmespath
import pytest

from cloudmaid.sandbox import fleet, trail
from cloudmaid.sandbox.server import ROLE_NAME, Sandbox


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as sb:
        yield sb


@pytest.fixture(scope="module")
def seeded(sandbox):
    return fleet.seed(sandbox.session(), sandbox.region)


def _zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def test_server_listens_on_loopback_and_prints_its_environment(sandbox):
    env = sandbox.env()
    assert env["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{sandbox.port}"
    assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"} <= set(env)
    sts = sandbox.client("sts")
    assert sts.get_caller_identity()["Account"] == sandbox.account_id
    assert sts.meta.endpoint_url == sandbox.endpoint


def test_no_default_amis_and_lambda_without_docker(sandbox):
    ec2 = sandbox.client("ec2")
    assert ec2.describe_images(Owners=["amazon"])["Images"] == []
    assert sandbox.moto_api("config", method="GET")["lambda"] == {"use_docker": False}
    code = _zip({"index.py": "def handler(event, context):\n    return 1\n"})
    lam = sandbox.client("lambda")
    lam.create_function(FunctionName="probe", Runtime="python3.11", Role=sandbox.role_arn,
                        Handler="index.handler", Code={"ZipFile": code})
    conf = lam.get_function(FunctionName="probe")["Configuration"]
    assert conf["CodeSha256"] == base64.b64encode(hashlib.sha256(code).digest()).decode()
    # moto's no-Docker Lambda echoes the payload instead of starting a container
    out = lam.invoke(FunctionName="probe", Payload=b'{"x": 1}')["Payload"].read()
    assert out == b'{"x": 1}'


def test_function_role_is_seeded(sandbox):
    role = sandbox.client("iam").get_role(RoleName=ROLE_NAME)["Role"]
    assert role["Arn"] == sandbox.role_arn
    assert "lambda.amazonaws.com" in str(role["AssumeRolePolicyDocument"])


def test_fixed_port_and_clean_stop():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = os.environ.get("MOTO_EC2_LOAD_DEFAULT_AMIS")
    sb = Sandbox(port=port).start()
    try:
        assert sb.endpoint == f"http://127.0.0.1:{port}"
        assert os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] == "false"
        client = sb.session().client("sts", config=botocore.config.Config(retries={"max_attempts": 1}))
    finally:
        sb.stop()
    assert os.environ.get("MOTO_EC2_LOAD_DEFAULT_AMIS") == before
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        client.get_caller_identity()


def test_fleet_has_something_for_every_seed_policy(sandbox, seeded):
    ec2, s3 = sandbox.client("ec2"), sandbox.client("s3")
    ids = list(seeded.instances.values())
    instances = {i["InstanceId"]: i for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
                 for i in r["Instances"]}
    tags = {iid: {t["Key"] for t in i.get("Tags", [])} for iid, i in instances.items()}
    assert {"required1", "required2"} <= tags[seeded.instances["web-compliant"]]
    assert not {"required1", "required2"} & tags[seeded.instances["web-untagged"]]
    by_instance = {}
    for v in ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": ids}])["Volumes"]:
        by_instance[v["Attachments"][0]["InstanceId"]] = v["Encrypted"]
    assert by_instance == {seeded.instances["web-compliant"]: True,
                           seeded.instances["web-untagged"]: True,
                           seeded.instances["db-unencrypted"]: False}
    loose = ec2.describe_volumes(VolumeIds=list(seeded.volumes.values()))["Volumes"]
    assert sorted(v["Encrypted"] for v in loose) == [False, False, True]
    groups = ec2.describe_security_groups(GroupIds=[seeded.security_groups["open-ssh"]])
    perm = groups["SecurityGroups"][0]["IpPermissions"][0]
    assert (perm["FromPort"], perm["IpRanges"][0]["CidrIp"]) == (22, "0.0.0.0/0")
    for label in ("logs", "assets"):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.get_bucket_encryption(Bucket=seeded.buckets[label])
        assert e.value.response["Error"]["Code"] == "ServerSideEncryptionConfigurationNotFoundError"
    s3.get_bucket_encryption(Bucket=seeded.buckets["encrypted"])


# --- CloudTrail and state-change events ---------------------------------------------------

def test_run_instances_gives_cloudtrail_and_pending_events(sandbox, seeded):
    t = trail.Trail(sandbox.account_id)
    ec2 = t.watch(sandbox.client("ec2"))
    iid = fleet.launch(ec2, seeded.image_id, "probe", {"team": "a"})
    ec2.describe_instances(InstanceIds=[iid])  # read-only: no event
    api, state, running = t.take()
    assert t.take() == []
    assert api["detail-type"] == "AWS API Call via CloudTrail" and api["source"] == "aws.ec2"
    d = api["detail"]
    assert (d["eventSource"], d["eventName"], d["awsRegion"]) == ("ec2.amazonaws.com", "RunInstances", "us-east-1")
    assert "errorCode" not in d
    assert jmespath.search("responseElements.instancesSet.items[].instanceId", d) == [iid]
    assert d["requestParameters"]["imageId"] == seeded.image_id
    assert d["requestParameters"]["instanceType"] == "t3.micro"
    tags = jmespath.search("responseElements.instancesSet.items[0].tagSet.items", d)
    assert {"key": "team", "value": "a"} in tags
    assert isinstance(jmespath.search("responseElements.instancesSet.items[0].launchTime", d), int)
    assert state["detail-type"] == "EC2 Instance State-change Notification"
    assert state["detail"] == {"instance-id": iid, "state": "pending"}
    assert state["resources"] == [f"arn:aws:ec2:us-east-1:{sandbox.account_id}:instance/{iid}"]
    assert running["detail"]["state"] == "running"
    ec2.stop_instances(InstanceIds=[iid])
    api, *states = t.take()
    assert api["detail"]["eventName"] == "StopInstances"
    assert [s["detail"]["state"] for s in states] == ["stopping", "stopped"]


def test_other_shortcut_shapes(sandbox):
    t = trail.Trail(sandbox.account_id)
    ec2, s3 = t.watch(sandbox.client("ec2")), t.watch(sandbox.client("s3"))
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=5)["VolumeId"]
    sg = ec2.create_security_group(GroupName="trail-probe", Description="x")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    s3.create_bucket(Bucket="trail-probe-bucket")
    events = {e["detail"]["eventName"]: e["detail"] for e in t.take()}
    assert events["CreateVolume"]["responseElements"]["volumeId"] == vol
    assert events["CreateSecurityGroup"]["responseElements"]["groupId"] == sg
    assert events["AuthorizeSecurityGroupIngress"]["requestParameters"]["groupId"] == sg
    assert jmespath.search("requestParameters.ipPermissions.items[0].ipRanges.items[0].cidrIp",
                           events["AuthorizeSecurityGroupIngress"]) == "0.0.0.0/0"
    assert events["CreateBucket"]["requestParameters"]["bucketName"] == "trail-probe-bucket"
    assert events["CreateBucket"]["eventSource"] == "s3.amazonaws.com"


def test_failed_call_carries_error_code(sandbox):
    t = trail.Trail(sandbox.account_id)
    s3 = t.watch(sandbox.client("s3"))
    with pytest.raises(botocore.exceptions.ClientError):
        s3.create_bucket(Bucket="x")  # too short: InvalidBucketName
    (event,) = t.take()
    assert event["detail"]["errorCode"] == "InvalidBucketName"
    assert event["detail"]["responseElements"] is None


def test_render_follows_cloudtrail_conventions_without_io():
    model = botocore.session.get_session().get_service_model("ec2").operation_model("TerminateInstances")
    parsed = {"TerminatingInstances": [{"InstanceId": "i-1", "CurrentState": {"Code": 32, "Name": "shutting-down"},
                                        "PreviousState": {"Code": 16, "Name": "running"}}],
              "ResponseMetadata": {"RequestId": "r-1"}}
    rendered = trail.render(parsed, model.output_shape, "ec2")
    assert rendered == {"instancesSet": {"items": [{"instanceId": "i-1",
                                                    "currentState": {"code": 32, "name": "shutting-down"},
                                                    "previousState": {"code": 16, "name": "running"}}]}}
    events = trail.state_changes("TerminateInstances", parsed, "eu-west-1", "111122223333")
    assert [(e["region"], e["detail"]["state"]) for e in events] == [
        ("eu-west-1", "shutting-down"), ("eu-west-1", "terminated")]
    assert trail.state_changes("CreateTags", parsed, "eu-west-1", "1") == []


# --- delivery: rules read back from EventBridge, packages run as Lambda would --------------

PROBE = '''
import importlib.util, json, os, sys
def handler(event, context):
    if event.get("detail", {}).get("explode"):
        raise ValueError("boom")
    print("probe saw", event["detail-type"])
    return {"arn": context.invoked_function_arn, "request_id": context.aws_request_id,
            "memory": context.memory_limit_in_mb, "remaining": context.get_remaining_time_in_millis(),
            "name": context.function_name, "greeting": os.environ.get("GREETING"),
            "endpoint": os.environ.get("AWS_ENDPOINT_URL"), "path0": sys.path[0],
            "cwd": os.getcwd(), "boto3": __import__("boto3").__name__,
            "not_in_lambda": [m for m in ("yaml", "click", "jsonschema", "moto", "cloudmaid")
                              if importlib.util.find_spec(m)]}
'''


def _probe(sandbox, name, pattern=None, schedule=None):
    """A hand-made function behind a rule, as any deployer would create them."""
    import json as _json
    code = _zip({"probe.py": PROBE})
    lam, events = sandbox.client("lambda"), sandbox.client("events")
    arn = lam.create_function(FunctionName=name, Runtime="python3.11", Role=sandbox.role_arn,
                              Handler="probe.handler", Code={"ZipFile": code}, Timeout=30,
                              MemorySize=256, Environment={"Variables": {"GREETING": "hi"}})["FunctionArn"]
    rule = {"Name": name, "State": "ENABLED"}
    rule.update({"EventPattern": _json.dumps(pattern)} if pattern else {"ScheduleExpression": schedule})
    events.put_rule(**rule)
    events.put_targets(Rule=name, Targets=[{"Id": "1", "Arn": arn}])
    return code, arn


@pytest.fixture(scope="module")
def probes(sandbox):
    code, arn = _probe(sandbox, "probe-events", pattern={"source": ["demo.probe"]})
    _probe(sandbox, "probe-schedule", schedule="rate(1 hour)")
    return {"code": code, "arn": arn}


@pytest.fixture
def delivery(sandbox, probes):
    from cloudmaid.sandbox.deliver import Delivery
    with Delivery(sandbox.session(), sandbox.region, sandbox.account_id, sandbox.env(),
                  {"probe-events": probes["code"]}) as d:
        yield d


def _event(detail=None, source="demo.probe"):
    return trail.envelope("Probe", source, "us-east-1", "123456789012", detail or {})


def test_delivery_runs_the_package_like_lambda(sandbox, probes, delivery):
    rules = {r.name: r for r in delivery.rules()}
    assert rules["probe-events"].pattern == {"source": ["demo.probe"]}
    assert rules["probe-schedule"].schedule == "rate(1 hour)"
    assert rules["probe-events"].functions == ["probe-events"]
    (inv,) = delivery.deliver(_event())
    assert inv.ok, inv.error
    r = inv.result
    assert (r["arn"], r["name"], r["memory"], r["greeting"]) == (probes["arn"], "probe-events", 256, "hi")
    assert r["request_id"] == inv.request_id
    assert 0 < r["remaining"] <= 30000
    assert r["endpoint"] == sandbox.endpoint
    assert r["path0"] == r["cwd"] and r["path0"] != os.getcwd()   # the unzipped task root
    assert r["boto3"] == "boto3"
    assert r["not_in_lambda"] == []   # only the function's code and the runtime's boto3
    assert inv.logs[0].startswith(f"START RequestId: {inv.request_id}")
    assert "probe saw Probe" in inv.logs
    assert inv.logs[-1].startswith(f"REPORT RequestId: {inv.request_id}")
    # the log lines land in the sandbox's CloudWatch Logs, where `maid logs` reads them
    logs = sandbox.client("logs")
    events = logs.filter_log_events(logGroupName="/aws/lambda/probe-events")["events"]
    assert "probe saw Probe" in [e["message"] for e in events]


def test_unmatched_event_runs_nothing(delivery):
    assert delivery.deliver(_event(source="other.source")) == []


def test_handler_error_is_reported_not_raised(delivery):
    (inv,) = delivery.deliver(_event({"explode": True}))
    assert not inv.ok
    assert (inv.error["errorType"], inv.error["errorMessage"]) == ("ValueError", "boom")
    assert any('"errorType": "ValueError"' in line for line in inv.logs)


def test_schedule_fires_on_request(delivery):
    (inv,) = delivery.fire("probe-schedule")
    assert inv.ok and inv.event["detail-type"] == "Scheduled Event"
    assert inv.event["resources"] == [delivery.rules()[1].arn] or inv.event["resources"][0].endswith("rule/probe-schedule")
    from cloudmaid.sandbox.deliver import DeliveryError
    with pytest.raises(DeliveryError):
        delivery.fire("probe-events")   # a pattern rule, not a schedule


def test_package_must_be_the_deployed_code(sandbox, probes):
    from cloudmaid.sandbox.deliver import Delivery, DeliveryError
    other = _zip({"probe.py": PROBE + "\n# changed\n"})
    with Delivery(sandbox.session(), sandbox.region, sandbox.account_id, sandbox.env(),
                  {"probe-events": other}) as d:
        with pytest.raises(DeliveryError, match="not the deployed code"):
            d.deliver(_event())
    # without a package to compare, the deployed bytes are read back from moto
    with Delivery(sandbox.session(), sandbox.region, sandbox.account_id, sandbox.env()) as d:
        (inv,) = d.deliver(_event())
        assert inv.ok and inv.result["greeting"] == "hi"


def test_maid_sandbox_command_prints_exports_and_stops_on_ctrl_c():
    import signal
    import subprocess
    import sys
    import time
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = root
    proc = subprocess.Popen([sys.executable, "-c", "from cloudmaid.cli import main; main()", "sandbox"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.time() + 60
        while time.time() < deadline and not (lines and lines[-1].startswith("Ctrl-C")):
            lines.append(proc.stdout.readline().rstrip("\n"))
        exports = dict(line.strip()[len("export "):].split("=", 1) for line in lines
                       if line.strip().startswith("export "))
        assert exports["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
        # usable from another process, as a user's shell would
        import boto3
        sts = boto3.client("sts", endpoint_url=exports["AWS_ENDPOINT_URL"], region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        assert sts.get_caller_identity()["Account"] == "123456789012"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert out.strip().endswith("sandbox stopped")
    assert err == ""


def test_busy_port_is_one_line_error(sandbox):
    from cloudmaid.sandbox.server import SandboxError
    with pytest.raises(SandboxError, match=f"port {sandbox.port} on 127.0.0.1 is in use"):
        Sandbox(port=sandbox.port).start()


# --- the synthesised events work with the event modes; the CLI works against the sandbox -----

@pytest.mark.parametrize("shortcut,resource", [
    ("RunInstances", "ec2"), ("CreateVolume", "ebs"), ("CreateSecurityGroup", "security-group"),
    ("AuthorizeSecurityGroupIngress", "security-group"), ("CreateBucket", "s3")])
def test_cloudtrail_mode_reads_ids_from_synthesised_events(sandbox, seeded, shortcut, resource, tmp_path):
    from cloudmaid.context import Context
    from cloudmaid.policy import Policy
    from cloudmaid.session import SessionFactory
    t = trail.Trail(sandbox.account_id)
    ec2, s3 = t.watch(sandbox.client("ec2")), t.watch(sandbox.client("s3"))
    bucket = f"ids-probe-{shortcut.lower()}"
    made = {
        "RunInstances": lambda: fleet.launch(ec2, seeded.image_id, "ids-probe"),
        "CreateVolume": lambda: ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"],
        "CreateSecurityGroup": lambda: ec2.create_security_group(
            GroupName="ids-probe", Description="x")["GroupId"],
        "AuthorizeSecurityGroupIngress": lambda: ec2.authorize_security_group_ingress(
            GroupId=seeded.security_groups["closed"], IpPermissions=[{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]) and seeded.security_groups["closed"],
        "CreateBucket": lambda: s3.create_bucket(Bucket=bucket) and bucket,
    }[shortcut]()
    event = next(e for e in t.take() if e["detail-type"] == "AWS API Call via CloudTrail")
    ctx = Context(SessionFactory(region="us-east-1", session=sandbox.session()),
                  account_id=sandbox.account_id, output_dir=str(tmp_path))
    policy = Policy({"name": "ids", "resource": resource,
                     "mode": {"type": "cloudtrail", "events": [shortcut], "role": "r"}}, ctx)
    assert policy.mode.skip_reason(event) is None
    assert policy.mode.resource_ids(event) == [made]


def test_maid_run_deploys_to_the_sandbox_and_maid_logs_reads_delivered_runs(sandbox, seeded, tmp_path):
    from click.testing import CliRunner

    from cloudmaid.cli import main
    from cloudmaid.sandbox.deliver import Delivery
    policy = tmp_path / "p.yml"
    policy.write_text(
        "policies:\n"
        "  - name: cli-tag-compliance\n"
        "    resource: ec2\n"
        "    mode: {type: cloudtrail, events: [RunInstances], role: maid-sandbox-lambda}\n"
        "    filters: [{'tag:required1': absent}]\n"
        "    actions: [stop]\n")
    runner = CliRunner()
    env = sandbox.env()
    result = runner.invoke(main, ["run", "-s", str(tmp_path / "out"), str(policy)], env=env)
    assert result.exit_code == 0, result.output
    assert "create_function" in result.output
    t = trail.Trail(sandbox.account_id)
    ec2 = t.watch(sandbox.client("ec2"))
    iid = fleet.launch(ec2, seeded.image_id, "cli-untagged")
    with Delivery(sandbox.session(), sandbox.region, sandbox.account_id, env) as d:
        invocations = [i for i in d.deliver_all(t.take()) if i.function == "maid-cli-tag-compliance"]
    assert [(i.ok, i.result["matched"]) for i in invocations] == [(True, [iid])]
    state = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]
    assert state == "stopped"
    result = runner.invoke(main, ["logs", "-p", "cli-tag-compliance", str(policy)], env=env)
    assert result.exit_code == 0, result.output
    assert f"START RequestId: {invocations[0].request_id}" in result.output
