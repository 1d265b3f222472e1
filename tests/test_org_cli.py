"""``maid org run`` / ``maid org report`` end to end against moto's server on 127.0.0.1: two
accounts reached through assume-role, one account whose profile does not exist."""
import json
import textwrap
import urllib.request

import boto3
import pytest
from click.testing import CliRunner

from cloudmaid.cli import main

ACCOUNTS = """
accounts:
  - account_id: "111111111111"
    name: dev
    role: maid
    regions: [us-east-1, us-west-2]
    tags: [env:dev]
    vars: {charge_code: xyz}
  - account_id: "222222222222"
    name: prod
    role: maid
    regions: [us-east-1]
    tags: [env:prod]
    vars: {charge_code: abc}
"""

BROKEN = ACCOUNTS + """
  - account_id: "333333333333"
    name: lost
    profile: no-such-profile
    regions: [us-east-1]
    vars: {charge_code: q}
"""

POLICIES = """
policies:
  - name: wrong-cost-center
    resource: ebs
    filters:
      - not:
          - tag:CostCenter: "{charge_code}"
"""


@pytest.fixture
def endpoint(moto_server, monkeypatch, tmp_path):
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    return moto_server


def session_in(account_id):
    c = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/admin",
                                        RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                         aws_session_token=c["SessionToken"], region_name="us-east-1")


@pytest.fixture
def fleet(endpoint):
    out = {}
    for name, account_id, tags in (("dev", "111111111111", [("ok", "xyz"), ("wrong", "abc")]),
                                   ("prod", "222222222222", [("ok", "abc"), ("wrong", "xyz")])):
        ec2 = session_in(account_id).client("ec2")
        for label, code in tags:
            out[f"{name}-{label}"] = ec2.create_volume(
                Size=1, AvailabilityZone="us-east-1a", TagSpecifications=[{
                    "ResourceType": "volume", "Tags": [{"Key": "CostCenter", "Value": code}]}])["VolumeId"]
    return out


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(textwrap.dedent(text).lstrip("\n"))
    return str(f)


def maid(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_org_run_and_report(tmp_path, fleet):
    accounts, policies = write(tmp_path, "accounts.yml", ACCOUNTS), write(tmp_path, "p.yml", POLICIES)
    out = tmp_path / "out"
    r = maid("org", "run", "-c", accounts, "-s", str(out), policies, "--dryrun")
    assert r.exit_code == 0, r.output
    assert "dev: wrong-cost-center: 1 ebs matched in us-east-1" in r.output
    assert "prod: wrong-cost-center: 1 ebs matched in us-east-1" in r.output
    assert "maid org: 2 account(s), 3 account-region(s), 0 failed" in r.output
    found = json.loads((out / "prod" / "us-east-1" / "wrong-cost-center" / "resources.json").read_text())
    assert [v["VolumeId"] for v in found] == [fleet["prod-wrong"]]
    assert (out / "dev" / "us-west-2" / "wrong-cost-center" / "resources.json").read_text().strip() == "[]"

    r = maid("org", "report", "-c", accounts, "-s", str(out), policies, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = sorted(r.output.splitlines()[1:])
    assert rows[0].startswith(f'"dev","us-east-1","wrong-cost-center","{fleet["dev-wrong"]}"')
    assert rows[1].startswith(f'"prod","us-east-1","wrong-cost-center","{fleet["prod-wrong"]}"')

    r = maid("org", "report", "-c", accounts, "-s", str(out), policies, "-t", "env:prod")
    assert r.exit_code == 0 and "prod" in r.output and "dev " not in r.output


def test_a_failing_account_fails_the_exit_code_not_the_others(tmp_path, fleet):
    accounts, policies = write(tmp_path, "accounts.yml", BROKEN), write(tmp_path, "p.yml", POLICIES)
    out = tmp_path / "out"
    r = maid("org", "run", "-c", accounts, "-s", str(out), policies, "--dryrun", "--workers", "2")
    assert r.exit_code == 1
    assert "prod: wrong-cost-center: 1 ebs matched in us-east-1" in r.output
    assert "failed: lost/us-east-1: credentials of account 'lost': " in r.output
    assert "no-such-profile" in r.output
    r = maid("org", "report", "-c", accounts, "-s", str(out), policies)
    assert r.exit_code == 1
    assert "failed or not run: 1" in r.output and "lost/us-east-1: failed:" in r.output
    assert "prod     us-east-1  wrong-cost-center" in r.output


def test_bad_input_is_one_line_before_any_call(tmp_path, endpoint):
    accounts = write(tmp_path, "accounts.yml", ACCOUNTS.replace("tags: [env:dev]", "tgas: [env:dev]"))
    r = maid("org", "run", "-c", accounts, "-s", str(tmp_path / "out"),
             write(tmp_path, "p.yml", POLICIES))
    assert r.exit_code == 1
    assert r.output.strip() == (f"{accounts}:6: account 'dev': unknown key 'tgas' "
                                "(did you mean 'tags'?)")
    good = write(tmp_path, "good.yml", ACCOUNTS)
    r = maid("org", "run", "-c", good, "-s", str(tmp_path / "out"), "-a", "dve",
             write(tmp_path, "p.yml", POLICIES))
    assert r.exit_code == 1 and r.output.strip() == "-a dve: no such account (did you mean 'dev'?)"
    assert not (tmp_path / "out").exists()
