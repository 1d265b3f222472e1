"""``maid gc POLICY.yml...``: remove the functions and rules we deployed for policies that are no
longer in the given files (or no longer event-mode, or renamed by a new function-prefix).

Only what carries our TAG_POLICY tag is considered. A policy that changed trigger kind leaves the
other kind behind: an EventBridge rule of a policy now in ``config-rule`` mode, or the AWS Config
rule of one that left it, is stale too (the function stays). Deleting a function also deletes its
resource policy, hence the EventBridge invoke permission; a rule loses its targets first, as
EventBridge requires. Plan, then apply: ``--plan`` prints the removals and changes nothing.
"""
import sys

from botocore.exceptions import ClientError

from ..modes.core import DEFAULT_PREFIX
from . import planner, remote
from .executor import apply_plan


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


CONFIG_MODE = "config-rule"


def wanted_modes(specs):
    """``{function name: mode type}`` of what the files still deploy (event-mode policies)."""
    names = {}
    for spec in specs:
        mode = spec.data.get("mode") or {}
        if isinstance(mode, dict) and mode.get("type", "pull") != "pull":
            names[mode.get("function-prefix", DEFAULT_PREFIX) + str(spec.data.get("name"))] = mode.get("type")
    return names


def wanted_functions(specs):
    """Function names the files still deploy (event-mode policies only)."""
    return set(wanted_modes(specs))


def plan_gc(session_factory, keep, prefix=None):
    """``keep``: function names still deployed, or ``{name: mode type}`` (wanted_modes) to also
    drop the trigger a policy no longer uses."""
    modes = keep if isinstance(keep, dict) else None

    def stale(name, config=None):
        if prefix is not None and not name.startswith(prefix):
            return False
        if name not in keep:
            return True
        return modes is not None and config is not None and (modes[name] == CONFIG_MODE) != config
    functions = [f for f in remote.our_functions(session_factory) if stale(f[0])]
    rules = [(r, ids) for r, ids in remote.our_rules(session_factory) if stale(r.name, config=False)]
    config_rules = [r.name for r in remote.our_config_rules(session_factory) if stale(r.name, config=True)]
    return planner.plan_removal(function_names=[name for name, _, _ in functions], rules=rules,
                                config_rules=config_rules)


def gc(specs, ctx, plan_only=False, echo=_echo, prefix=None):
    """Remove (or with ``plan_only`` print) what stale policies left deployed; exit code."""
    label = f"gc in {ctx.region}"
    try:
        steps = plan_gc(ctx.session_factory, wanted_modes(specs), prefix)
    except ClientError as e:
        err = e.response.get("Error", {})
        echo(f"{label}: listing deployed functions and rules failed: {err.get('Code')}: {err.get('Message')}", err=True)
        return 1
    return apply_plan(steps, label, ctx.session_factory, plan_only, echo, empty="nothing to remove")


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
