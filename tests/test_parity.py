"""Parity with Cloud Custodian: `maid run --dryrun` of bench/parity/policies.yml on the fleet of
bench/fleet.py (seeded into moto's server on 127.0.0.1) matches, policy by policy, the resources
Cloud Custodian matched on the same fleet (recorded by bench/parity/record.py into
tests/fixtures/parity/expected.json). Resources are compared by Name: moto's ids are random.
Needs no Cloud Custodian: the fixture holds its result.
"""
import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import fleet  # noqa: E402

#: one fleet and one run for the file: its tests share a worker under ``--dist loadgroup``
pytestmark = pytest.mark.xdist_group("parity")
POLICIES = os.path.join(ROOT, "bench", "parity", "policies.yml")
with open(os.path.join(ROOT, "tests", "fixtures", "parity", "expected.json")) as _f:
    EXPECTED = json.load(_f)


@pytest.fixture(scope="module")
def maid_run(tmp_path_factory):
    """Seed the fleet, run every parity policy once; returns (exit code, output, out dir)."""
    from click.testing import CliRunner

    from cloudmaid.cli import main
    out = str(tmp_path_factory.mktemp("parity") / "out")
    with fleet.MotoServer(record=True) as srv:
        summary = fleet.seed(srv.endpoint)
        assert summary == EXPECTED["fleet"], "the fleet changed: re-record with bench/parity/record.py"
        srv.start_recording()
        result = CliRunner().invoke(main, ["run", "--dryrun", "-s", out, POLICIES], env=srv.env())
        calls = fleet.count(srv.stop_recording())
    return result, out, calls


def is_read(op):
    """Describe/List/Get (query protocols) or an S3 GET/HEAD."""
    name = op.split(".", 1)[1]
    return name.startswith(("Describe", "List", "Get", "GET ", "HEAD "))


def test_every_recorded_policy_is_in_the_file():
    import yaml
    with open(POLICIES) as f:
        names = [p["name"] for p in yaml.safe_load(f)["policies"]]
    assert sorted(names) == sorted(EXPECTED["policies"])
    assert len(names) >= 20


@pytest.mark.parametrize("policy", sorted(EXPECTED["policies"]))
def test_matches_custodian(maid_run, policy):
    result, out, _ = maid_run
    path = os.path.join(out, policy, "resources.json")
    assert os.path.exists(path), (
        f"maid wrote no {policy}/resources.json (exit {result.exit_code}):\n{result.output[-2000:]}")
    with open(path) as f:
        got = sorted(fleet.name_of(r) for r in json.load(f))
    want = EXPECTED["policies"][policy]
    assert got == want, (f"{policy}: missing {sorted(set(want) - set(got))}, "
                         f"extra {sorted(set(got) - set(want))}")


def test_dryrun_run_succeeds_without_writes(maid_run):
    result, _, calls = maid_run
    assert result.exit_code == 0, result.output[-3000:]
    assert calls, "the recorder saw no call: the run did not reach moto's server"
    writes = {op: n for op, n in calls.items() if not is_read(op)}
    assert not writes, f"--dryrun made write calls: {writes}"
