"""Event delivery for the sandbox: what EventBridge and Lambda would do, since moto does neither.

The rules are read back from the sandbox's EventBridge (list_rules, list_targets_by_rule), each
event is matched against their patterns with cloudmaid.events.pattern, and each Lambda target
runs: its deployed package (verified against the function's CodeSha256), unzipped into a
folder, executed in a fresh interpreter by bootstrap.py as the Lambda runtime would, with the
function's environment plus the sandbox endpoint and credentials. The invocation's log lines
go to the sandbox's CloudWatch Logs (/aws/lambda/<function>), where `maid logs` finds them.
"""
import datetime
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..events import pattern as patterns
from ..mu import package
from . import trail

_BOOTSTRAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bootstrap.py")
# what the Lambda Python runtime provides beside the function's own code
_RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


class DeliveryError(Exception):
    pass


@dataclass
class RuleInfo:
    name: str
    arn: str
    pattern: dict = None
    schedule: str = None
    functions: list = field(default_factory=list)


@dataclass
class Invocation:
    function: str
    event: dict
    request_id: str
    result: dict = None     # the handler's return value
    error: dict = None      # {"errorType", "errorMessage", "stackTrace"} when it raised
    logs: list = field(default_factory=list)
    duration: float = 0.0

    @property
    def ok(self):
        return self.error is None


def runtime_dir(folder):
    """A folder holding only what the Lambda Python runtime provides beside the function's
    code (boto3 and its dependencies), as links to the installed packages: a function that
    imports anything else (PyYAML, click, moto...) fails here as it would in Lambda."""
    import importlib.util
    os.makedirs(folder, exist_ok=True)
    for name in _RUNTIME_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin:
            continue
        source = (spec.submodule_search_locations[0] if spec.submodule_search_locations
                  else spec.origin)
        link = os.path.join(folder, os.path.basename(source))
        if not os.path.exists(link):
            os.symlink(source, link)
    return folder


class Delivery:
    """Delivers events to the functions deployed in a sandbox.

    ``packages`` maps function name -> the zip built for its policy (``mu.package.build``),
    which must hash to the deployed CodeSha256. For other functions the deployed bytes are
    read back from moto, when it runs in this process.
    """

    def __init__(self, session, region, account_id, env, packages=None, credentials=None):
        self.session = session
        # (function, its configuration, depth) -> the invocation's credentials (environment)
        self.credentials = credentials
        self.region = region
        self.account_id = account_id
        self.env = dict(env)
        self.packages = dict(packages or {})
        self._events = session.client("events", region_name=region)
        self._lambda = session.client("lambda", region_name=region)
        self._logs = session.client("logs", region_name=region)
        self._tmp = tempfile.TemporaryDirectory(prefix="maid-sandbox-")
        self._unpacked = {}   # CodeSha256 -> folder
        self._runtime = runtime_dir(os.path.join(self._tmp.name, "runtime"))
        self._lock = threading.Lock()

    def close(self):
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- rules --------------------------------------------------------------------------------
    def rules(self):
        """The enabled rules of the default bus, with the functions they target."""
        found = []
        for page in self._events.get_paginator("list_rules").paginate():
            for r in page["Rules"]:
                if r.get("State", "ENABLED") != "ENABLED":
                    continue
                targets = self._events.list_targets_by_rule(Rule=r["Name"])["Targets"]
                functions = [t["Arn"].split(":")[6] for t in targets
                             if t["Arn"].split(":")[2:3] == ["lambda"]]
                found.append(RuleInfo(
                    name=r["Name"], arn=r["Arn"], schedule=r.get("ScheduleExpression"),
                    pattern=json.loads(r["EventPattern"]) if r.get("EventPattern") else None,
                    functions=functions))
        return found

    def targets(self, event, rules=None):
        """The functions EventBridge would invoke for ``event``."""
        return [fn for rule in (self.rules() if rules is None else rules)
                if rule.pattern is not None and patterns.matches(rule.pattern, event)
                for fn in rule.functions]

    def deliver(self, event):
        """Run every function whose rule's pattern matches ``event``; their Invocations."""
        return self.deliver_all([event])

    def deliver_all(self, events, workers=4):
        """Deliver several events; like EventBridge, the invocations run concurrently.
        Invocations come back in event order, then rule order."""
        rules = self.rules()
        jobs = [(fn, event) for event in events for fn in self.targets(event, rules)]
        if len(jobs) < 2:
            return [self.invoke(fn, event) for fn, event in jobs]
        with ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            return list(pool.map(lambda job: self.invoke(*job), jobs))

    def fire(self, rule_name):
        """Fire a scheduled rule now: its targets get a ``Scheduled Event``."""
        rule = next((r for r in self.rules() if r.name == rule_name), None)
        if rule is None or not rule.schedule:
            raise DeliveryError(f"no enabled scheduled rule named '{rule_name}'")
        event = trail.envelope("Scheduled Event", "aws.events", self.region, self.account_id,
                               {}, [rule.arn])
        return [self.invoke(fn, event) for fn in rule.functions]

    # -- functions ----------------------------------------------------------------------------
    def code(self, name, config):
        """The function's zip, checked against its deployed CodeSha256."""
        deployed = config["CodeSha256"]
        if name in self.packages:
            data = self.packages[name]
            sha = package.sha256_b64(data)
            if sha != deployed:
                raise DeliveryError(f"function {name}: the policy's package ({sha}) is not the "
                                    f"deployed code ({deployed}); deploy it first")
            return data
        data = _moto_code(self.account_id, self.region, name)
        if data is None or package.sha256_b64(data) != deployed:
            raise DeliveryError(f"function {name}: cannot read its deployed code back")
        return data

    def _task_root(self, name, config):
        with self._lock:
            return self._unpack(name, config)

    def _unpack(self, name, config):
        sha = config["CodeSha256"]
        if sha not in self._unpacked:
            folder = os.path.join(self._tmp.name, f"{name}-{len(self._unpacked)}")
            with zipfile.ZipFile(io.BytesIO(self.code(name, config))) as zf:
                zf.extractall(folder)
            self._unpacked[sha] = folder
        return self._unpacked[sha]

    def invoke(self, name, event, depth=1):
        """Run function ``name`` on ``event`` the way Lambda would; an Invocation. ``depth``:
        how many invocations (this one included) led to it."""
        config = self._lambda.get_function_configuration(FunctionName=name)
        root = self._task_root(name, config)
        request_id = str(uuid.uuid4())
        stream = (datetime.datetime.now(datetime.timezone.utc).strftime("%Y/%m/%d")
                  + f"/[$LATEST]{uuid.uuid4().hex}")
        context = {"function_name": name, "invoked_function_arn": config["FunctionArn"],
                   "memory_limit_in_mb": config.get("MemorySize", 128),
                   "aws_request_id": request_id, "timeout": config.get("Timeout", 3),
                   "log_group_name": f"/aws/lambda/{name}", "log_stream_name": stream}
        result_file = os.path.join(self._tmp.name, f"{request_id}.json")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TZ": "UTC",
               **(config.get("Environment") or {}).get("Variables", {}), **self.env,
               "AWS_REGION": self.region, "AWS_LAMBDA_FUNCTION_NAME": name,
               "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(context["memory_limit_in_mb"]),
               "AWS_LAMBDA_LOG_GROUP_NAME": context["log_group_name"],
               "AWS_LAMBDA_LOG_STREAM_NAME": stream, "LAMBDA_TASK_ROOT": root,
               "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.get('Runtime', 'python3.11')}"}
        if self.credentials:
            env.update(self.credentials(name, config, depth))
        with open(_BOOTSTRAP) as fh:
            source = fh.read()
        payload = json.dumps({"event": event, "context": context, "handler": config["Handler"]},
                             default=str)
        t0 = time.time()
        try:
            proc = subprocess.run(
                [sys.executable, "-I", "-S", "-c", source, root, result_file, self._runtime],
                input=payload, capture_output=True, text=True, cwd=root, env=env,
                timeout=context["timeout"] + 30)
            output, status = proc.stdout + proc.stderr, f"exit status {proc.returncode}"
        except subprocess.TimeoutExpired as e:
            output, status = (e.stdout or b"").decode(errors="replace"), "timed out"
        inv = Invocation(function=name, event=event, request_id=request_id,
                         logs=output.splitlines(), duration=time.time() - t0)
        try:
            with open(result_file) as fh:
                outcome = json.load(fh)
        except (OSError, ValueError):
            outcome = {"error": {"errorType": "Runtime.ExitError",
                                 "errorMessage": f"the function ended without a result ({status})"}}
        inv.result, inv.error = outcome.get("result"), outcome.get("error")
        where = outcome.get("cloudmaid_from")
        if inv.error is None and where and not where.startswith(root + os.sep):
            inv.error = {"errorType": "Sandbox.ImportError",
                         "errorMessage": f"cloudmaid was imported from {where}, not the package"}
        self._ship_logs(context, inv.logs, t0)
        return inv

    def _ship_logs(self, context, lines, start):
        group, stream = context["log_group_name"], context["log_stream_name"]
        try:
            self._logs.create_log_group(logGroupName=group)
        except self._logs.exceptions.ResourceAlreadyExistsException:
            pass
        self._logs.create_log_stream(logGroupName=group, logStreamName=stream)
        events = _timed(lines, start, time.time())
        if events:
            self._logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


_STAMP = re.compile(r"^\[[A-Z]+\]\t(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z\t")


def _timed(lines, start, end):
    """Log events for ``lines``: each at the time the runtime's log format stamped on it,
    else at the previous line's (the first at the start); the last line at the end."""
    at, out = int(start * 1000), []
    for line in filter(None, lines):
        m = _STAMP.match(line)
        if m:
            stamp = datetime.datetime.fromisoformat(m.group(1)).replace(tzinfo=datetime.timezone.utc)
            at = max(at, int(stamp.timestamp() * 1000))
        out.append({"timestamp": at, "message": line})
    if out and out[-1]["message"].startswith("REPORT RequestId:"):
        out[-1]["timestamp"] = max(at, int(end * 1000))
    return out


def _moto_code(account_id, region, name):
    """The deployed zip, read from the moto backend running in this process (if it is)."""
    try:
        from moto.awslambda.utils import get_backend
        return get_backend(account_id, region).get_function(name).code_bytes
    except Exception:  # not in-process, or moto changed: the caller reports it
        return None
