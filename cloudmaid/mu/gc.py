"""``maid gc POLICY.yml...``: remove the functions and triggers we deployed for policies that are
no longer in the given files (or no longer event-mode, or renamed by a new function-prefix).

Only what carries our TAG_POLICY tag is considered. The trigger kinds to look for are those the
registered modes declare (``model_types``) that can list what is ours (``ours``); triggers are
named after their function. A policy that changed trigger kind leaves the other kind behind:
the EventBridge rule of a policy whose mode now deploys an AWS Config rule (or the other way
round) is stale too (the function stays). Deleting a function also deletes its resource
policy, hence the invoke permission; a rule loses its targets first, as EventBridge requires.
Plan, then apply: ``--plan`` prints the removals and changes nothing.
"""
import sys

from botocore.exceptions import ClientError

from .. import modes as mode_registry
from ..modes.core import function_name, is_event_mode, mode_type
from . import planner, remote
from .executor import apply_plan


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


def wanted(specs):
    """``{function name: trigger model kinds}`` of what the files still deploy (event-mode
    policies); the kinds are None for a mode this cloudmaid does not know (keep everything)."""
    mode_registry.load()
    out = {}
    for spec in specs:
        if is_event_mode(spec.data):
            cls = mode_registry.modes.get(mode_type(spec.data))
            out[function_name(spec.data)] = frozenset(cls.model_types()) if cls else None
    return out


def trigger_kinds():
    """Every trigger model kind a registered mode deploys that can list what is ours, in a
    stable order."""
    mode_registry.load()
    kinds = set()
    for name in mode_registry.modes.all_names():
        cls = mode_registry.modes.get(name)
        if cls.event_mode:
            kinds.update(k for k in cls.model_types() if callable(getattr(k, "ours", None)))
    return sorted(kinds, key=lambda k: k.__name__)


def plan_gc(session_factory, keep, prefix=None):
    """``keep``: ``wanted(specs)``. Plans the removal of every function not kept and of every
    trigger whose function is not kept or whose kind its policy's mode no longer deploys."""
    def considered(name):
        return prefix is None or name.startswith(prefix)

    triggers = [steps for kind in trigger_kinds() for name, steps in kind.ours(session_factory)
                if considered(name) and (name not in keep or (keep[name] is not None and kind not in keep[name]))]
    functions = [name for name, _, _ in remote.our_functions(session_factory)
                 if considered(name) and name not in keep]
    return planner.plan_removal(function_names=functions, triggers=triggers)


def gc(specs, ctx, plan_only=False, echo=_echo, prefix=None):
    """Remove (or with ``plan_only`` print) what stale policies left deployed; exit code."""
    label = f"gc in {ctx.region}"
    try:
        steps = plan_gc(ctx.session_factory, wanted(specs), prefix)
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
