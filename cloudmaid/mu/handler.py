"""The Lambda entry point: ``handler(event, context)``.

The function's zip holds ``config.json`` ({"policy": ..., "options": ...}) beside the entry
module ``maid_handler.py``. The config, the Context and the Policy are built once per
container; each event then goes mode -> ids -> one batched describe -> filters -> max-resources
-> actions -> output through the same ``Policy.run`` as poll mode. Events that are not for the
policy, or that it cannot use, are logged and return cleanly (raising would make Lambda retry
them). One JSON log line per event says what happened.

Imports stay light (no YAML, jsonschema, click): this is on the cold-start path.
"""
import datetime
import json
import logging
import os
import sys

from ..errors import EventError

CONFIG_FILE = "config.json"
#: environment variable naming the folder that holds config.json (tests, local runs)
ROOT_ENV = "MAID_FUNCTION_ROOT"

log = logging.getLogger("cloudmaid.handler")
_runtime = None


def function_root():
    """Where config.json lives: $MAID_FUNCTION_ROOT, else beside maid_handler.py, else
    $LAMBDA_TASK_ROOT, else the working directory."""
    root = os.environ.get(ROOT_ENV)
    if root:
        return root
    entry = sys.modules.get("maid_handler")
    if entry is not None and getattr(entry, "__file__", None):
        return os.path.dirname(os.path.abspath(entry.__file__))
    return os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()


def load_config(root=None):
    with open(os.path.join(root or function_root(), CONFIG_FILE)) as fh:
        return json.load(fh)


def arn_parts(arn):
    """``arn:aws:lambda:us-east-1:123456789012:function:f`` -> (partition, region, account)."""
    parts = (arn or "").split(":")
    if len(parts) < 6 or parts[0] != "arn":
        return "aws", None, None
    return parts[1], parts[3] or None, parts[4] or None


def usable_output(path):
    """S3 outputs always; a local folder only outside Lambda or under /tmp (the function's
    code folder is read-only)."""
    if not isinstance(path, str) or not path:
        return False
    if path.startswith("s3://"):
        return True
    return not os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or path.startswith("/tmp")


class Runtime:
    """What one container keeps between invocations: the context and the policy."""

    def __init__(self, config, lambda_context=None):
        from ..context import Context
        from ..policy import Policy
        from ..session import SessionFactory

        # a bundle (mu/bundle.py) serves several policies; they share one function, hence
        # its options, context and this event's describes
        members = config.get("bundle") or [config]
        self.bundled = "bundle" in config
        self.policy_data = members[0]["policy"]
        self.options = members[0].get("options") or {}
        partition, region, account = arn_parts(getattr(lambda_context, "invoked_function_arn", None))
        region = (self.options.get("region") or region or os.environ.get("AWS_REGION")
                  or os.environ.get("AWS_DEFAULT_REGION"))
        self.ctx = Context(SessionFactory(region=region), region=region,
                           account_id=self.options.get("account_id") or account,
                           partition=partition, dryrun=bool(self.options.get("dryrun")))
        self.policies = [Policy(m["policy"], self.ctx) for m in members]
        self.policy = self.policies[0]
        # execution-options as interpolated by the policy ({account_id}, {region})
        out = ((self.policy.mode.data.get("execution-options") or {}).get("output_dir")
               or self.options.get("output_dir"))
        self.ctx.output_dir = out if usable_output(out) else None
        self._members = {}
        level = self.options.get("log_level", "INFO")
        logging.getLogger("cloudmaid").setLevel(level)
        root = logging.getLogger()
        if self.policy.mode.data.get("log") is False:
            # the mode's ``log: false`` (Cloud Custodian's): the function writes no log lines
            root.handlers = [logging.NullHandler()]
        elif not root.handlers:
            logging.basicConfig(level=level, format="%(levelname)s %(name)s %(message)s")

    def policy_for(self, event, policy=None):
        """The policy to run (``policy``, default the function's): the home one, or one built
        for the member account of the event when the mode has ``member-role`` (a central
        function serving many accounts)."""
        from ..context import Context
        from ..policy import Policy
        from ..session import SessionFactory

        policy = policy or self.policy
        template = (policy.raw.get("mode") or {}).get("member-role")
        account = policy.mode.member_account(event) if template else None
        if not account or account == self.ctx._account_id:
            return policy
        if not (isinstance(account, str) and len(account) == 12 and account.isdigit()):
            raise EventError(f"member account {account!r} is not a 12-digit account id")
        region = event.get("region") if isinstance(event, dict) else None
        region = region if isinstance(region, str) and region else self.ctx.region
        key = (policy.name, account, region)
        if key not in self._members:
            role = template.replace("{account_id}", account).replace("{account}", account)
            ctx = Context(SessionFactory(region=region, assume_role=role), region=region,
                          account_id=account, partition=self.ctx.partition,
                          dryrun=self.ctx.dryrun, output_dir=self.ctx.output_dir)
            self._members[key] = Policy(policy.raw, ctx)
        return self._members[key]


def load(context=None):
    """Build the container's state once: read config.json, import the policy's modules, parse
    it. Everything a cold start does before its first API call (bench/lambda.py times it)."""
    global _runtime
    if _runtime is None:
        _runtime = Runtime(load_config(), context)
    return _runtime


def handler(event, context):
    """Lambda entry point."""
    runtime = load(context)
    if runtime.bundled:
        return run_bundle(runtime, event, context)
    try:
        policy = runtime.policy_for(event)
    except EventError as e:   # never run a member's event in the home account instead
        return _emit(_record(runtime.policy, context), "invalid", reason=str(e))
    return process(policy, event, context)


def run_bundle(runtime, event, context):
    """Each policy of a bundle on one event, in order, as its own function would run it: its
    own delivery check, output and log line. One failing does not stop the others, and the
    event is not handed back to Lambda for a retry (that would run the others twice): the
    failure is in its log line (status ``failed``)."""
    runtime.ctx.cache.clear()
    results = []
    for member in runtime.policies:
        try:
            policy = runtime.policy_for(event, member)
        except EventError as e:
            results.append(_emit(_record(member, context), "invalid", reason=str(e)))
            continue
        try:
            results.append(process(policy, event, context, fresh=policy.ctx is not runtime.ctx))
        except Exception as e:   # logged by process; the next member still runs
            results.append(dict(_record(member, context), status="failed",
                                reason=f"{type(e).__name__}: {e}"))
    return {"bundle": results}


def _record(policy, lambda_context):
    return {"policy": policy.name, "mode": policy.mode.type, "resource": policy.resource_type,
            "request_id": getattr(lambda_context, "aws_request_id", None)}


def reset():
    """Forget the container state (tests; a new config)."""
    global _runtime
    _runtime = None


def process(policy, event, lambda_context=None, fresh=True):
    """Run ``policy`` on one event; returns (and logs as one JSON line) a summary record.
    ``fresh``: forget earlier describes (false for the second and later policies of a bundle
    on the same event: they share its describes, as the policies of a poll run do).

    Shared by the deployed handler and ``maid run --event`` (mu/local.py)."""
    ctx, mode = policy.ctx, policy.mode
    # a warm container must not reuse the last event's describe results or clock
    if fresh:
        ctx.cache.clear()
    ctx.now = datetime.datetime.now(datetime.timezone.utc)
    before = ctx.counter.snapshot()
    record = _record(policy, lambda_context)
    try:
        # the trigger's own decision, the same ``maid run --event`` makes: whatever else
        # invokes the function (a test invoke, a replay) runs only what the trigger would
        reason = mode.not_delivered(event)
        if reason:
            return _emit(record, "skipped", reason=f"not delivered: {reason}")
        reason = mode.skip_reason(event)
        if reason:
            return _emit(record, "skipped", reason=reason)
        if getattr(mode, "uses_ids", True):
            ids = mode.resource_ids(event)
            record["ids"] = ids
            if not ids:
                return _emit(record, "skipped",
                             reason=f"the event names no {policy.resource_type} resource")
        meta = policy.run(event, lambda_context)
        # the trigger's report back (Config evaluations); skipped under a dry run by the mode
        reported = mode.finish(event, meta) or {}
    except EventError as e:
        return _emit(record, "invalid", reason=str(e))
    except Exception as e:
        _emit(record, "failed", reason=f"{type(e).__name__}: {e}", level=logging.ERROR)
        raise
    if meta is None:
        return _emit(record, "skipped", reason="policy conditions not met")
    extra = {"matched": [policy.manager.resource_id(r) for r in meta["matched"]],
             "candidates": meta["resources"]["candidates"],
             "actions": [{"action": a["action"], "succeeded": a["succeeded"],
                          "failed": len(a["failed"])} for a in meta["actions"]],
             "errors": meta["errors"], "api_calls": ctx.counter.since(before),
             "duration": round(meta["execution"]["duration"], 3)}
    extra.update(reported)
    return _emit(record, "error" if meta["errors"] else "ok", **extra)


def _emit(record, status, level=logging.INFO, **fields):
    record = dict(record, status=status, **fields)
    log.log(level, json.dumps(record, sort_keys=True, default=str))
    return record
