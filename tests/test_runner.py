"""Runs of several policies: shared describes, invalidation after writes, exit codes."""
import json

from cloudmaid import loader
from cloudmaid.runner import RunOptions, run_policies
from cloudmaid.validate import PolicySpec

from .conftest import run_instances


def specs_of(policies):
    source = loader.Source("p.yml", {"policies": policies}, {})
    return [PolicySpec(p, source, i) for i, p in enumerate(policies)]


def api_stats(out, name):
    return json.loads((out / name / "metadata.json").read_text())["api-stats"]


def test_policies_share_one_describe(aws, ec2, tmp_path):
    run_instances(ec2, count=2)
    policies = [{"name": f"p{i}", "resource": "ec2", "filters": [{"State.Name": "running"}]}
                for i in range(3)]
    code = run_policies(specs_of(policies), RunOptions(output_dir=str(tmp_path), account_id="123456789012"),
                        echo=lambda *a, **k: None)
    assert code == 0
    calls = [api_stats(tmp_path, f"p{i}").get("ec2.DescribeInstances", 0) for i in range(3)]
    assert calls == [1, 0, 0]


def test_write_action_invalidates_shared_describe(aws, ec2, tmp_path):
    run_instances(ec2, count=2)
    policies = [
        {"name": "a-stop", "resource": "ec2", "actions": ["stop"]},
        {"name": "b-stopped", "resource": "ec2", "filters": [{"State.Name": "stopped"}]},
    ]
    code = run_policies(specs_of(policies), RunOptions(output_dir=str(tmp_path), account_id="123456789012"),
                        echo=lambda *a, **k: None)
    assert code == 0
    assert api_stats(tmp_path, "b-stopped") == {"ec2.DescribeInstances": 1}
    matched = json.loads((tmp_path / "b-stopped" / "resources.json").read_text())
    assert len(matched) == 2


def test_max_resources_exit_code(aws, ec2, tmp_path):
    run_instances(ec2, count=3)
    policies = [{"name": "p", "resource": "ec2", "max-resources-percent": 50, "actions": ["stop"]}]
    lines = []
    code = run_policies(specs_of(policies), RunOptions(output_dir=str(tmp_path), account_id="123456789012"),
                        echo=lambda line, **k: lines.append(line))
    assert code == 1
    meta = json.loads((tmp_path / "p" / "metadata.json").read_text())
    assert "max-resources" in meta["errors"][0] and meta["actions"] == []


def test_variables_are_interpolated_like_custodian(aws):
    import datetime
    from cloudmaid.context import Context
    from cloudmaid.policy import interpolate, LazyVariables
    ctx = Context(region="eu-west-1", account_id="111122223333")
    ctx.now = datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)
    data = {"a": ["arn:{partition}:iam::{account_id}:role/x", "{region}", "{now}", "{now:%Y-%m-%d}",
                  "{other} stays"]}
    assert interpolate(data, LazyVariables(ctx)) == {"a": [
        "arn:aws:iam::111122223333:role/x", "eu-west-1", "2026-01-02 03:04:05.000006",
        "2026-01-02", "{other} stays"]}


def test_annotations_do_not_leak_between_policies(aws, ec2, tmp_path):
    run_instances(ec2)
    policies = [{"name": "a", "resource": "ec2", "filters": [{"InstanceType": "t3.micro"}]},
                {"name": "b", "resource": "ec2", "filters": [{"State.Name": "running"}]}]
    assert run_policies(specs_of(policies), RunOptions(output_dir=str(tmp_path), account_id="123456789012"),
                        echo=lambda *a, **k: None) == 0
    [b] = json.loads((tmp_path / "b" / "resources.json").read_text())
    assert b["c7n:MatchedFilters"] == ["State.Name"]


def test_dryrun_runs_event_mode_policies_in_pull_mode_and_deploys_nothing(aws, ec2, tmp_path):
    import boto3
    untagged = run_instances(ec2)[0]
    run_instances(ec2, tags={"Owner": "me"})
    policies = [{"name": "ev", "resource": "ec2",
                 "mode": {"type": "cloudtrail", "events": ["RunInstances"], "role": "maid-role"},
                 "filters": [{"tag:Owner": "absent"},
                             {"type": "event", "key": "detail.eventName", "value": "RunInstances"}],
                 "actions": ["stop"]}]
    code = run_policies(specs_of(policies), RunOptions(output_dir=str(tmp_path), dryrun=True,
                                                       account_id="123456789012"),
                        echo=lambda *a, **k: None)
    assert code == 0
    [r] = json.loads((tmp_path / "ev" / "resources.json").read_text())
    assert r["InstanceId"] == untagged
    assert boto3.client("lambda", region_name="us-east-1").list_functions()["Functions"] == []
    assert set(api_stats(tmp_path, "ev")) == {"ec2.DescribeInstances"}
