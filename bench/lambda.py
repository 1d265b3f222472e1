"""Lambda figures for a one-policy ec2 function (cloudtrail RunInstances -> stop untagged).

Prints: zip size; (a) ``import boto3``, (b) that plus importing the handler module, (c) that plus
loading the policy (everything before the first API call), as medians of fresh subprocesses on
the unpacked zip with no .pyc (as in Lambda's read-only /var/task); API calls per RunInstances event; API calls of a first deploy and of an unchanged
redeploy (moto, in-process, no Docker needed: moto stores the function, it never runs it).

Run: ``python3 bench/lambda.py [--runs N]`` from the repository root.
"""
import argparse
import importlib
import io
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"})
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

POLICY = {
    "name": "ec2-require-owner", "resource": "ec2",
    "mode": {"type": "cloudtrail", "role": "maid-lambda", "events": ["RunInstances"]},
    "filters": [{"tag:Owner": "absent"}], "actions": ["stop"],
}
RUNTIME_LIBS = ("boto3", "botocore", "jmespath", "dateutil", "s3transfer", "urllib3", "six")
EVENT = os.path.join(ROOT, "tests", "fixtures", "events", "cloudtrail-run-instances.json")

# Each subprocess: -I -S (no site-packages), path = the unpacked zip + boto3 and its deps only.
TIMER = r"""
import sys, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]
t0, c0 = time.perf_counter(), time.process_time()
import boto3
t1, c1 = time.perf_counter(), time.process_time()
import maid_handler
t2, c2 = time.perf_counter(), time.process_time()
from cloudmaid.mu import handler


class Ctx:
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:maid-ec2-require-owner"


# what the first invocation does before its first API call: read config.json, import the
# policy's modules, build context and policy
handler.load(Ctx())
t3, c3 = time.perf_counter(), time.process_time()
print(t1 - t0, t2 - t1, t3 - t2, c3 - c1)
"""


def build_function(tmp):
    from cloudmaid.mu import package
    data, sha = package.build(POLICY)
    func = os.path.join(tmp, "function")
    zipfile.ZipFile(io.BytesIO(data)).extractall(func)
    libs = os.path.join(tmp, "runtime")
    os.mkdir(libs)
    for name in RUNTIME_LIBS:
        mod = importlib.import_module(name)
        path = os.path.dirname(mod.__file__) if mod.__file__.endswith("__init__.py") else mod.__file__
        os.symlink(path, os.path.join(libs, os.path.basename(path)))
    return data, sha, func, libs


def import_times(func, libs, runs):
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"}
    rows = []
    for _ in range(runs):
        # -B: -I ignores PYTHONDONTWRITEBYTECODE, and a .pyc written by the first run would
        # make every later run skip compiling our modules (Lambda's /var/task is read-only)
        out = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", TIMER, func, libs], env=env,
                             capture_output=True, text=True, check=True, cwd=func)
        rows.append([float(x) * 1000 for x in out.stdout.split()])
    # per run: (a) boto3, (b) - (a), (c) - (a), (c) - (b), (c) - (a) in CPU time (what the
    # process itself spent, whatever else the machine runs); median and min of each
    deltas = [(a, b, b + c, c, cpu) for a, b, c, cpu in rows]
    return [(statistics.median(col), min(col)) for col in zip(*deltas)]


def event_calls(func):
    """API calls the handler makes for one RunInstances event (one untagged instance)."""
    import boto3
    from moto import mock_aws

    from cloudmaid.mu import handler
    with mock_aws():
        ec2 = boto3.client("ec2")
        ami = ec2.register_image(Name="base", RootDeviceName="/dev/sda1", BlockDeviceMappings=[
            {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
        iid = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        with open(EVENT) as fh:
            event = json.load(fh)
        items = event["detail"]["responseElements"]["instancesSet"]["items"]
        event["detail"]["responseElements"]["instancesSet"]["items"] = [dict(items[0], instanceId=iid)]

        class Ctx:
            invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:maid-ec2-require-owner"
            aws_request_id = "bench"
        os.environ["MAID_FUNCTION_ROOT"] = func
        handler.reset()
        try:
            record = handler.handler(event, Ctx())
        finally:
            handler.reset()
            os.environ.pop("MAID_FUNCTION_ROOT", None)
        return record.get("api_calls") or {}


def deploy_calls():
    """API calls of a first deploy and of an unchanged redeploy of the same policy."""
    import boto3
    from moto import mock_aws

    from cloudmaid import loader
    from cloudmaid.context import Context
    from cloudmaid.mu import deploy
    from cloudmaid.session import SessionFactory
    from cloudmaid.validate import PolicySpec
    with mock_aws(), tempfile.TemporaryDirectory() as tmp:
        boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")
        path = os.path.join(tmp, "p.json")
        with open(path, "w") as fh:
            json.dump({"policies": [POLICY]}, fh)
        source = loader.load(path)
        specs = [PolicySpec(source.data["policies"][0], source, 0)]
        ctx = Context(SessionFactory(region="us-east-1"))
        quiet = lambda *a, **k: None   # noqa: E731
        out = []
        for _ in range(2):
            before = ctx.counter.snapshot()
            assert deploy.deploy(specs, ctx, echo=quiet) == 0
            out.append(ctx.counter.since(before))
        return out


def split(calls):
    reads = {k: v for k, v in calls.items() if k.split(".", 1)[1].startswith(("Get", "List", "Describe"))}
    writes = {k: v for k, v in calls.items() if k not in reads}
    return reads, writes


def fmt(calls):
    return ", ".join(f"{k} {v}" for k, v in sorted(calls.items())) or "none"


def main():
    logging.getLogger().addHandler(logging.NullHandler())   # keep the handler's log lines quiet
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9, help="subprocess runs for the import timing")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, sha, func, libs = build_function(tmp)
        n_files = len(zipfile.ZipFile(io.BytesIO(data)).namelist())
        (boto3_ms, boto3_min), (b_ms, b_min), (c_ms, c_min), (load_ms, load_min), (cpu_ms, cpu_min) = \
            import_times(func, libs, args.runs)
        per_event = event_calls(func)
    first, again = deploy_calls()
    print(f"zip size:                 {len(data)} bytes ({len(data) / 1024:.1f} KB, {n_files} files; budget 100 KB)")
    print(f"zip sha256:               {sha}")
    print(f"(a) import boto3:          {boto3_ms:.1f} ms median, {boto3_min:.1f} min "
          f"({args.runs} fresh processes; no .pyc for our modules, as in the read-only /var/task)")
    print(f"(b) + import maid_handler: +{b_ms:.1f} ms median, +{b_min:.1f} min over (a) (budget 50 ms)")
    print(f"(c) + load the policy:     +{c_ms:.1f} ms median, +{c_min:.1f} min over (a) (budget 50 ms; "
          f"+{load_ms:.1f} ms median over (b): config, the policy's modules, Policy: all before the first API call)")
    print(f"    the same in CPU time:  +{cpu_ms:.1f} ms median, +{cpu_min:.1f} min over (a) "
          f"(what the process spent, independent of the machine's load)")
    print(f"API calls per RunInstances event: {sum(per_event.values())} ({fmt(per_event)})")
    for label, calls in (("first deploy", first), ("unchanged redeploy", again)):
        reads, writes = split(calls)
        print(f"API calls, {label}: {sum(calls.values())} = {sum(reads.values())} read(s) "
              f"[{fmt(reads)}] + {sum(writes.values())} write(s) [{fmt(writes)}]")


if __name__ == "__main__":
    main()
