"""Record what Cloud Custodian matches on the parity fleet: tests/fixtures/parity/expected.json.

Starts a moto server, seeds bench/fleet.py's fleet, runs
``custodian run --dryrun -s OUT bench/parity/policies.yml`` from /work/c7n-venv against it, and
writes, per policy, the sorted Names (bench.fleet.name_of) of the matched resources.
Cloud Custodian is only needed to re-record; tests/test_parity.py reads the fixture.

    python3 bench/parity/record.py [--custodian /tmp/c7n-venv/bin/custodian]

With ``--suite NAME``, records bench/parity/suites/NAME (its own fleet and policies) into
tests/fixtures/parity/NAME.json instead.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import fleet  # noqa: E402

POLICIES = os.path.join(HERE, "policies.yml")
EXPECTED = os.path.join(ROOT, "tests", "fixtures", "parity", "expected.json")


def matched_names(out_dir, policy_names):
    """{policy: sorted Names} from a Custodian-layout output folder (maid writes the same)."""
    result = {}
    for name in policy_names:
        path = os.path.join(out_dir, name, "resources.json")
        if not os.path.exists(path):
            result[name] = None
            continue
        with open(path) as f:
            result[name] = sorted(fleet.name_of(r) for r in json.load(f))
    return result


def policy_names(path=POLICIES):
    import yaml
    with open(path) as f:
        return [p["name"] for p in yaml.safe_load(f)["policies"]]


def run_custodian(custodian, srv, policies, out_dir):
    env = dict(os.environ, **srv.env())
    cmd = [custodian, "run", "--dryrun", "--cache-period", "0", "--region", fleet.REGION,
           "-s", out_dir, policies]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"custodian exited {proc.returncode}")
    return proc


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--custodian", default="/tmp/c7n-venv/bin/custodian")
    ap.add_argument("--output", default=None)
    ap.add_argument("--suite", help="a folder of bench/parity/suites")
    args = ap.parse_args()
    version = subprocess.run([args.custodian, "version"], capture_output=True, text=True).stdout.strip()
    if args.suite:
        return record_suite(args, version)
    args.output = args.output or EXPECTED
    names = policy_names()
    with fleet.MotoServer() as srv, tempfile.TemporaryDirectory() as out:
        summary = fleet.seed(srv.endpoint)
        run_custodian(args.custodian, srv, POLICIES, out)
        matched = matched_names(out, names)
    missing = [n for n, m in matched.items() if m is None]
    if missing:
        raise SystemExit(f"custodian wrote no resources.json for: {', '.join(missing)}")
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as f:
        json.dump({"recorded_with": f"c7n {version}", "fleet": summary, "policies": matched},
                  f, indent=1, sort_keys=True)
        f.write("\n")
    for name in names:
        print(f"{len(matched[name]):3d}  {name}")
    print(f"wrote {os.path.relpath(args.output, ROOT)}")


def record_suite(args, version):
    sys.path.insert(0, os.path.join(ROOT))
    from bench.parity import suites
    output = args.output or suites.expected_path(args.suite)
    with fleet.MotoServer() as srv, tempfile.TemporaryDirectory() as out:
        summary = suites.fleet(args.suite).seed(srv.endpoint)
        run_custodian(args.custodian, srv, suites.policies_path(args.suite), out)
        matched = suites.matched(out, args.suite)
    missing = [n for n, m in matched.items() if m is None]
    if missing:
        raise SystemExit(f"custodian wrote no resources.json for: {', '.join(missing)}")
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w") as f:
        json.dump({"recorded_with": f"c7n {version}", "fleet": summary, "policies": matched},
                  f, indent=1, sort_keys=True)
        f.write("\n")
    for name, found in matched.items():
        print(f"{len(found):3d}  {name}")
    print(f"wrote {os.path.relpath(output, ROOT)}")


if __name__ == "__main__":
    main()
