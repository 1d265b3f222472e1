"""``maid run`` changes nothing unless asked: --plan is a dry run, global types act once,
a failed listing fails the policy; and what a user sees (summary line, run.log, metadata)."""
import json

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from cloudmaid import __version__
from cloudmaid.cli import main
from cloudmaid.runner import RunOptions, run_policies

from .conftest import run_instances
from .test_runner import specs_of


class Echo:
    def __init__(self):
        self.lines = []

    def __call__(self, line, err=False):
        self.lines.append(line)


def volumes(ec2, n):
    return [ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"] for _ in range(n)]


def tags_of(ec2, vid):
    return ec2.describe_volumes(VolumeIds=[vid])["Volumes"][0].get("Tags", [])


TAG_EBS = {"name": "ebs-tag", "resource": "ebs",
           "actions": [{"type": "tag", "key": "seen", "value": "yes"}]}


def test_plan_runs_poll_policies_as_a_dry_run(aws, ec2, tmp_path):
    vids = volumes(ec2, 3)
    echo = Echo()
    code = run_policies(specs_of([TAG_EBS]), RunOptions(output_dir=str(tmp_path), plan=True,
                                                        account_id="123456789012"), echo)
    assert code == 0
    assert echo.lines == ["ebs-tag: 3 ebs matched in us-east-1, would tag 3 ebs resource(s)"]
    assert all(tags_of(ec2, v) == [] for v in vids)
    meta = json.loads((tmp_path / "ebs-tag" / "metadata.json").read_text())
    assert meta["config"]["dryrun"] is True and meta["actions"] == []
    assert meta["planned"] == [{"action": "tag", "resources": 3}]


def test_run_without_plan_acts_and_says_what_actions_did(aws, ec2, tmp_path):
    vids = volumes(ec2, 2)
    echo = Echo()
    code = run_policies(specs_of([TAG_EBS]), RunOptions(output_dir=str(tmp_path),
                                                        account_id="123456789012"), echo)
    assert code == 0
    assert echo.lines == ["ebs-tag: 2 ebs matched in us-east-1, tag: 2 ok"]
    assert all(tags_of(ec2, v) == [{"Key": "seen", "Value": "yes"}] for v in vids)


def test_max_resources_stop_and_conditions_skip_are_on_the_summary_line(aws, ec2, tmp_path):
    volumes(ec2, 3)
    policies = [dict(TAG_EBS, **{"max-resources": 2}),
                {"name": "elsewhere", "resource": "ebs",
                 "conditions": [{"type": "value", "key": "region", "value": "eu-west-1"}]}]
    echo = Echo()
    code = run_policies(specs_of(policies), RunOptions(output_dir=str(tmp_path),
                                                       account_id="123456789012"), echo)
    assert code == 1
    assert echo.lines[0].startswith("ebs-tag: 3 ebs matched in us-east-1, stopped: "
                                    "max-resources exceeded: 3 of 3 resources matched")
    assert echo.lines[1] == "elsewhere: skipped in us-east-1: conditions not met"


def test_global_types_act_once_whatever_the_regions(aws, tmp_path):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="one")
    policy = {"name": "s3-tag", "resource": "s3",
              "actions": [{"type": "tag", "key": "k", "value": "v"}]}
    echo = Echo()
    code = run_policies(specs_of([policy]), RunOptions(
        output_dir=str(tmp_path), regions=["eu-west-1", "us-east-1"], account_id="123456789012"), echo)
    assert code == 0
    # one run, in the first region named (Cloud Custodian's rule), so one tagging call
    assert echo.lines == ["s3-tag: 1 s3 matched in eu-west-1, tag: 1 ok"]
    meta = json.loads((tmp_path / "eu-west-1" / "s3-tag" / "metadata.json").read_text())
    assert sum(v for k, v in meta["api-stats"].items() if k == "s3.PutBucketTagging") == 1
    assert not (tmp_path / "us-east-1" / "s3-tag").exists()


def test_a_failed_listing_fails_the_policy_not_zero_matches(aws, ec2, tmp_path):
    run_instances(ec2)
    from cloudmaid.context import Context
    from cloudmaid.runner import run_one
    ctx = Context(region="us-east-1", account_id="123456789012", output_dir=str(tmp_path))
    client = ctx.session_factory.client("ec2")
    stub = Stubber(client)
    stub.add_client_error("describe_instances", service_error_code="UnauthorizedOperation",
                          service_message="You are not authorized", http_status_code=403)
    echo = Echo()
    with stub:
        code = run_one(specs_of([{"name": "p", "resource": "ec2"}])[0], ctx, echo)
    assert code == 1
    assert echo.lines == ["p: failed in us-east-1: listing ec2 failed: UnauthorizedOperation: "
                          "You are not authorized"]
    meta = json.loads((tmp_path / "p" / "metadata.json").read_text())
    assert meta["errors"] == ["listing ec2 failed: UnauthorizedOperation: You are not authorized"]
    assert not (tmp_path / "p" / "resources.json").exists()


def test_other_policies_run_after_one_fails(aws, ec2, tmp_path, monkeypatch):
    volumes(ec2, 1)
    from cloudmaid.resources.manager import ResourceManager
    real = ResourceManager.describe

    def describe(self, params):
        if self.rtype.name == "ec2":
            from botocore.exceptions import ClientError
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}},
                              "DescribeInstances")
        return real(self, params)
    monkeypatch.setattr(ResourceManager, "describe", describe)
    echo = Echo()
    code = run_policies(specs_of([{"name": "a", "resource": "ec2"}, {"name": "b", "resource": "ebs"}]),
                        RunOptions(output_dir=str(tmp_path), account_id="123456789012"), echo)
    assert code == 1
    assert echo.lines == ["a: failed in us-east-1: listing ec2 failed: Throttling: Rate exceeded",
                          "b: 1 ebs matched in us-east-1"]


def test_run_log_holds_the_policy_log_at_info(aws, ec2, tmp_path):
    volumes(ec2, 1)
    run_policies(specs_of([TAG_EBS]), RunOptions(output_dir=str(tmp_path), account_id="123456789012"),
                 Echo())
    log = (tmp_path / "ebs-tag" / "run.log").read_text()
    assert "policy:ebs-tag resource:ebs region:us-east-1 count:1" in log


def test_metadata_has_the_account_id(aws, ec2, tmp_path):
    run_policies(specs_of([{"name": "p", "resource": "ebs"}]), RunOptions(output_dir=str(tmp_path)),
                 Echo())
    meta = json.loads((tmp_path / "p" / "metadata.json").read_text())
    assert meta["config"]["account_id"] == "123456789012"   # moto's account, read from STS


def test_policy_region_start_end_keys_are_honoured(aws, ec2, tmp_path):
    volumes(ec2, 1)
    policies = [{"name": "here", "resource": "ebs", "region": "us-east-1"},
                {"name": "there", "resource": "ebs", "region": "eu-west-1"},
                {"name": "over", "resource": "ebs", "end": "2001-01-01"},
                {"name": "not-yet", "resource": "ebs", "start": "2999-01-01", "tz": "Europe/Paris"},
                {"name": "open", "resource": "ebs", "start": "2001-01-01T08:00", "tz": "America/New_York"}]
    echo = Echo()
    run_policies(specs_of(policies), RunOptions(output_dir=str(tmp_path), account_id="123456789012"),
                 echo)
    assert echo.lines == ["here: 1 ebs matched in us-east-1",
                          "there: skipped in us-east-1: conditions not met",
                          "over: skipped in us-east-1: conditions not met",
                          "not-yet: skipped in us-east-1: conditions not met",
                          "open: 1 ebs matched in us-east-1"]


def test_start_is_read_in_the_policy_tz():
    from cloudmaid.policy import localize
    assert localize("2026-12-01 08:00", "America/New_York") == "2026-12-01T08:00:00-05:00"
    assert localize("2026-12-01T08:00Z", "America/New_York") == "2026-12-01T08:00:00+00:00"
    assert localize("2026-12-01", None) == "2026-12-01"


def test_version_flag():
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and r.output == f"{__version__}\n"


def test_plan_needs_no_output_dir_and_run_does(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("policies:\n  - name: p\n    resource: ebs\n")
    r = CliRunner().invoke(main, ["run", str(f)])
    assert r.exit_code == 2 and "--output-dir" in r.output


@pytest.mark.parametrize("flag", ["--plan", "--dryrun"])
def test_cli_plan_and_dryrun_write_nothing(flag, aws, ec2, tmp_path, monkeypatch):
    vids = volumes(ec2, 2)
    f = tmp_path / "p.yml"
    f.write_text("policies:\n  - name: ebs-tag\n    resource: ebs\n    actions:\n"
                 "      - {type: tag, key: seen, value: 'yes'}\n")
    args = ["run", flag, str(f)] + ([] if flag == "--plan" else ["-s", str(tmp_path / "out")])
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "ebs-tag: 2 ebs matched in us-east-1, would tag 2 ebs resource(s)" in r.output
    assert all(tags_of(ec2, v) == [] for v in vids)


def test_unknown_region_is_one_line_before_any_call(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("policies:\n  - name: p\n    resource: ebs\n")
    r = CliRunner().invoke(main, ["run", "-s", str(tmp_path / "out"), "-r", "us-westt-2", str(f)])
    assert r.exit_code == 1
    assert r.output == "unknown region 'us-westt-2' (did you mean 'us-west-2'?)\n"
    assert not (tmp_path / "out").exists()


def test_scheduled_modes_refuse_delay(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("policies:\n  - name: p\n    resource: ebs\n    mode:\n      type: periodic\n"
                 "      schedule: rate(1 day)\n      role: r\n      delay: 5\n")
    r = CliRunner().invoke(main, ["validate", str(f)])
    assert r.exit_code == 1 and "unknown key 'delay'" in r.output


@pytest.mark.parametrize("operator,expected", [(None, ["open"]), ("or", ["open"]), ("and", [])])
def test_global_grants_operator(aws, tmp_path, operator, expected):
    from cloudmaid.context import Context
    from cloudmaid.policy import Policy
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="open")
    s3.put_bucket_acl(Bucket="open", ACL="public-read")   # READ to AllUsers, no WRITE
    s3.create_bucket(Bucket="closed")
    f = {"type": "global-grants", "permissions": ["READ", "WRITE"]}
    if operator:
        f["operator"] = operator
    ctx = Context(region="us-east-1", account_id="123456789012")
    meta = Policy({"name": "p", "resource": "s3", "filters": [f]}, ctx).run()
    assert [b["Name"] for b in meta["matched"]] == expected
