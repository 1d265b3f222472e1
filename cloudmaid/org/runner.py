"""Run policies over accounts x regions in one bounded thread pool.

Each (account, region) is one task: its own Context and session over the account's shared
credentials, the engine's ``run_region`` (the same code ``maid run`` runs per region), output
in ``OUT/<account>/<region>/<policy>/`` plus ``maid-org.json`` (the task's status, read by
``maid org report``). Resources live only inside their task: once written they are dropped,
so memory stays flat however many accounts the file holds. At most ``2 x workers`` tasks
are queued at a time; an account's credentials are dropped with its last task.

One account failing (AccessDenied, throttled past botocore's retries, an expired token) fails
its own tasks only: the others run, the failure is printed, written and makes the exit code 1.
"""
import collections
import json
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ..context import Context
from ..modes.core import is_event_mode
from ..policy import aws_error, load_plugins
from ..runner import RunOptions, global_region, is_global, run_region
from . import DEFAULT_WORKERS
from . import accounts as accounts_mod
from .creds import AccountCredentials, CredentialsError, Hub

STATUS = "maid-org.json"


@dataclass
class OrgOptions:
    output_dir: str = None
    regions: list = field(default_factory=list)   # -r; empty: each account's own
    dryrun: bool = False
    plan: bool = False
    workers: int = DEFAULT_WORKERS
    profile: str = None
    retry_mode: str = None
    max_attempts: int = None
    share_rules: bool = False      # deploy: see mu/sharing.py, mu/bundle.py
    bundle: bool = False


@dataclass
class Summary:
    accounts: int = 0
    tasks: int = 0
    failed: list = field(default_factory=list)   # "account/region: error", one line each
    api_calls: collections.Counter = field(default_factory=collections.Counter)
    code: int = 0


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


def central_elsewhere(spec, account_id):
    """A ``member-role`` event policy whose role ARN is in another (the central) account: its
    one function serves every member from there, so it is not deployed to each account."""
    mode = spec.data.get("mode") if isinstance(spec.data, dict) else None
    if not isinstance(mode, dict) or not mode.get("member-role") or not is_event_mode(spec.data):
        return False
    role = mode.get("role")
    parts = role.split(":") if isinstance(role, str) and role.startswith("arn:") else ()
    return len(parts) > 4 and parts[4].isdigit() and parts[4] != account_id


def join(base, *parts):
    if not base:
        return None
    if base.startswith("s3://"):
        return "/".join([base.rstrip("/")] + list(parts))
    return os.path.join(base, *parts)


def run_org(accounts, specs, options, echo=None, progress=None, hub=None):
    """Run ``specs`` in every account x region; returns a Summary (``code`` is the exit code)."""
    echo = echo or _echo
    hub = hub or Hub(profile=options.profile, retry_mode=options.retry_mode,
                     max_attempts=options.max_attempts)
    summary = Summary(accounts=len(accounts))
    workers = max(1, options.workers)
    for spec in specs:   # register the policies' elements once, before the threads start
        load_plugins(spec.data)
    todo = iter(accounts)
    ready = collections.deque()
    pending = {}
    with ThreadPoolExecutor(workers, thread_name_prefix="maid-org") as pool:
        def refill():
            while len(pending) < 2 * workers:
                if ready:
                    task = ready.popleft()
                    pending[pool.submit(run_task, task, specs, options, hub, echo, progress)] = task
                    continue
                account = next(todo, None)
                if account is None:
                    return
                creds = AccountCredentials(account, hub)
                regions = accounts_mod.regions_for(account, options.regions)
                if "all" in regions:
                    pending[pool.submit(enabled_regions, creds, hub)] = (account, creds, regions)
                else:
                    ready.extend(tasks_of(account, creds, regions, regions))

        refill()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                task = pending.pop(future)
                result = future.result()
                if isinstance(task, Task):
                    summary.tasks += 1
                    summary.api_calls.update(result["api-calls"])
                    if result["status"] != "ok":
                        summary.code = 1
                        summary.failed.extend(f"{task.account.name}/{task.region}: {e}"
                                              for e in result["errors"])
                    continue
                account, creds, requested = task
                if not result:
                    result = CredentialsError("DescribeRegions named no enabled region")
                if isinstance(result, CredentialsError):
                    fail_account(account, str(result), options, hub, echo, summary, progress,
                                 len(specs))
                else:
                    # the regions found, for maid org report -r all
                    write_status(join(options.output_dir, account.name),
                                 {"account": account.name, "account_id": account.account_id,
                                  "region": None, "status": "ok", "regions": result}, hub)
                    ready.extend(tasks_of(account, creds, result, requested))
            refill()
    summary.api_calls.update(hub.counter.snapshot())
    return summary


@dataclass(frozen=True)
class Task:
    account: accounts_mod.Account
    region: str
    home: str          # the region global resource types (s3, iam ...) run in
    creds: AccountCredentials = field(compare=False)


def tasks_of(account, creds, regions, requested):
    home = global_region(requested)
    if home not in regions:
        home = regions[0]
    return [Task(account, r, home, creds) for r in regions]


def enabled_regions(creds, hub):
    """``-r all``: the regions the account has enabled, asked with its own credentials."""
    try:
        ec2 = creds.factory(hub.region).client("ec2")
        hub.counter.attach(ec2)
        return sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
    except CredentialsError as e:
        return e
    except Exception as e:   # AccessDenied on DescribeRegions, throttled past retries
        return CredentialsError(f"listing regions failed: {aws_error(e)}")


def fail_account(account, error, options, hub, echo, summary, progress, steps):
    echo(f"{account.name}: failed: {error}", err=True)
    if progress is not None:
        progress.advance(max(0, steps - 1))
    record = {"account": account.name, "account_id": account.account_id, "region": None,
              "status": "failed", "errors": [error], "api-calls": {}}
    problem = write_status(join(options.output_dir, account.name), record, hub)
    summary.code = 1
    summary.failed.append(f"{account.name}: {error}")
    if problem:
        echo(f"{account.name}: failed: {problem}", err=True)
        summary.failed.append(f"{account.name}: {problem}")


def run_task(task, specs, options, hub, echo, progress):
    """One account in one region; returns its status record (never raises)."""
    account, region = task.account, task.region
    started = time.time()
    printed, errors = [0], []

    def tee(message="", err=False, **kwargs):
        printed[0] += 1
        if err:
            errors.append(message)
        echo(f"{account.name}: {message}", err=err, **kwargs)

    def fail(message):
        printed[0] += 1
        errors.append(message)
        echo(f"{account.name}: failed in {region}: {message}", err=True)
        return 1

    here, _ = accounts_mod.policies_for(account, specs)
    here = [s for s in here if not is_global(s) or region == task.home]
    elsewhere = [s for s in here if central_elsewhere(s, account.account_id)]
    for spec in elsewhere:
        echo(f"{account.name}: {spec.name}: skipped in {region}: a member-role policy deploys in its "
             f"central account {spec.data['mode']['role'].split(':')[4]} only (see maid org forward)")
    here = [s for s in here if s not in elsewhere]
    record = {"account": account.name, "account_id": account.account_id, "region": region,
              "policies": [s.name for s in here], "api-calls": {}}
    code = 0
    factory = None
    try:
        factory = task.creds.factory(region)
        ctx = Context(factory, region=region, account_id=account.account_id,
                      dryrun=options.dryrun or options.plan,
                      output_dir=join(options.output_dir, account.name, region))
        code = run_region(here, ctx, RunOptions(dryrun=options.dryrun, plan=options.plan,
                                                 share_rules=options.share_rules,
                                                 bundle=options.bundle), tee)
    except CredentialsError as e:
        code = fail(str(e))
    except Exception as e:   # a bug or a malformed answer fails this task, not the run
        code = fail(f"{type(e).__name__}: " + (str(e).strip().splitlines() or [""])[0])
    if factory is not None:
        record["api-calls"] = factory.counter.snapshot()
    if code and not errors:
        errors.append("a policy or action failed (see its metadata.json)")
    record.update(status="failed" if code else "ok", errors=errors,
                  duration=round(time.time() - started, 3))
    if progress is not None and printed[0] < len(here):
        progress.advance(len(here) - printed[0])
    problem = write_status(join(options.output_dir, account.name, region), record, hub)
    if problem:
        record["status"] = "failed"
        record["errors"].append(problem)
        echo(f"{account.name}: failed in {region}: {problem}", err=True)
    return record


def write_status(where, record, hub):
    """``maid-org.json`` beside the policies' folders (S3: written with the caller's own
    credentials, which reach the bucket even when the account's role could not be assumed).
    Returns a one-line problem, or None."""
    if not where:
        return None
    body = json.dumps(record, indent=2, sort_keys=True)
    try:
        if where.startswith("s3://"):
            bucket, _, prefix = where[5:].partition("/")
            key = "/".join(p for p in (prefix.strip("/"), STATUS) if p)
            hub.session(hub.credentials()).client("s3", config=hub.config).put_object(
                Bucket=bucket, Key=key, Body=body.encode())
            return None
        os.makedirs(where, exist_ok=True)
        with open(os.path.join(where, STATUS), "w") as fh:
            fh.write(body)
    except Exception as e:
        return f"writing {STATUS} failed: {aws_error(e)}"
    return None
