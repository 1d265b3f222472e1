"""The engine end to end in-process: policy -> describe -> filters -> actions -> output."""
import json

from cloudmaid.policy import Policy

from .conftest import run_instances


def state(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]


def test_untagged_instances_are_stopped(ctx, ec2, tmp_path):
    tagged = run_instances(ec2, tags={"Owner": "me"})[0]
    untagged = run_instances(ec2)[0]
    p = Policy({"name": "stop-untagged", "resource": "ec2",
                "filters": [{"tag:Owner": "absent"}], "actions": ["stop"]}, ctx)
    meta = p.run()
    assert [r["InstanceId"] for r in meta["matched"]] == [untagged]
    assert state(ec2, untagged) == "stopped"
    assert state(ec2, tagged) == "running"
    out = tmp_path / "out" / "stop-untagged"
    assert [r["InstanceId"] for r in json.loads((out / "resources.json").read_text())] == [untagged]
    md = json.loads((out / "metadata.json").read_text())
    assert md["api-stats"]["ec2.StopInstances"] == 1
    assert md["actions"][0]["succeeded"] == 1
    assert (out / "run.log").exists()


def test_dryrun_makes_no_write_call(ctx, ec2):
    iid = run_instances(ec2)[0]
    ctx.dryrun = True
    meta = Policy({"name": "p", "resource": "ec2", "actions": ["stop"]}, ctx).run()
    assert len(meta["matched"]) == 1
    assert state(ec2, iid) == "running"
    assert "ec2.StopInstances" not in meta["api-stats"]


def test_max_resources_stops_before_actions(ctx, ec2):
    ids = run_instances(ec2, count=3)
    meta = Policy({"name": "p", "resource": "ec2", "max-resources": 2, "actions": ["stop"]}, ctx).run()
    assert meta["errors"] and "max-resources" in meta["errors"][0]
    assert {state(ec2, i) for i in ids} == {"running"}


def test_resources_json_names_the_matched_value_filters(ctx, ec2, tmp_path):
    run_instances(ec2)
    Policy({"name": "mf", "resource": "ec2",
            "filters": [{"tag:Owner": "absent"},
                        {"or": [{"State.Name": "running"}, {"InstanceType": "m5.large"}]}]},
           ctx).run()
    [r] = json.loads((tmp_path / "out" / "mf" / "resources.json").read_text())
    assert r["c7n:MatchedFilters"] == ["tag:Owner", "State.Name"]
