"""API economy: the AWS API calls Cloud Custodian and maid make for the same 30-policy file.

Seeds bench/fleet.py's fleet (60 instances, 110 volumes: 70 attached to instances and 40
standalone, 10 buckets) into a moto server with moto's request recorder on, then runs
bench/parity/api_policies.yml with ``custodian run --dryrun`` (with its default 15-minute
resource cache in a fresh cache file, and again with ``--cache-period 0``) and with
``maid run --dryrun``, each against the same fleet, and
counts the requests the server received from each. Prints both figures, the ratio and the
operations behind them; exit 1 when maid makes more than a quarter of the calls of Custodian
with its default cache (the stricter of the two figures).
Also checks that both matched the same resources per policy.

    python3 bench/api_calls.py [--custodian /work/c7n-venv/bin/custodian]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "parity"))

import fleet  # noqa: E402
from fleet import count  # noqa: E402
from record import matched_names, policy_names  # noqa: E402

POLICIES = os.path.join(HERE, "parity", "api_policies.yml")
LIMIT = 0.25
def run_custodian(custodian, srv, out, cache, period=15):
    cmd = [custodian, "run", "--dryrun", "--cache", cache, "--cache-period", str(period),
           "--region", fleet.REGION, "-s", out, POLICIES]
    return subprocess.run(cmd, env=dict(os.environ, **srv.env()), capture_output=True, text=True)


def run_maid(srv, out):
    cmd = [sys.executable, "-c", "from cloudmaid.cli import main; main()", "run", "--dryrun",
           "-s", out, POLICIES]
    return subprocess.run(cmd, env=dict(os.environ, **srv.env()), cwd=ROOT, capture_output=True, text=True)


def measured(srv, runner):
    srv.start_recording()
    t = time.time()
    proc = runner()
    elapsed = time.time() - t
    calls = count(srv.stop_recording())
    if proc.returncode:
        sys.stderr.write(proc.stderr[-3000:])
    return calls, elapsed, proc.returncode


def show(title, calls, elapsed, top=12):
    print(f"{title}: {sum(calls.values())} API calls in {elapsed:.1f}s")
    for op, n in calls.most_common(top):
        print(f"  {n:5d}  {op}")
    if len(calls) > top:
        print(f"  {sum(n for _, n in calls.most_common()[top:]):5d}  ({len(calls) - top} other operations)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--custodian", default="/work/c7n-venv/bin/custodian")
    args = ap.parse_args()
    if not os.path.exists(args.custodian):
        raise SystemExit(f"Cloud Custodian not found at {args.custodian} (see --custodian)")
    names = policy_names(POLICIES)
    with fleet.MotoServer(record=True) as srv, tempfile.TemporaryDirectory() as tmp:
        summary = fleet.seed(srv.endpoint)
        print(f"fleet: {summary}; {len(names)} policies")
        c7n_calls, c7n_time, c7n_rc = measured(
            srv, lambda: run_custodian(args.custodian, srv, f"{tmp}/c7n", f"{tmp}/c7n.cache"))
        nc_calls, nc_time, nc_rc = measured(
            srv, lambda: run_custodian(args.custodian, srv, f"{tmp}/c7n-nc", f"{tmp}/nc.cache", 0))
        maid_calls, maid_time, maid_rc = measured(srv, lambda: run_maid(srv, f"{tmp}/maid"))
        c7n_match = matched_names(f"{tmp}/c7n", names)
        maid_match = matched_names(f"{tmp}/maid", names)
    show("Cloud Custodian (default 15-minute resource cache)", c7n_calls, c7n_time)
    show("Cloud Custodian (--cache-period 0)", nc_calls, nc_time)
    show("maid", maid_calls, maid_time)
    c7n_total, nc_total = sum(c7n_calls.values()), sum(nc_calls.values())
    maid_total = sum(maid_calls.values())
    ratio = maid_total / c7n_total if c7n_total else float("inf")
    ratio_nc = maid_total / nc_total if nc_total else float("inf")
    differ = [n for n in names if c7n_match[n] != maid_match[n]]
    print(f"\nAPI calls: maid {maid_total}; Cloud Custodian {c7n_total} with its default cache "
          f"(ratio {ratio:.3f}), {nc_total} without (ratio {ratio_nc:.3f}); limit {LIMIT}")
    print(f"same matches in {len(names) - len(differ)}/{len(names)} policies"
          + (f"; differ: {', '.join(differ)}" if differ else ""))
    ok = ratio <= LIMIT and not differ and not (c7n_rc or nc_rc or maid_rc)
    print(json.dumps({"maid_calls": maid_total, "custodian_calls": c7n_total,
                      "custodian_calls_no_cache": nc_total, "ratio": round(ratio, 4),
                      "ratio_no_cache": round(ratio_nc, 4), "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
