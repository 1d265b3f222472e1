"""Deployment cost at scale: a first deploy and an unchanged redeploy of N event-mode policies.

N policies (by default 100: cloudtrail, periodic and ec2-instance-state modes in turn) are
deployed with ``maid run``'s deploy path to a moto server on 127.0.0.1, then deployed again
unchanged. Prints wall time and the API calls of each (reads and writes by operation).

    python3 bench/deploy.py [--policies N] [--share-rules | --bundle]

With ``--share-rules`` or ``--bundle`` the deploy serves policies with identical patterns by
shared rules or one function (mu/sharing.py, mu/bundle.py); it also prints how many rules and
functions the region holds and how many functions one RunInstances event invokes.
"""
import argparse
import collections
import json
import logging
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

MODES = (
    {"type": "cloudtrail", "events": ["RunInstances"]},
    {"type": "periodic", "schedule": "rate(1 day)"},
    {"type": "ec2-instance-state", "events": ["running"]},
)


def policies(n):
    return [{"name": f"bench-{i:03d}", "resource": "ec2",
             "mode": dict(MODES[i % len(MODES)], role="maid-lambda"),
             "filters": [{"tag:Owner": "absent"}, {"type": "value", "key": "InstanceType",
                                                    "value": f"t3.size{i}"}],
             "actions": ["stop"]} for i in range(n)]


def split(calls):
    reads = {k: v for k, v in calls.items()
             if k.split(".", 1)[1].startswith(("Get", "List", "Describe"))}
    return reads, {k: v for k, v in calls.items() if k not in reads}


def fmt(calls):
    return ", ".join(f"{k} {v}" for k, v in sorted(calls.items())) or "none"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policies", type=int, default=100)
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--share-rules", action="store_true")
    how.add_argument("--bundle", action="store_true")
    args = ap.parse_args(argv)

    import boto3
    from moto.server import ThreadedMotoServer

    from cloudmaid import loader
    from cloudmaid.context import Context
    from cloudmaid.mu import deploy
    from cloudmaid.session import SessionFactory
    from cloudmaid.validate import PolicySpec

    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # moto's request log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update({"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    os.environ.pop("AWS_PROFILE", None)
    try:
        boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "policies.json")
            with open(path, "w") as fh:
                json.dump({"policies": policies(args.policies)}, fh)
            source = loader.load(path)
            specs = [PolicySpec(p, source, i) for i, p in enumerate(source.data["policies"])]
            lines = collections.Counter()

            def quiet(message, err=False):
                lines["err" if err else "out"] += 1
            for label in ("first deploy", "unchanged redeploy"):
                ctx = Context(SessionFactory(region="us-east-1"))
                t = time.perf_counter()
                code = deploy.deploy(specs, ctx, echo=quiet, share_rules=args.share_rules,
                                     bundle=args.bundle)
                elapsed = time.perf_counter() - t
                calls = ctx.counter.snapshot()
                reads, writes = split(calls)
                print(f"{label} of {args.policies} policies: {elapsed:.1f} s, exit {code}, "
                      f"{sum(calls.values())} API calls = {sum(reads.values())} reads + "
                      f"{sum(writes.values())} writes")
                print(f"  reads:  {fmt(reads)}")
                print(f"  writes: {fmt(writes)}")
            events, lam = boto3.client("events"), boto3.client("lambda")
            rules = [r for p in events.get_paginator("list_rules").paginate() for r in p["Rules"]]
            functions = sum(len(p["Functions"]) for p in lam.get_paginator("list_functions").paginate())
            launch = sum(len(events.list_targets_by_rule(Rule=r["Name"])["Targets"]) for r in rules
                         if "RunInstances" in (r.get("EventPattern") or ""))
            print(f"deployed: {len(rules)} rules, {functions} functions; one RunInstances event "
                  f"invokes {launch} functions")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
