"""Fewer rules and functions for policies with identical patterns: ``--share-rules`` (at most 5
functions per rule) and ``--bundle`` (one function and one rule serving every member)."""
import io
import json
import zipfile

import boto3
import pytest

from cloudmaid.modes.core import EventMode
from cloudmaid.mu import deploy, gc, handler, package
from cloudmaid.mu.bundle import bundle_key, bundle_name
from cloudmaid.policy import Policy

from .conftest import run_instances
from .test_deploy import ACCOUNT, CLOUDTRAIL, PERIODIC, specs_of, writes
from .test_handler import lambda_context, run_instances_event


def launch_policies(n, **mode):
    return [dict(CLOUDTRAIL, name=f"launch-{i}", mode=dict(CLOUDTRAIL["mode"], **mode)) for i in range(n)]


def run(specs, ctx, **kw):
    lines = []
    before = ctx.counter.snapshot()
    code = deploy.deploy(specs, ctx, echo=lambda m, err=False: lines.append(m), **kw)
    return code, ctx.counter.since(before), lines


@pytest.fixture
def role(aws):
    return boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def rules(bus=None):
    events = boto3.client("events", region_name="us-east-1")
    out = {}
    for r in events.list_rules(**({"EventBusName": bus} if bus else {}))["Rules"]:
        out[r["Name"]] = sorted(t["Id"] for t in events.list_targets_by_rule(Rule=r["Name"])["Targets"])
    return out


def functions():
    return sorted(f["FunctionName"] for f in boto3.client("lambda", region_name="us-east-1")
                  .list_functions()["Functions"])


def source_arn(name):
    policy = json.loads(boto3.client("lambda", region_name="us-east-1").get_policy(FunctionName=name)["Policy"])
    return policy["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"]


# -- shared rules ---------------------------------------------------------------------------
def test_identical_patterns_share_rules_of_five_targets(ctx, role, tmp_path):
    specs = specs_of(tmp_path, *launch_policies(7), PERIODIC)
    code, calls, lines = run(specs, ctx, share_rules=True)
    assert code == 0, lines
    found = rules()
    shared = sorted(n for n in found if "shared-" in n)
    assert len(shared) == 2 and shared[0].endswith("-0") and shared[1].endswith("-1")
    assert found[shared[0]] == [f"maid-launch-{i}" for i in range(5)]
    assert found[shared[1]] == ["maid-launch-5", "maid-launch-6"]
    # the schedule cannot share: it keeps its own rule; no launch policy has one
    assert found["maid-nightly"] == ["maid-nightly"]
    assert not any(n.startswith("maid-launch-") for n in found)
    assert writes(calls)["events.PutRule"] == 3
    # each function may be invoked by its shared rule only
    assert source_arn("maid-launch-6").endswith(f":rule/{shared[1]}")
    assert source_arn("maid-launch-0").endswith(f":rule/{shared[0]}")
    # the shared rule carries the merged pattern of its members
    rule = boto3.client("events", region_name="us-east-1").describe_rule(Name=shared[0])
    assert json.loads(rule["EventPattern"])["detail"]["eventName"] == ["RunInstances"]

    code, again, lines = run(specs, ctx, share_rules=True)
    assert code == 0 and writes(again) == {}, again


def test_sharing_on_then_off_moves_every_function_without_leftovers(ctx, role, tmp_path):
    specs = specs_of(tmp_path, *launch_policies(3))
    assert run(specs, ctx)[0] == 0
    assert sorted(rules()) == ["maid-launch-0", "maid-launch-1", "maid-launch-2"]
    # on: the shared rule is put before the functions' own rules go, so no event is missed
    code, calls, lines = run(specs, ctx, share_rules=True)
    assert code == 0, lines
    (shared,) = rules()
    assert rules()[shared] == ["maid-launch-0", "maid-launch-1", "maid-launch-2"]
    assert writes(calls)["events.DeleteRule"] == 3
    # off again: own rules back, the shared rule removed
    code, calls, lines = run(specs, ctx)
    assert code == 0, lines
    assert rules() == {f"maid-launch-{i}": [f"maid-launch-{i}"] for i in range(3)}
    assert source_arn("maid-launch-1").endswith(":rule/maid-launch-1")
    assert run(specs, ctx)[1].get("events.DeleteRule") is None


def test_a_shrinking_group_drops_its_extra_shared_rule(ctx, role, tmp_path):
    assert run(specs_of(tmp_path, *launch_policies(6)), ctx, share_rules=True)[0] == 0
    assert len(rules()) == 2
    code, _, lines = run(specs_of(tmp_path, *launch_policies(4)), ctx, share_rules=True)
    assert code == 0, lines
    ((name, targets),) = rules().items()
    assert name.endswith("-0") and targets == [f"maid-launch-{i}" for i in range(4)]


def test_plan_of_shared_rules_writes_nothing(ctx, role, tmp_path):
    specs = specs_of(tmp_path, *launch_policies(6))
    lines = []
    before = ctx.counter.snapshot()
    assert deploy.deploy(specs, ctx, plan_only=True, share_rules=True,
                         echo=lambda m, err=False: lines.append(m)) == 0
    assert writes(ctx.counter.since(before)) == {}
    text = "\n".join(lines)
    assert "2 rules" in text and "events.put_targets" in text and "maid-launch-5" in text


def test_sharing_keeps_a_deploy_within_the_rules_quota(ctx, role, tmp_path, monkeypatch):
    from cloudmaid.mu import quotas
    monkeypatch.setattr(quotas, "DEFAULT_RULES_PER_BUS", 3)
    specs = specs_of(tmp_path, *launch_policies(10))
    code, calls, lines = run(specs, ctx)
    assert code == 1 and writes(calls) == {} and "over its quota of 3" in lines[-1]
    code, calls, lines = run(specs, ctx, share_rules=True)
    assert code == 0 and len(rules()) == 2


def test_gc_keeps_shared_rules_in_use_and_removes_them_with_their_policies(ctx, role, tmp_path):
    specs = specs_of(tmp_path, *launch_policies(2))
    assert run(specs, ctx, share_rules=True)[0] == 0
    assert gc.gc(specs, ctx, echo=lambda m, err=False: None) == 0
    assert len(rules()) == 1 and len(functions()) == 2
    assert gc.gc(specs_of(tmp_path, PERIODIC, name="other.yml"), ctx, echo=lambda m, err=False: None) == 0
    assert rules() == {} and functions() == []


# -- bundles -----------------------------------------------------------------------------------
def test_bundle_is_one_function_and_one_rule(ctx, role, tmp_path):
    specs = specs_of(tmp_path, *launch_policies(3), PERIODIC)
    code, calls, lines = run(specs, ctx, bundle=True)
    assert code == 0, lines
    bundles = [f for f in functions() if "bundle-" in f]
    assert len(bundles) == 1 and sorted(functions()) == sorted(bundles + ["maid-nightly"])
    assert rules() == {bundles[0]: [bundles[0]], "maid-nightly": ["maid-nightly"]}
    code_zip = boto3.client("lambda", region_name="us-east-1").get_function(FunctionName=bundles[0])
    assert code_zip["Configuration"]["Description"] == "cloudmaid bundle: launch-0, launch-1, launch-2"
    assert run(specs, ctx, bundle=True)[1] == run(specs, ctx, bundle=True)[1]
    assert writes(run(specs, ctx, bundle=True)[1]) == {}


def test_bundling_replaces_and_unbundling_restores_the_policies_own_functions(ctx, role, tmp_path):
    specs = specs_of(tmp_path, *launch_policies(2))
    assert run(specs, ctx)[0] == 0
    assert functions() == ["maid-launch-0", "maid-launch-1"]
    assert run(specs, ctx, bundle=True)[0] == 0
    (name,) = functions()
    assert "bundle-" in name and list(rules()) == [name]
    assert run(specs, ctx)[0] == 0
    assert functions() == ["maid-launch-0", "maid-launch-1"]
    assert sorted(rules()) == ["maid-launch-0", "maid-launch-1"]


def test_policies_with_other_function_settings_are_not_bundled_together(ctx, role, tmp_path):
    policies = launch_policies(2) + [dict(p, name=f"big-{i}", mode=dict(p["mode"], memory=1024))
                                     for i, p in enumerate(launch_policies(2))] + launch_policies(1, memory=2048)
    policies[-1] = dict(policies[-1], name="alone")
    assert run(specs_of(tmp_path, *policies), ctx, bundle=True)[0] == 0
    names = functions()
    assert len([n for n in names if "bundle-" in n]) == 2 and "maid-alone" in names


def test_gc_keeps_a_bundle_while_two_of_its_policies_remain(ctx, role, tmp_path):
    specs = specs_of(tmp_path, *launch_policies(3))
    assert run(specs, ctx, bundle=True)[0] == 0
    assert gc.gc(specs[:2], ctx, echo=lambda m, err=False: None) == 0
    assert len(functions()) == 1
    assert gc.gc(specs[:1], ctx, echo=lambda m, err=False: None) == 0
    assert functions() == [] and rules() == {}


def bundle_root(tmp_path, policies, ctx):
    """The bundle's zip as deployed, unpacked into a function root."""
    members = sorted(((p, Policy(p, ctx)) for p in policies), key=lambda m: m[1].name)
    key = bundle_key(members[0][1])
    assert all(bundle_key(p) == key for _, p in members)
    data, _ = package.build_bundle([(p, {}) for p, _ in members])
    root = tmp_path / bundle_name(key)
    zipfile.ZipFile(io.BytesIO(data)).extractall(root)
    return root


def test_bundle_serves_each_policy_as_its_own_function_would(ctx, ec2, tmp_path, monkeypatch):
    """Side by side on the same instances: each policy alone, then the bundle of all three."""
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))
    stop = dict(CLOUDTRAIL, name="stop-untagged")
    tag = dict(CLOUDTRAIL, name="tag-untagged", actions=[{"type": "tag", "key": "seen", "value": "yes"}])
    broken = dict(CLOUDTRAIL, name="broken", filters=[], actions=[{"type": "set-instance-profile", "name": "no-such-profile"}])
    members = [stop, tag, broken]

    def instances():
        return run_instances(ec2, 2) + run_instances(ec2, 1, tags={"Owner": "me"})

    alone = {}
    for policy in members:
        ids = instances()
        (tmp_path / "alone").mkdir(exist_ok=True)
        (tmp_path / "alone" / "config.json").write_text(json.dumps({"policy": policy, "options": {}}))
        monkeypatch.setenv(handler.ROOT_ENV, str(tmp_path / "alone"))
        handler.reset()
        record = handler.handler(run_instances_event(*ids), lambda_context())
        alone[policy["name"]] = (record["status"], len(record["matched"]), record["actions"])
    ids = instances()
    monkeypatch.setenv(handler.ROOT_ENV, str(bundle_root(tmp_path, members, ctx)))
    handler.reset()
    before = ctx.counter.snapshot()
    out = handler.handler(run_instances_event(*ids), lambda_context())
    handler.reset()
    got = {r["policy"]: (r["status"], len(r["matched"]), r["actions"]) for r in out["bundle"]}
    assert got == alone
    assert got["stop-untagged"][0] == "ok" and got["broken"][0] == "error"
    states = {i["InstanceId"]: (i["State"]["Name"], {t["Key"] for t in i.get("Tags", [])})
              for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]}
    assert [states[i][0] for i in ids] == ["stopped", "stopped", "running"]
    assert all("seen" in states[i][1] for i in ids[:2]) and "seen" not in states[ids[2]][1]
    del before


def test_bundle_members_share_one_describe_per_event(ctx, ec2, tmp_path, monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))
    members = [dict(CLOUDTRAIL, name=f"watch-{i}", actions=[]) for i in range(4)]
    ids = run_instances(ec2, 2)
    monkeypatch.setenv(handler.ROOT_ENV, str(bundle_root(tmp_path, members, ctx)))
    handler.reset()
    out = handler.handler(run_instances_event(*ids), lambda_context())
    counts = dict(handler._runtime.ctx.counter.counts)
    handler.reset()
    assert [r["status"] for r in out["bundle"]] == ["ok"] * 4
    assert counts.get("ec2.DescribeInstances") == 1


def test_bundle_zip_holds_every_member_and_nothing_else(ctx, aws, tmp_path):
    s3 = dict(CLOUDTRAIL, name="a-s3", resource="s3",
              mode=dict(CLOUDTRAIL["mode"], events=["RunInstances"]), filters=[], actions=[])
    data, _ = package.build_bundle([(CLOUDTRAIL, {}), (s3, {})])
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    config = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("config.json"))
    assert [m["policy"]["name"] for m in config["bundle"]] == ["ec2-require-owner", "a-s3"]
    assert "role" not in config["bundle"][0]["policy"]["mode"]        # deploy-only keys stay out
    assert any(n.startswith("cloudmaid/aws/s3/") for n in names)
    assert any(n.startswith("cloudmaid/aws/ec2/") for n in names)
    assert not any(n.startswith("cloudmaid/aws/rds/") for n in names)
    assert ACCOUNT  # same moto account as the deploy tests


def test_logs_of_a_bundled_policy_are_its_lines_in_the_bundle_log_group(ctx, role, tmp_path):
    from cloudmaid.mu import logs
    specs = specs_of(tmp_path, *launch_policies(2))
    key = bundle_key(Policy(specs[0].data, ctx))
    group = f"/aws/lambda/{bundle_name(key)}"
    client = boto3.client("logs", region_name="us-east-1")
    client.create_log_group(logGroupName=group)
    client.create_log_stream(logGroupName=group, logStreamName="s")
    now = int(ctx.now.timestamp() * 1000)
    client.put_log_events(logGroupName=group, logStreamName="s", logEvents=[
        {"timestamp": now + i, "message": json.dumps({"policy": f"launch-{i % 2}", "status": "ok", "n": i})}
        for i in range(4)])
    lines = []
    assert logs.logs(specs, ctx, "launch-1", echo=lambda m, err=False: lines.append(m)) == 0
    assert len(lines) == 2 and all('"policy": "launch-1"' in line for line in lines)
