"""``maid org run`` over many accounts x regions against moto's server (a child process, so its
memory is not ours; moto serves each account to credentials assumed into it).

Seeds ACCOUNTS accounts x 4 regions (25 instances, so 25 volumes, per account and region, and
one bucket per account), then runs a 3-policy file (ec2, ebs and global s3; ``--dryrun``) over
the first 10 and over all accounts, each run in a fresh process, and prints wall time, API
calls and peak RSS of each. Peak RSS should not grow with the number of accounts: only the
worker pool's tasks hold resources at any time.

    python bench/org.py [--accounts 50] [--workers 4] [--per-task 25] [--more-workers 1 8]
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
POLICIES = """
policies:
  - name: ec2-untagged
    resource: ec2
    filters:
      - tag:Owner: absent
    actions: [stop]
  - name: ebs-wrong-cost-center
    resource: ebs
    filters:
      - not:
          - tag:CostCenter: "{charge_code}"
    actions:
      - {type: tag, key: CostCenter, value: "{charge_code}"}
  - name: buckets-unencrypted
    resource: s3
    filters:
      - type: bucket-encryption
        state: false
"""


def account_id(i):
    return f"{100000000000 + i:012d}"


def accounts_yaml(n):
    lines = ["accounts:"]
    for i in range(n):
        lines += [f'  - account_id: "{account_id(i)}"', f"    name: acct-{i:03d}",
                  "    role: maid", f"    regions: [{', '.join(REGIONS)}]",
                  f"    vars: {{charge_code: cc-{i % 7}}}"]
    return "\n".join(lines) + "\n"


def seed(srv, n, per_task):
    import boto3
    sts = srv.client("sts")
    for i in range(n):
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id(i)}:role/admin",
                            RoleSessionName="seed")["Credentials"]
        s = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                          aws_session_token=c["SessionToken"])
        for region in REGIONS:
            s.client("ec2", region_name=region, endpoint_url=srv.endpoint).run_instances(
                ImageId="ami-12345678", MinCount=per_task, MaxCount=per_task, InstanceType="t3.micro")
        s.client("s3", region_name="us-east-1", endpoint_url=srv.endpoint).create_bucket(
            Bucket=f"bench-{account_id(i)}")


def child(accounts_file, policy_file, out, workers):
    """One measured run in this (fresh) process; prints a JSON line."""
    from cloudmaid.org.accounts import load
    from cloudmaid.org.command import load_policies
    from cloudmaid.org.runner import OrgOptions, run_org
    accounts, specs = load(accounts_file), load_policies([policy_file])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lines, samples = [0], []
    every = max(1, len(accounts) * len(REGIONS) * len(specs) // 10)

    def echo(*args, **kwargs):   # one line per policy run: sample RSS as the run goes
        lines[0] += 1
        if lines[0] % every == 0:
            samples.append(current_rss_mb())

    t0 = time.perf_counter()
    summary = run_org(accounts, specs, OrgOptions(output_dir=out, dryrun=True, workers=workers),
                      echo=echo)
    wall = time.perf_counter() - t0
    print(json.dumps({"accounts": len(accounts), "tasks": summary.tasks, "failed": len(summary.failed),
                      "wall": round(wall, 1), "api_calls": sum(summary.api_calls.values()),
                      "assume_role": summary.api_calls.get("sts.AssumeRole", 0),
                      "rss_before_mb": round(before / 1024, 1),
                      "workers": workers,
                      "rss_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                      "rss_every_tenth_mb": samples}))


def current_rss_mb():
    with open("/proc/self/statm") as fh:
        return round(int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--per-task", type=int, default=25)
    ap.add_argument("--more-workers", type=int, nargs="*", default=[],
                    help="also run all accounts with these worker counts")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(*args.child[:3], int(args.child[3]))
    from bench.fleet import MotoServer
    work = tempfile.mkdtemp(prefix="maid-org-bench-")
    policy_file = os.path.join(work, "policies.yml")
    with open(policy_file, "w") as fh:
        fh.write(POLICIES)
    with MotoServer() as srv:
        t0 = time.perf_counter()
        seed(srv, args.accounts, args.per_task)
        print(f"seeded {args.accounts} accounts x {len(REGIONS)} regions x {args.per_task} "
              f"instances in {time.perf_counter() - t0:.0f}s", flush=True)
        env = dict(os.environ, **srv.env())
        runs = [(min(10, args.accounts), args.workers), (args.accounts, args.workers)]
        runs += [(args.accounts, w) for w in args.more_workers]
        for n, workers in runs:
            accounts_file = os.path.join(work, f"accounts-{n}.yml")
            with open(accounts_file, "w") as fh:
                fh.write(accounts_yaml(n))
            out = subprocess.run([sys.executable, __file__, "--child", accounts_file, policy_file,
                                  os.path.join(work, f"out-{n}-{workers}"), str(workers)],
                                 env=env, check=True, capture_output=True, text=True).stdout
            print(out.strip(), flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
