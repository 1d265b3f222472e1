"""``maid run --share-rules`` and ``--bundle`` end to end against the sandbox: deployed by the
CLI, a real RunInstances call recorded as CloudTrail, delivered by the deployed rules to the
deployed zips run as Lambda would; the same effect as one function per policy."""
import pytest
import yaml
from click.testing import CliRunner

from cloudmaid.cli import main
from cloudmaid.sandbox import fleet, trail
from cloudmaid.sandbox.deliver import Delivery
from cloudmaid.sandbox.server import Sandbox


def policies(prefix):
    mode = {"type": "cloudtrail", "events": ["RunInstances"], "role": "maid-lambda",
            "function-prefix": prefix}
    out = [{"name": f"owner-tag-{i}", "resource": "ec2", "mode": mode,
            "filters": [{"tag:Owner": "absent"}],
            "actions": [{"type": "tag", "key": f"checked-{i}", "value": "yes"}]} for i in range(6)]
    out.append({"name": "stop-untagged", "resource": "ec2", "mode": mode,
                "filters": [{"tag:Owner": "absent"}], "actions": ["stop"]})
    return out


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as sb:
        sb.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")
        yield sb


def maid(sandbox, *args):
    result = CliRunner().invoke(main, list(args), env=sandbox.env())
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("flag, prefix", [("--share-rules", "sh-"), ("--bundle", "bu-")])
def test_fewer_rules_same_effect(sandbox, tmp_path, flag, prefix):
    path = tmp_path / "p.yml"
    path.write_text(yaml.safe_dump({"policies": policies(prefix)}))
    out = maid(sandbox, "run", flag, "-s", str(tmp_path / "out"), str(path))
    events = sandbox.client("events")
    ours = [r for r in events.list_rules()["Rules"] if r["Name"].startswith(prefix)]
    assert len(ours) == (2 if flag == "--share-rules" else 1), out
    again = maid(sandbox, "run", flag, "--plan", str(path))
    assert "up to date" in again and "create" not in again and "put_" not in again, again

    t = trail.Trail(sandbox.account_id)
    ec2 = t.watch(sandbox.client("ec2"))
    image = fleet.base_image(ec2)
    untagged = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    owned = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, TagSpecifications=[{
        "ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": "me"}]}])["Instances"][0]["InstanceId"]
    with Delivery(sandbox.session(), sandbox.region, sandbox.account_id, sandbox.env()) as d:
        runs = [i for i in d.deliver_all(t.take()) if i.function.startswith(prefix)]
    assert runs and all(i.ok for i in runs), [i.error for i in runs]
    # 2 launches: one cold start each for the bundle, one per policy when rules are shared
    assert len(runs) == (14 if flag == "--share-rules" else 2)
    got = {i["InstanceId"]: i for r in ec2.describe_instances(InstanceIds=[untagged, owned])["Reservations"]
           for i in r["Instances"]}
    tags = {t["Key"] for t in got[untagged].get("Tags", [])}
    assert {f"checked-{i}" for i in range(6)} <= tags
    assert got[untagged]["State"]["Name"] in ("stopping", "stopped")
    assert not any(t["Key"].startswith("checked-") for t in got[owned].get("Tags", []))
    assert got[owned]["State"]["Name"] == "running"
