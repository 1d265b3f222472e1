"""``maid run --event EVENT.json POLICY.yml``: run event-mode policies in-process on one event,
through the deployed handler's own per-event code path (handler.process), and say whether each
policy's EventBridge rule would have delivered the event at all."""
import json
import uuid

from ..errors import PolicyError
from ..events import pattern as patterns
from ..policy import Policy
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


def describe_rule(mode, event):
    """(label, matched) for the mode's rule against the event; matched is None when the policy
    is not invoked by an EventBridge pattern (schedules, Config rules)."""
    rule = mode.rule()
    if "pattern" in rule:
        ok = patterns.matches(rule["pattern"], event)
        return ("pattern matches" if ok else "pattern does not match"), ok
    if "schedule" in rule:
        return f"schedule {rule['schedule']}", None
    return "invoked by AWS Config", None


def summary(result):
    status = result["status"]
    if status in ("skipped", "invalid"):
        return f"{status}: {result['reason']}"
    text = f"{len(result['matched'])} {result['resource']} resource(s) matched"
    for a in result["actions"]:
        text += f", {a['action']}: {a['succeeded']} ok" + (f" {a['failed']} failed" if a["failed"] else "")
    if result.get("evaluation"):
        text += f", evaluation {result['evaluation']}"
    if result["errors"]:
        text += f", {len(result['errors'])} error(s): {result['errors'][0]}"
    return text


def run_event_file(specs, ctx, event_file, echo):
    """Run each event-mode policy of ``specs`` on the event in ``event_file``; one line per
    policy. Returns the exit code: 1 when an event cannot be read or used, or a policy failed."""
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
        if (spec.data.get("mode") or {}).get("type", "pull") == "pull":
            echo(f"{spec.name}: pull mode, not run on events")
            continue
        try:
            policy = Policy(spec.data, ctx)
        except PolicyError as e:
            echo(f"{spec.source.file}:{spec.line(*e.path)}: policy '{spec.name}': {e.message}", err=True)
            code = 1
            continue
        label, _ = describe_rule(policy.mode, event)
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
