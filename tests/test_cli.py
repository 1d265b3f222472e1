"""``maid`` end to end against moto's server on 127.0.0.1 (real HTTP, real boto3 clients)."""
import csv
import io
import json
import textwrap
import urllib.request

import boto3
import pytest
from click.testing import CliRunner

from cloudmaid import __version__
from cloudmaid.cli import main
from cloudmaid.progress import Progress

from .conftest import run_instances

POLICIES = """
policies:
  - name: untagged-stop
    resource: ec2
    filters:
      - tag:Owner: absent
    actions: [stop]
  - name: web-report
    resource: ec2
    filters:
      - type: value
        key: tag:Name
        op: glob
        value: web-*
  - name: all-instances
    resource: ec2
"""


@pytest.fixture
def endpoint(moto_server, monkeypatch):
    """A clean moto server, with AWS_ENDPOINT_URL pointing every client at it."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    return moto_server


@pytest.fixture
def ec2(endpoint):
    return boto3.client("ec2", region_name="us-east-1", endpoint_url=endpoint)


def maid(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def write(tmp_path, text, name="policy.yml"):
    f = tmp_path / name
    f.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(f)


def state(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]


@pytest.fixture
def fleet(ec2):
    owned = run_instances(ec2, tags={"Owner": "me", "Name": "web-1"})[0]
    web = run_instances(ec2, tags={"Name": "web-2"})[0]
    bare = run_instances(ec2)[0]
    return {"owned": owned, "web": web, "bare": bare}


def read(out, policy, name):
    return (out / policy / name).read_text()


def test_run_writes_output_per_policy(tmp_path, ec2, fleet):
    out = tmp_path / "out"
    r = maid("run", "-s", str(out), write(tmp_path, POLICIES))
    assert r.exit_code == 0, r.output
    assert "untagged-stop: 2 ec2 matched in us-east-1, stop: 2 ok" in r.output
    stopped = {i["InstanceId"] for i in json.loads(read(out, "untagged-stop", "resources.json"))}
    assert stopped == {fleet["web"], fleet["bare"]}
    assert state(ec2, fleet["bare"]) in ("stopping", "stopped")
    assert state(ec2, fleet["owned"]) == "running"
    meta = json.loads(read(out, "untagged-stop", "metadata.json"))
    assert meta["policy"]["name"] == "untagged-stop"
    assert meta["resources"] == {"candidates": 3, "matched": 2}
    assert meta["api-stats"]["ec2.StopInstances"] == 1
    assert meta["actions"][0]["succeeded"] == 2 and meta["execution"]["duration"] >= 0
    assert (out / "untagged-stop" / "run.log").exists()
    web = json.loads(read(out, "web-report", "resources.json"))
    assert {i["InstanceId"] for i in web} == {fleet["owned"], fleet["web"]}
    assert len(json.loads(read(out, "all-instances", "resources.json"))) == 3


def test_dryrun_makes_no_write_call(tmp_path, ec2, fleet):
    out = tmp_path / "out"
    r = maid("run", "--dryrun", "-s", str(out), write(tmp_path, POLICIES))
    assert r.exit_code == 0, r.output
    assert len(json.loads(read(out, "untagged-stop", "resources.json"))) == 2
    assert {state(ec2, i) for i in fleet.values()} == {"running"}
    calls = json.loads(read(out, "untagged-stop", "metadata.json"))["api-stats"]
    assert set(calls) <= {"ec2.DescribeInstances", "sts.GetCallerIdentity"}


def test_policy_glob_selects(tmp_path, fleet):
    out = tmp_path / "out"
    r = maid("run", "-s", str(out), "-p", "*-report", "-p", "all-*", write(tmp_path, POLICIES))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["all-instances", "web-report"]
    r = maid("run", "-s", str(out), "-p", "nothing*", write(tmp_path, POLICIES))
    assert r.exit_code == 1 and "no policy matches nothing*" in r.output


def test_report_formats(tmp_path, fleet):
    out = tmp_path / "out"
    f = write(tmp_path, POLICIES)
    assert maid("run", "--dryrun", "-s", str(out), f).exit_code == 0

    table = maid("report", "-s", str(out), "-p", "web-report", f)
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0] == "ec2: 2 resource(s)"
    assert lines[1].split() == ["InstanceId", "tag:Name", "InstanceType", "LaunchTime", "VpcId",
                                "PrivateIpAddress"]
    assert any(line.startswith(fleet["web"]) and "web-2" in line for line in lines[3:])

    r = maid("report", "-s", str(out), "-p", "web-report", "--format", "csv",
             "--field", "Owner=tag:Owner", "--field", "State.Name", f)
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {row["InstanceId"]: row["Owner"] for row in rows} == {fleet["owned"]: "me", fleet["web"]: ""}
    assert {row["State.Name"] for row in rows} == {"running"}

    r = maid("report", "-s", str(out), "--format", "csv", "-p", "web-report", "-p", "all-*", f)
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert sorted(row["Policy"] for row in rows) == ["all-instances"] * 3 + ["web-report"] * 2

    r = maid("report", "-s", str(out), "--format", "json", "-p", "untagged-stop", f)
    assert {i["InstanceId"] for i in json.loads(r.output)} == {fleet["web"], fleet["bare"]}


def test_report_without_a_run_says_so(tmp_path):
    f = write(tmp_path, POLICIES)
    r = maid("report", "-s", str(tmp_path / "none"), "-p", "web-report", f)
    assert r.exit_code == 1
    assert r.output.strip() == (f"no output for policy 'web-report' at {tmp_path}/none/web-report/"
                                "resources.json (run it first with maid run)")


def test_validate_exit_codes(tmp_path):
    good = write(tmp_path, POLICIES, "good.yml")
    r = maid("validate", good)
    assert (r.exit_code, r.output) == (0, "3 policies valid in 1 file(s)\n")
    bad = write(tmp_path, "policies:\n  - name: a\n    resource: ec2\n    filter: []\n", "bad.yml")
    r = maid("validate", good, bad)
    assert r.exit_code == 1
    assert r.output == f"{bad}:4: policy 'a': unknown key 'filter' (did you mean 'filters'?)\n"
    assert maid("validate").exit_code == 2          # usage error
    assert maid("validate", "--nope", good).exit_code == 2


def test_validate_and_invalid_run_need_no_aws(tmp_path, monkeypatch):
    """No credentials, and an endpoint where nothing listens: any AWS call would fail."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    good = write(tmp_path, POLICIES, "good.yml")
    assert maid("validate", good).exit_code == 0
    bad = write(tmp_path, "policies:\n  - name: a\n    resource: ec3\n", "bad.yml")
    r = maid("run", "-s", str(tmp_path / "out"), bad)
    assert r.exit_code == 1
    assert r.output == f"{bad}:3: policy 'a': resource: unknown resource type 'ec3' (did you mean 'ec2'?)\n"
    assert not (tmp_path / "out").exists()


def test_unexpected_error_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")   # nothing listens there
    f = write(tmp_path, POLICIES)
    r = maid("run", "-s", str(tmp_path / "out"), "--max-attempts", "1", "--account-id",
             "123456789012", "-p", "all-instances", f)
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("all-instances: failed in us-east-1: listing ec2 failed: "
                               "Could not connect to the endpoint URL")
    assert "Traceback" not in r.output


def test_schema_command(endpoint):
    r = maid("schema")
    assert r.exit_code == 0 and r.output.startswith("resources:\n") and "  - ec2\n" in r.output
    r = maid("schema", "ec2.actions.stop")
    assert r.exit_code == 0 and "hibernate" in r.output
    r = maid("schema", "--json")
    full = json.loads(r.output)
    assert full["$schema"].startswith("http://json-schema.org/draft-07")
    assert "policy" in full["definitions"]
    r = maid("schema", "ec3")
    assert (r.exit_code, r.output) == (1, "unknown resource type 'ec3' (did you mean 'ec2'?)\n")


def test_version():
    r = maid("version")
    assert (r.exit_code, r.output) == (0, f"{__version__}\n")


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_shows_on_a_tty_after_the_delay():
    stream, printed = Tty(), []
    with Progress(total=2, stream=stream, delay=0, interval=0.01) as p:
        echo = p.echo(lambda line, **kw: printed.append(line))
        echo("first done")
        import time
        time.sleep(0.05)
    text = stream.getvalue()
    assert "maid" not in text and "running: 1/2 done" in text
    assert text.endswith("\r\x1b[K")          # erased when the run ends
    assert printed == ["first done"]


def test_progress_is_silent_when_not_a_tty_or_quick():
    quiet = io.StringIO()
    with Progress(total=1, stream=quiet, delay=0, interval=0.01) as p:
        p.echo(lambda *a, **k: None)("x")
    assert quiet.getvalue() == ""
    tty = Tty()
    with Progress(total=1, stream=tty, delay=60, interval=0.01) as p:
        p.echo(lambda *a, **k: None)("x")
    assert tty.getvalue() == ""


def test_run_and_report_with_s3_output(tmp_path, endpoint, fleet):
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint)
    s3.create_bucket(Bucket="maid-out")
    f = write(tmp_path, POLICIES)
    r = maid("run", "--dryrun", "-s", "s3://maid-out/runs", "-p", "web-report", f)
    assert r.exit_code == 0, r.output
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="maid-out")["Contents"])
    assert keys == ["runs/web-report/metadata.json", "runs/web-report/resources.json",
                    "runs/web-report/run.log"]
    r = maid("report", "-s", "s3://maid-out/runs", "-p", "web-report", "--format", "json", f)
    assert r.exit_code == 0, r.output
    assert {i["InstanceId"] for i in json.loads(r.output)} == {fleet["owned"], fleet["web"]}


def test_report_columns_parse_headers_and_jmespath():
    from cloudmaid.report import columns, value
    cols = columns("ec2", ["Owner=tag:Owner", "Tags[?Key=='Owner'].Value | [0]"], defaults=False)
    assert cols == [("Owner", "tag:Owner"),
                    ("Tags[?Key=='Owner'].Value | [0]", "Tags[?Key=='Owner'].Value | [0]")]
    r = {"Tags": [{"Key": "Owner", "Value": "me"}]}
    assert [value(r, e) for _, e in cols] == ["me", "me"]
    assert columns("security-group")[:2] == [("GroupId", "GroupId"), ("GroupName", "GroupName")]
