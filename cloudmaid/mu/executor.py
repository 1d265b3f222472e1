"""Run a plan (Executor) or print it (DisplayExecutor). Both dispatch on the instruction type
and raise on one they do not know: a plan step is never silently skipped."""
import json
import time

from botocore.exceptions import ClientError

from .planner import APICall, Var, WaitForFunction


class DeployError(Exception):
    """A plan step AWS refused; one line for people."""


#: what to do about a refusal whose cause is outside the policy
HINTS = {
    "NoAvailableConfigurationRecorderException":
        " (AWS Config is not recording in this region: start a configuration recorder first)",
}


def resolve(value, variables):
    if isinstance(value, Var):
        if value.name not in variables:
            raise DeployError(f"plan bug: {value.name} used before a call produced it")
        return variables[value.name]
    if isinstance(value, dict):
        return {k: resolve(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, variables) for v in value]
    return value


class Executor:
    def __init__(self, session_factory, sleep=time.sleep, wait_seconds=120):
        self.session_factory = session_factory
        self.variables = {}
        self.sleep = sleep
        self.wait_seconds = wait_seconds

    def execute(self, plan):
        for step in plan:
            handler = getattr(self, f"_run_{type(step).__name__}", None)
            if handler is None:
                raise TypeError(f"executor cannot run {type(step).__name__}")
            handler(step)

    def _run_APICall(self, call):
        client = self.session_factory.client(call.service)
        params = resolve(call.params, self.variables)
        deadline, pause = time.monotonic() + self.wait_seconds, 1.0
        while True:
            try:
                resp = getattr(client, call.method)(**params)
                break
            except ClientError as e:
                err = e.response.get("Error", {})
                if err.get("Code") in call.retry_on and time.monotonic() < deadline:
                    self.sleep(pause)
                    pause = min(pause * 2, 10)
                    continue
                raise DeployError(f"{call.resource}: {call.service}.{call.method} failed: "
                                  f"{err.get('Code')}: {err.get('Message')}"
                                  f"{HINTS.get(err.get('Code'), '')}") from None
        for name, field in call.output:
            self.variables[name] = resp[field]

    def _run_WaitForFunction(self, step):
        """Poll until the function's last update finished (Lambda rejects overlapping updates)."""
        lam = self.session_factory.client("lambda")
        deadline, pause = time.monotonic() + self.wait_seconds, 0.5
        while True:
            c = lam.get_function_configuration(FunctionName=step.name)
            if c.get("State") != "Pending" and c.get("LastUpdateStatus") != "InProgress":
                return
            if time.monotonic() > deadline:
                raise DeployError(f"{step.name}: still updating after {self.wait_seconds}s")
            self.sleep(pause)
            pause = min(pause * 2, 5)


def render_value(value):
    if isinstance(value, Var):
        return "${" + value.name + "}"
    if isinstance(value, (bytes, bytearray)):
        return f"<zip {len(value)} bytes>"
    if isinstance(value, dict):
        return {k: render_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v) for v in value]
    return value


def render(step):
    """One line per plan step."""
    if isinstance(step, APICall):
        params = render_value(step.params)
        shown = ", ".join(f"{k}={json.dumps(v, sort_keys=True)}" if not isinstance(v, str) else f"{k}={v}"
                          for k, v in params.items())
        return f"{step.service}.{step.method}({shown})"
    if isinstance(step, WaitForFunction):
        return f"wait until function {step.name} finished updating"
    raise TypeError(f"cannot display {type(step).__name__}")


class DisplayExecutor:
    """Prints the plan instead of running it (``--plan``)."""

    def __init__(self, echo=print):
        self.echo = echo

    def execute(self, plan):
        for step in plan:
            self.echo("  " + render(step))


def apply_plan(steps, label, session_factory, plan_only, echo, empty="up to date"):
    """Print (``plan_only``) or run one plan, one line per step; returns the exit code."""
    if not steps:
        echo(f"{label}: {empty}")
        return 0
    if plan_only:
        echo(f"{label}: plan, {len(steps)} step(s)")
        DisplayExecutor(echo).execute(steps)
        return 0
    echo(f"{label}: applying {len(steps)} step(s)")
    for step in steps:
        echo("  " + render(step))
    try:
        Executor(session_factory).execute(steps)
    except DeployError as e:
        echo(f"{label}: {e}", err=True)
        return 1
    return 0
