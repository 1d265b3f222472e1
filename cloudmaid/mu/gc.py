"""``maid gc POLICY.yml...``: remove the functions and triggers we deployed for policies that are
no longer in the given files (or no longer event-mode, or renamed by a new function-prefix).

Only what carries our TAG_POLICY tag is considered. The trigger kinds to look for are those the
registered modes declare (``model_types``) that can list what is ours (``ours``); triggers are
named after their function. A policy that changed trigger kind leaves the other kind behind:
the EventBridge rule of a policy whose mode now deploys an AWS Config rule (or the other way
round) is stale too (the function stays). Deleting a function also deletes its resource
policy, hence the invoke permission; a rule loses its targets first, as EventBridge requires.
The execution role deploy made for a ``role: auto`` policy (mu/iamrole.py) is stale when no
policy in the files says ``role: auto`` for its function any more (removed, or now naming its
own role): it goes after the functions, its inline policies first. Roles are global: gc in any
one region removes them.
Plan, then apply: ``--plan`` prints the removals and changes nothing.
"""
import sys

from botocore.exceptions import ClientError

from .. import modes as mode_registry
from ..modes.core import function_name, is_event_mode, mode_type
from . import bundle as bundles
from . import iamrole, planner, remote, sharing
from .executor import apply_plan


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


def wanted(specs, ctx=None):
    """``{function name: trigger model kinds}`` of what the files still deploy (event-mode
    policies; the auto role is one of the kinds of a ``role: auto`` policy); the kinds are None
    for a mode this cloudmaid does not know (keep everything). With ``ctx``, the bundles
    (mu/bundle.py) that two or more of the policies could form are kept too: a deploy with
    ``--bundle`` may have made them."""
    mode_registry.load()
    out = {}
    groups = {}
    for spec in specs:
        if is_event_mode(spec.data):
            cls = mode_registry.modes.get(mode_type(spec.data))
            role = (iamrole.Role,) if iamrole.is_auto(spec.data) else ()
            out[function_name(spec.data)] = frozenset((*cls.model_types(), *role)) if cls else None
            key = _bundle_key(spec, ctx) if ctx is not None and cls is not None else None
            if key is not None:
                groups[key] = groups.get(key, 0) + 1
                if groups[key] == 2:
                    out[bundles.bundle_name(key)] = frozenset(cls.model_types())
    return out


def _bundle_key(spec, ctx):
    from ..errors import PolicyError
    from ..policy import Policy
    try:
        return bundles.bundle_key(Policy(spec.data, ctx))
    except PolicyError:
        return None


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


def plan_gc(session_factory, keep, prefix=None, warn=None):
    """``keep``: ``wanted(specs)``. Plans the removal of every function not kept and of every
    trigger (and auto role) whose function is not kept or whose kind its policy no longer
    deploys. ``warn(message)``, when given, hears that IAM roles may not be listed (a deployer
    that never used ``role: auto`` needs no IAM permission): the roles stay."""
    def considered(name):
        return prefix is None or name.startswith(prefix)

    def stale(name, kind):
        return considered(name) and (name not in keep or (keep[name] is not None and kind not in keep[name]))

    def stale_trigger(name, kind, steps):
        if sharing.is_shared(name):
            # a shared rule (mu/sharing.py) stays while it invokes a function still wanted
            ids = steps[0].params.get("Ids", ()) if steps[0].method == "remove_targets" else ()
            return considered(name) and not any(i in keep for i in ids)
        return stale(name, kind)

    triggers = [steps for kind in trigger_kinds() for name, steps in kind.ours(session_factory)
                if stale_trigger(name, kind, steps)]
    functions = [name for name, _, _ in remote.our_functions(session_factory)
                 if considered(name) and name not in keep]
    # a role after the function using it
    roles = [step for name, steps in _our_roles(session_factory, warn) if stale(name, iamrole.Role)
             for step in steps]
    return planner.plan_removal(function_names=functions, triggers=triggers) + roles


def _our_roles(session_factory, warn):
    try:
        return iamrole.Role.ours(session_factory)
    except ClientError as e:
        err = e.response.get("Error", {})
        if warn is None or err.get("Code") not in ("AccessDenied", "AccessDeniedException"):
            raise
        warn(f"warning: listing IAM roles failed ({err.get('Code')}): the roles deploy made for "
             f"role: auto policies, if any, are not removed")
        return []


def gc(specs, ctx, plan_only=False, echo=_echo, prefix=None):
    """Remove (or with ``plan_only`` print) what stale policies left deployed; exit code."""
    label = f"gc in {ctx.region}"
    try:
        steps = plan_gc(ctx.session_factory, wanted(specs, ctx), prefix,
                        warn=lambda message: echo(f"{label}: {message}", err=True))
    except ClientError as e:
        err = e.response.get("Error", {})
        echo(f"{label}: listing deployed functions, rules and roles failed: {err.get('Code')}: {err.get('Message')}", err=True)
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
