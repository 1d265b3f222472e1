"""``maid gc POLICY.yml...``: remove the functions and rules we deployed for policies that are no
longer in the given files (or no longer event-mode, or renamed by a new function-prefix).

Only what carries our TAG_POLICY tag is considered. Deleting a function also deletes its
resource policy, hence the EventBridge invoke permission; a rule loses its targets first, as
EventBridge requires. Plan, then apply: ``--plan`` prints the removals and changes nothing.
"""
import sys

from botocore.exceptions import ClientError

from ..modes.core import DEFAULT_PREFIX
from . import planner, remote
from .executor import DeployError, DisplayExecutor, Executor, render


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


def wanted_functions(specs):
    """Function names the files still deploy (event-mode policies only)."""
    names = set()
    for spec in specs:
        mode = spec.data.get("mode") or {}
        if isinstance(mode, dict) and mode.get("type", "pull") != "pull":
            names.add(mode.get("function-prefix", DEFAULT_PREFIX) + str(spec.data.get("name")))
    return names


def plan_gc(session_factory, keep, prefix=None):
    def stale(name):
        return name not in keep and (prefix is None or name.startswith(prefix))
    functions = [f for f in remote.our_functions(session_factory) if stale(f[0])]
    rules = [(r, ids) for r, ids in remote.our_rules(session_factory) if stale(r.name)]
    return planner.plan_removal(function_names=[name for name, _, _ in functions], rules=rules)


def gc(specs, ctx, plan_only=False, echo=_echo, prefix=None):
    """Remove (or with ``plan_only`` print) what stale policies left deployed; exit code."""
    label = f"gc in {ctx.region}"
    try:
        steps = plan_gc(ctx.session_factory, wanted_functions(specs), prefix)
    except ClientError as e:
        err = e.response.get("Error", {})
        echo(f"{label}: listing deployed functions failed: {err.get('Code')}: {err.get('Message')}", err=True)
        return 1
    if not steps:
        echo(f"{label}: nothing to remove")
        return 0
    if plan_only:
        echo(f"{label}: plan, {len(steps)} step(s)")
        DisplayExecutor(echo).execute(steps)
        return 0
    echo(f"{label}: applying {len(steps)} step(s)")
    for step in steps:
        echo("  " + render(step))
    try:
        Executor(ctx.session_factory).execute(steps)
    except DeployError as e:
        echo(f"{label}: {e}", err=True)
        return 1
    return 0


def run_gc(specs, regions=(), profile=None, assume_role=None, prefix=None, plan_only=False, echo=_echo):
    """The ``maid gc`` command: gc in each region (default: the session's); exit code."""
    from ..context import Context
    from ..session import SessionFactory
    factory = SessionFactory(region=(list(regions) or [None])[0], profile=profile, assume_role=assume_role)
    code = 0
    for region in list(regions) or [factory.region]:
        ctx = Context(factory.for_region(region), region=region)
        code |= gc(specs, ctx, plan_only=plan_only, echo=echo, prefix=prefix)
    return code
