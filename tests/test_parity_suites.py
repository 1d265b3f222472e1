"""Parity with Cloud Custodian, per service family: each suite of bench/parity/suites seeds its
fleet into a moto server on 127.0.0.1, and ``maid run --dryrun`` of its policies.yml matches,
policy by policy, what Cloud Custodian matched on the same fleet (recorded by
``bench/parity/record.py --suite NAME`` into tests/fixtures/parity/NAME.json). Needs no Cloud
Custodian: the fixtures hold its results."""
import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

import fleet  # noqa: E402

from bench.parity import suites  # noqa: E402

SUITES = suites.names()
CASES = []
for _suite in SUITES:
    with open(suites.expected_path(_suite)) as _f:
        for _policy in sorted(json.load(_f)["policies"]):
            CASES.append((_suite, _policy))


def expected(suite):
    with open(suites.expected_path(suite)) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """suite -> (CliRunner result, matched names, write calls) of one dry run of its file."""
    from click.testing import CliRunner

    from cloudmaid.cli import main
    done = {}

    def get(suite):
        if suite not in done:
            out = str(tmp_path_factory.mktemp(f"parity-{suite}") / "out")
            with fleet.MotoServer(record=True) as srv:
                summary = suites.fleet(suite).seed(srv.endpoint)
                assert summary == expected(suite)["fleet"], \
                    f"the {suite} fleet changed: re-record with bench/parity/record.py --suite {suite}"
                srv.start_recording()
                result = CliRunner().invoke(main, ["run", "--dryrun", "-s", out,
                                                   suites.policies_path(suite)], env=srv.env())
                calls = fleet.count(srv.stop_recording())
            done[suite] = result, suites.matched(out, suite), calls
        return done[suite]
    return get


def test_suites_are_recorded():
    assert SUITES == sorted(os.path.splitext(f)[0] for f in os.listdir(suites.FIXTURES)
                            if f != "expected.json")
    for suite in SUITES:
        assert sorted(p for p, _ in suites.policies(suite)) == sorted(expected(suite)["policies"])


def group(suite):
    """A suite's cases share one worker under ``--dist loadgroup``, and so its one run."""
    return pytest.mark.xdist_group(f"parity-{suite}")


@pytest.mark.parametrize("suite,policy", [pytest.param(s, p, id=f"{s}:{p}", marks=group(s))
                                          for s, p in CASES])
def test_matches_custodian(runs, suite, policy):
    result, matched, _ = runs(suite)
    got = matched[policy]
    assert got is not None, f"maid wrote no {policy}/resources.json:\n{result.output[-2000:]}"
    want = expected(suite)["policies"][policy]
    assert got == want, (f"{policy}: missing {sorted(set(want) - set(got))}, "
                         f"extra {sorted(set(got) - set(want))}")


@pytest.mark.parametrize("suite", [pytest.param(s, id=s, marks=group(s)) for s in SUITES])
def test_dry_run_succeeds_without_writes(runs, suite):
    from .test_parity import is_read
    result, _, calls = runs(suite)
    assert result.exit_code == 0, result.output[-3000:]
    writes = {op: n for op, n in calls.items() if not is_read(op)}
    assert not writes, f"--dryrun made write calls: {writes}"
