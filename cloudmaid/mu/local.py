"""``maid run --event EVENT.json POLICY.yml``: run, in-process, the event-mode policies whose
deployed trigger would deliver the event, through the deployed handler's own per-event code
path (handler.process). The others -- and pull-mode policies -- print why the event would not
reach them and run nothing: no describe, no action.

The delivery decision is the mode's own (``mode.delivery``), the one the deployed handler
makes. A file that was read fine but reached no policy is exit code 0: nothing failed.
"""
import json
import uuid

from ..errors import PolicyError
from ..modes.core import is_event_mode
from ..policy import Policy
from ..summary import actions_text
from . import handler


class LocalLambdaContext:
    """The attributes of Lambda's context object the handler reads."""

    def __init__(self, function_name, region, account_id, partition="aws", timeout=900):
        self.function_name = function_name
        self.invoked_function_arn = (f"arn:{partition}:lambda:{region}:{account_id}:"
                                     f"function:{function_name}")
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 512
        self._timeout_ms = timeout * 1000

    def get_remaining_time_in_millis(self):
        return self._timeout_ms


def summary(result):
    status = result["status"]
    if status in ("skipped", "invalid"):
        return f"{status}: {result['reason']}"
    text = f"{len(result['matched'])} {result['resource']} resource(s) matched"
    text += actions_text(result, result["resource"])
    if result.get("evaluation"):
        text += f", evaluation {result['evaluation']}"
    if result.get("evaluations"):
        text += ", evaluations " + " ".join(f"{k} {n}" for k, n in sorted(result["evaluations"].items()))
    if result["errors"]:
        text += f", {len(result['errors'])} error(s): {result['errors'][0]}"
    return text


def run_event_file(specs, ctx, event_file, echo):
    """Run each policy of ``specs`` whose trigger delivers the event in ``event_file``; one line
    per policy. Returns the exit code: 1 when the event cannot be read, a delivered event cannot
    be used, or a policy failed; 0 otherwise, also when the event reached no policy."""
    try:
        with open(event_file) as fh:
            event = json.load(fh)
    except (OSError, ValueError) as e:
        echo(f"{event_file}: cannot read the event: {e}", err=True)
        return 1
    if not isinstance(event, dict):
        echo(f"{event_file}: an event is a JSON object", err=True)
        return 1
    code = 0
    for spec in specs:
        if not is_event_mode(spec.data):
            echo(f"{spec.name}: not delivered: pull mode")
            continue
        try:
            policy = Policy(spec.data, ctx)
        except PolicyError as e:
            echo(f"{spec.source.file}:{spec.line(*e.path)}: policy '{spec.name}': {e.message}", err=True)
            code = 1
            continue
        delivered, label = policy.mode.delivery(event)
        if not delivered:
            echo(f"{spec.name}: not delivered: {label}")
            continue
        lambda_ctx = LocalLambdaContext(policy.mode.function_name, ctx.region, ctx.account_id,
                                        ctx.partition)
        try:
            result = handler.process(policy, event, lambda_ctx)
        except Exception as e:  # the deployed function would fail this invocation
            echo(f"{spec.name}: {label}; failed: {type(e).__name__}: {e}", err=True)
            code = 1
            continue
        echo(f"{spec.name}: {label}; {summary(result)}" + (" (dryrun)" if ctx.dryrun else ""))
        if result["status"] in ("invalid", "error"):
            code = 1
    return code
