"""Deploy event-mode policies: desired models -> observe AWS -> plan -> apply (or print).

A policy's Deployment is its Function plus the models its mode (its trigger) declares. ``maid
run POLICY.yml`` calls ``deploy`` for the event-mode policies; ``--plan`` prints each policy's
plan and changes nothing. An unchanged policy plans to nothing: only reads are made. Every
policy's input is checked (role, mode) before the first API call of any of them.
"""
import sys
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from .. import __version__
from ..errors import PolicyError
from ..policy import Policy
from . import package, planner, quotas, remote
from .executor import apply_plan
from .models import CONCURRENCY_MARK, TAG_INFO, TAG_POLICY, Deployment, Function

DEFAULT_MEMORY = 512        # Cloud Custodian's defaults
DEFAULT_TIMEOUT = 900
DEFAULT_RUNTIME = "python3.11"
#: policies deployed at once (Lambda's control-plane rate limits allow about 15 calls/s)
WORKERS = 8


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


def tags_for(policy):
    mode = policy.mode
    info = f"mode={mode.type}:version={__version__}"
    if mode.data.get("concurrency") is not None:
        info += f"{CONCURRENCY_MARK}{mode.data['concurrency']}"
    return {**{str(k): str(v) for k, v in (mode.data.get("tags") or {}).items()},
            TAG_POLICY: policy.name, TAG_INFO: info}


def check_role(policy):
    """Cloud Custodian's schema, like ours, accepts an event mode without ``role`` (a dry run or
    ``--event`` needs none); deploying does, and a mode may need more (its
    ``deploy_problems``): say so before any API call."""
    for path, message in policy.mode.deploy_problems():
        raise PolicyError(message, path)


def desired(policy, raw, account_id=None):
    """The Deployment one event-mode policy needs. ``raw`` is the policy data as written (it
    travels in the zip uninterpolated: the function fills in its own account and region).
    ``account_id`` is a callable, used only to expand a bare role name (or name the auto role).
    ``role: auto``: the role deploy makes (mu/iamrole.py) goes before the function."""
    from . import iamrole
    check_role(policy)
    mode = policy.mode
    md = mode.data
    role = md["role"]
    auto = iamrole.is_auto(policy.data)
    if auto:
        role = iamrole.role_arn(mode.function_name, account_id(), policy.ctx.partition)
    elif not role.startswith("arn:"):
        role = mode.role_arn(account_id(), policy.ctx.partition)
    code, sha = package.build(raw, (raw.get("mode") or {}).get("execution-options") or {})
    fn = (iamrole.AutoRoleFunction if auto else Function)(
        name=mode.function_name, role=role, handler=md.get("handler", package.HANDLER),
        runtime=md.get("runtime", DEFAULT_RUNTIME), memory=int(md.get("memory", DEFAULT_MEMORY)),
        timeout=int(md.get("timeout", DEFAULT_TIMEOUT)),
        description=policy.data.get("description") or f"cloudmaid policy {policy.name}",
        code_sha256=sha, code=code, tags=tags_for(policy),
        environment=dict((md.get("environment") or {}).get("Variables") or {}),
        layers=tuple(md.get("layers") or ()),
        dead_letter_target=(md.get("dead_letter_config") or {}).get("TargetArn", ""),
        kms_key_arn=md.get("kms_key_arn", "") or "",
        tracing_mode=(md.get("tracing_config") or {}).get("Mode", "PassThrough"),
        # validation makes these come in pairs (EventMode.validate)
        subnets=tuple(md.get("subnets") or ()), security_groups=tuple(md.get("security_groups") or ()),
        concurrency=md.get("concurrency"))
    if auto:
        return iamrole.AutoRoleDeployment(policy=policy.name, function=fn, triggers=tuple(mode.models(fn)),
                                          role=iamrole.role_for(policy, fn))
    return Deployment(policy=policy.name, function=fn, triggers=tuple(mode.models(fn)))


def plan_policy(deployment, session_factory):
    models = deployment.models()
    return planner.plan(models, remote.observe(session_factory, models))


def deploy(specs, ctx, plan_only=False, echo=_echo, share_rules=False, bundle=False):
    """Deploy (or with ``plan_only`` print the plan of) event-mode policies; exit code.

    A policy that cannot deploy as written (no role) stops the whole deploy before any API
    call, as an invalid policy stops ``maid run``: nothing is half deployed. ``share_rules``
    and ``bundle`` serve policies with identical patterns by fewer rules or one function
    (mu/sharing.py, mu/bundle.py)."""
    policies, code = [], 0
    for spec in specs:
        try:
            policy = Policy(spec.data, ctx)
            if policy.event_mode:
                check_role(policy)
                policies.append((spec, policy))
        except PolicyError as e:
            echo(f"{spec.source.file}:{spec.line(*e.path)}: policy '{spec.name}': {e.message}", err=True)
            code = 1
    if code:
        return code
    view = remote.View(ctx.session_factory)   # bulk listings shared by every policy
    # policies are independent: built, then observed, planned and applied, in a bounded pool;
    # their output is printed in file order
    workers = max(1, min(WORKERS, len(policies)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        built = []
        for item, (dep, lines) in zip(policies, pool.map(lambda i: _collect(_build, *i, ctx), policies)):
            _print(lines, echo)
            if dep is None:
                code = 1
            else:
                built.append((*item, dep))
        try:
            # the units to deploy now, and those that need them deployed first (a shared
            # rule's targets name its functions; a bundle replaces its members' functions)
            phases = arrange(built, ctx, view, share_rules, bundle)
            problem = quotas.rule_problem([u.models for units in phases for u in units], view)
        except ClientError as e:
            err = e.response.get("Error", {})
            problem = f"reading the deployed rules failed: {err.get('Code')}: {err.get('Message')}"
        if problem:
            echo(f"deploy in {ctx.region}: {problem}", err=True)
            return 1
        for units in phases:
            for result, lines in pool.map(lambda u: _collect(_deploy_unit, u, ctx, view, plan_only), units):
                _print(lines, echo)
                code |= result
    return code


def arrange(built, ctx, view, share_rules=False, bundle=False):
    """The deploy Units of ``built`` (``[(spec, policy, Deployment)]``) in phases, each
    applied once the one before is: without sharing or bundling a unit per policy, then the
    removal of shared rules and bundles earlier deploys made for these policies."""
    from . import bundle as bundles
    from . import sharing
    first, then, last = [], [], []

    def where(spec):
        return f"{spec.source.file}:{spec.line('mode')}: policy '{spec.name}'"

    def single(spec, dep):
        return sharing.Unit(f"{spec.name}: function {dep.function.name} in {ctx.region}",
                            dep.models(), where(spec))

    groups = {}
    for spec, policy, dep in built:
        groups.setdefault(bundles.bundle_key(policy, dep), []).append((spec, policy, dep))
    alone = []
    for key, members in groups.items():
        if bundle and key is not None and len(members) > 1:
            members = sorted(members, key=lambda m: m[1].name)
            bdep = bundles.deployment(key, [(s.data, p, d) for s, p, d in members])
            names = ", ".join(p.name for _, p, _ in members)
            first.append(sharing.Unit(f"bundle of {len(members)} policies ({names}): function "
                                      f"{bdep.function.name} in {ctx.region}", bdep.models(),
                                      where(members[0][0])))
            then.append(sharing.Unit(f"bundled policies' own functions in {ctx.region}", tuple(
                m for _, _, d in members for m in bundles.member_cleanup(d)), where(members[0][0])))
            continue
        alone.extend(members)
        if key is not None and view.function(bundles.bundle_name(key)) is not None:
            then.append(sharing.Unit(f"bundle {bundles.bundle_name(key)} (no longer bundled) in "
                                     f"{ctx.region}", bundles.bundle_cleanup(key)))
    order = {id(spec): n for n, (spec, _, _) in enumerate(built)}
    alone.sort(key=lambda m: order[id(m[0])])
    shared = {}
    for spec, policy, dep in alone:
        rule = sharing.pattern_rule(dep)
        if rule is None:
            first.append(single(spec, dep))
            continue
        gkey = (sharing.prefix_of(policy), sharing.group_id(policy, rule), rule.bus, rule.pattern,
                "cloudmaid shared rule")
        if share_rules:
            shared.setdefault(gkey, []).append((spec.name, where(spec), dep))
            continue
        first.append(single(spec, dep))
        if gkey not in shared:
            shared[gkey] = None
            gone = sharing.cleanup_shared(view, *gkey[:3])
            if gone:
                then.append(sharing.Unit(f"shared rules {gkey[0]}shared-{gkey[1]}-* (no longer "
                                         f"shared) in {ctx.region}", gone))
    if share_rules:
        members, rules, own = sharing.shared_units(shared, ctx, view)
        first.extend(members)
        then = rules + then
        last = own
    return [first, then, last]


def _collect(fn, *args):
    """``fn(*args, echo)``'s result and the lines it echoed (printed later, in order)."""
    lines = []
    return fn(*args, lambda message, err=False: lines.append((message, err))), lines


def _print(lines, echo):
    for message, err in lines:
        echo(message, err=err)


def _build(spec, policy, ctx, echo):
    """The policy's Deployment (its zip built), or None after saying why."""
    try:
        return desired(policy, spec.data, lambda: ctx.account_id)
    except PolicyError as e:
        echo(f"{spec.source.file}:{spec.line(*(e.path or ('mode',)))}: policy '{spec.name}': "
             f"{e.message}", err=True)
        return None


def _deploy_unit(unit, ctx, view, plan_only, echo):
    try:
        steps = planner.plan(list(unit.models), remote.observe(view, unit.models))
    except ClientError as e:
        err = e.response.get("Error", {})
        echo(f"{unit.where or unit.label}: reading the deployed state failed: {err.get('Code')}: "
             f"{err.get('Message')}", err=True)
        return 1
    return apply_plan(steps, unit.label, ctx.session_factory, plan_only, echo)
