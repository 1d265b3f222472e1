"""``maid run --event``: event-mode policies run in-process on one event through the handler's
per-event code path; one line per policy says whether its trigger delivers the event."""
import json
import pathlib
import textwrap

import boto3
import pytest
import yaml

from cloudmaid import loader
from cloudmaid.modes.core import EventMode
from cloudmaid.mu import local
from cloudmaid.runner import RunOptions, run_policies
from cloudmaid.validate import PolicySpec

from .conftest import run_instances

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "events"
SEED = pathlib.Path("/work/shared/seed/000_e67c5495cd7fbb11.txt")
ACCOUNT = "123456789012"


def specs_of(policies):
    source = loader.Source("p.yml", {"policies": policies}, {})
    return [PolicySpec(p, source, i) for i, p in enumerate(policies)]


def event_file(tmp_path, name, mutate=None):
    ev = json.loads((FIXTURES / name).read_text())
    if mutate:
        mutate(ev)
    path = tmp_path / name
    path.write_text(json.dumps(ev))
    return str(path)


def with_instances(*ids):
    def mutate(ev):
        item = ev["detail"]["responseElements"]["instancesSet"]["items"][0]
        ev["detail"]["responseElements"]["instancesSet"]["items"] = [dict(item, instanceId=i) for i in ids]
    return mutate


class Echo:
    def __init__(self):
        self.lines, self.errors = [], []

    def __call__(self, msg, err=False):
        (self.errors if err else self.lines).append(msg)


def state(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(EventMode, "sleep", staticmethod(lambda s: None))


STOP_UNTAGGED = {"name": "stop-untagged", "resource": "ec2",
                 "mode": {"type": "cloudtrail", "events": ["RunInstances"]},
                 "filters": [{"tag:Owner": "absent"}], "actions": ["stop"]}
ON_PENDING = {"name": "on-pending", "resource": "ec2",
              "mode": {"type": "ec2-instance-state", "events": ["pending"]}, "actions": ["stop"]}
POLL = {"name": "poll", "resource": "ec2"}


def test_each_policy_says_whether_its_trigger_delivers_the_event(ctx, ec2, tmp_path):
    ctx._account_id = ACCOUNT
    owned = run_instances(ec2, tags={"Owner": "me"})[0]
    loose = run_instances(ec2)[0]
    echo = Echo()
    code = local.run_event_file(specs_of([STOP_UNTAGGED, ON_PENDING, POLL]), ctx,
                                event_file(tmp_path, "cloudtrail-run-instances.json",
                                           with_instances(owned, loose)), echo)
    assert code == 0, echo.errors
    assert echo.lines == [
        "stop-untagged: pattern matches; 1 ec2 resource(s) matched, stop: 1 ok",
        'on-pending: not delivered: detail-type is "AWS API Call via CloudTrail"; the pattern '
        'wants "EC2 Instance State-change Notification"',
        "poll: not delivered: pull mode",
    ]
    assert state(ec2, loose) == "stopped" and state(ec2, owned) == "running"
    out = json.loads((tmp_path / "out" / "stop-untagged" / "resources.json").read_text())
    assert [r["InstanceId"] for r in out] == [loose]


def test_dryrun_matches_without_acting(ctx, ec2, tmp_path):
    ctx._account_id, ctx.dryrun = ACCOUNT, True
    iid = run_instances(ec2)[0]
    echo = Echo()
    code = local.run_event_file(specs_of([STOP_UNTAGGED]), ctx, event_file(
        tmp_path, "cloudtrail-run-instances.json", with_instances(iid)), echo)
    assert code == 0
    assert echo.lines == ["stop-untagged: pattern matches; 1 ec2 resource(s) matched (dryrun)"]
    assert state(ec2, iid) == "running"


def test_error_event_and_bad_files(ctx, tmp_path):
    ctx._account_id = ACCOUNT
    echo = Echo()
    code = local.run_event_file(specs_of([STOP_UNTAGGED]), ctx,
                                event_file(tmp_path, "cloudtrail-run-instances-error.json"), echo)
    assert code == 0
    assert echo.lines[0].startswith("stop-untagged: pattern matches; skipped: failed API call "
                                    "(Client.UnauthorizedOperation)")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    echo = Echo()
    assert local.run_event_file(specs_of([STOP_UNTAGGED]), ctx, str(bad), echo) == 1
    assert echo.errors[0].startswith(f"{bad}: cannot read the event")


def test_malformed_event_is_exit_code_1(ctx, tmp_path):
    ctx._account_id = ACCOUNT
    echo = Echo()
    path = event_file(tmp_path, "ec2-instance-state-pending.json",
                      lambda ev: ev["detail"].pop("instance-id"))
    assert local.run_event_file(specs_of([ON_PENDING]), ctx, path, echo) == 1
    assert "invalid: not an EC2 state-change event" in echo.lines[0]


def test_runner_routes_event_file(aws, ec2, tmp_path):
    iid = run_instances(ec2)[0]
    echo = Echo()
    code = run_policies(specs_of([STOP_UNTAGGED]), RunOptions(
        output_dir=str(tmp_path / "out"), account_id=ACCOUNT,
        event_file=event_file(tmp_path, "cloudtrail-run-instances.json", with_instances(iid))), echo)
    assert code == 0 and echo.lines == ["stop-untagged: pattern matches; 1 ec2 resource(s) matched, stop: 1 ok"]
    assert state(ec2, iid) == "stopped"


def test_cli_run_with_event(aws, ec2, tmp_path):
    from click.testing import CliRunner
    from cloudmaid.cli import main
    iid = run_instances(ec2)[0]
    policy = tmp_path / "p.yml"
    policy.write_text(yaml.safe_dump({"policies": [STOP_UNTAGGED]}))
    ev = event_file(tmp_path, "cloudtrail-run-instances.json", with_instances(iid))
    result = CliRunner().invoke(main, ["run", "-s", str(tmp_path / "out"), "--dryrun",
                                       "--event", ev, str(policy)])
    assert result.exit_code == 0, result.output
    assert "stop-untagged: pattern matches; 1 ec2 resource(s) matched (dryrun)" in result.output
    assert state(ec2, iid) == "running"


# -- the seed's three policies on their events --------------------------------------------------
def seed_policies():
    text = SEED.read_text()
    block = text.split(".. code-block:: yaml", 1)[1]
    return yaml.safe_load(textwrap.dedent(block))["policies"]


def seed(name):
    return next(p for p in seed_policies() if p["name"] == name)


def needs(resource=None, filters=(), actions=()):
    from cloudmaid import plugins
    from cloudmaid.actions.core import actions as areg
    from cloudmaid.filters.core import filters as freg
    from cloudmaid.resources.catalog import CATALOG
    plugins.load_all()
    missing = ([resource] if resource and resource not in CATALOG else []) + \
        [f for f in filters if freg.get(f, resource) is None] + [a for a in actions if areg.get(a, resource) is None]
    if missing:
        pytest.skip(f"not registered yet: {', '.join(missing)}")


def test_seed_policies_validate():
    source = loader.Source("seed.yml", {"policies": seed_policies()}, {})
    specs = [PolicySpec(p, source, i) for i, p in enumerate(seed_policies())]
    assert [s.data["mode"]["type"] for s in specs] == ["cloudtrail", "ec2-instance-state", "periodic"]
    from cloudmaid.modes import load, modes
    load()
    for s in specs:
        mode = modes.get(s.data["mode"]["type"])(s.data["mode"], type("P", (), {
            "name": s.name, "data": s.data, "resource_type": s.data["resource"], "manager": None})())
        assert mode.validate() == [], s.name


def test_seed_tag_compliance_on_run_instances(ctx, ec2, tmp_path):
    ctx._account_id = ACCOUNT
    compliant = run_instances(ec2, tags={"required1": "x", "required2": "y"})[0]
    partial = run_instances(ec2, tags={"required1": "x"})[0]
    echo = Echo()
    code = local.run_event_file(specs_of([seed("ec2-tag-compliance")]), ctx, event_file(
        tmp_path, "cloudtrail-run-instances.json", with_instances(compliant, partial)), echo)
    assert code == 0, echo.errors
    assert echo.lines == ["ec2-tag-compliance: pattern matches; 1 ec2 resource(s) matched, stop: 1 ok"]
    assert state(ec2, partial) == "stopped" and state(ec2, compliant) == "running"


def test_seed_encrypted_volumes_on_pending(ctx, ec2, tmp_path):
    needs("ec2", filters=("ebs",), actions=("mark", "terminate"))
    ctx._account_id = ACCOUNT
    iid = run_instances(ec2)[0]          # moto's root volume is not encrypted
    echo = Echo()
    code = local.run_event_file(specs_of([seed("ec2-require-encrypted-volumes")]), ctx, event_file(
        tmp_path, "ec2-instance-state-pending.json",
        lambda ev: ev["detail"].update({"instance-id": iid})), echo)
    assert code == 0, echo.errors + echo.lines
    assert echo.lines[0].startswith("ec2-require-encrypted-volumes: pattern matches; "
                                    "1 ec2 resource(s) matched")
    assert state(ec2, iid) in ("shutting-down", "terminated")


def test_seed_s3_bucket_check_on_schedule(ctx, tmp_path):
    needs("s3")
    ctx._account_id = ACCOUNT
    s3 = boto3.client("s3", region_name="us-east-1")
    for b in ("maid-a", "maid-b"):
        s3.create_bucket(Bucket=b)
    echo = Echo()
    code = local.run_event_file(specs_of([seed("s3-bucket-check")]), ctx,
                                event_file(tmp_path, "scheduled-event.json"), echo)
    assert code == 0, echo.errors
    assert echo.lines == ["s3-bucket-check: schedule rate(1 day); 2 s3 resource(s) matched"]
