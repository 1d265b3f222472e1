"""Deploy event-mode policies: desired models -> observe AWS -> plan -> apply (or print).

``maid run POLICY.yml`` calls ``deploy`` for the event-mode policies; ``--plan`` prints each
policy's plan and changes nothing. An unchanged policy plans to nothing: only reads are made.
"""
import json
import sys

from botocore.exceptions import ClientError

from .. import __version__
from ..errors import PolicyError
from ..policy import Policy
from . import package, planner, remote
from .executor import apply_plan
from .models import (CONFIG_PRINCIPAL, SCHEDULED_MESSAGES, TAG_INFO, TAG_POLICY, ConfigRule, Deployment,
                     Function, Permission, Rule, Target)

DEFAULT_MEMORY = 512        # Cloud Custodian's defaults
DEFAULT_TIMEOUT = 900
DEFAULT_RUNTIME = "python3.11"


def _echo(message, err=False):
    print(message, file=sys.stderr if err else sys.stdout)


def canonical_pattern(pattern):
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"))


def tags_for(policy):
    mode = policy.mode
    return {**{str(k): str(v) for k, v in (mode.data.get("tags") or {}).items()},
            TAG_POLICY: policy.name, TAG_INFO: f"mode={mode.type}:version={__version__}"}


def desired(policy, raw, account_id=None):
    """The Deployment one event-mode policy needs. ``raw`` is the policy data as written (it
    travels in the zip uninterpolated: the function fills in its own account and region).
    ``account_id`` is a callable, used only to expand a bare role name."""
    mode = policy.mode
    md = mode.data
    name = mode.function_name
    role = md.get("role")
    if not role:
        raise PolicyError("mode.role is required to deploy (an IAM role ARN or name)", ("mode",))
    if not role.startswith("arn:"):
        role = mode.role_arn(account_id(), policy.ctx.partition)
    code, sha = package.build(raw, (raw.get("mode") or {}).get("execution-options") or {})
    tags = tags_for(policy)
    description = policy.data.get("description") or f"cloudmaid policy {policy.name}"
    vpc = bool(md.get("subnets") and md.get("security_groups"))
    fn = Function(
        name=name, role=role, handler=md.get("handler", package.HANDLER),
        runtime=md.get("runtime", DEFAULT_RUNTIME), memory=int(md.get("memory", DEFAULT_MEMORY)),
        timeout=int(md.get("timeout", DEFAULT_TIMEOUT)), description=description,
        code_sha256=sha, code=code, tags=tags,
        environment={str(k): str(v) for k, v in ((md.get("environment") or {}).get("Variables") or {}).items()},
        layers=tuple(md.get("layers") or ()),
        dead_letter_target=(md.get("dead_letter_config") or {}).get("TargetArn", ""),
        kms_key_arn=md.get("kms_key_arn", "") or "",
        tracing_mode=(md.get("tracing_config") or {}).get("Mode", "PassThrough"),
        subnets=tuple(md["subnets"]) if vpc else (), security_groups=tuple(md["security_groups"]) if vpc else (),
        concurrency=md.get("concurrency"))
    trigger = mode.rule()
    if "config-rule" in trigger:
        return Deployment(policy=policy.name, function=fn, rule=None, target=None,
                          permission=Permission(function=name, statement_id=name, rule=name,
                                                principal=CONFIG_PRINCIPAL,
                                                source_account=account_of(role)),
                          config_rule=config_rule(name, description, trigger["config-rule"], tags))
    rule = Rule(name=name, description=description,
                pattern=canonical_pattern(trigger["pattern"]) if trigger.get("pattern") else None,
                schedule=trigger.get("schedule"), tags=tags)
    return Deployment(policy=policy.name, function=fn, rule=rule,
                      target=Target(rule=name, id=name, function=name),
                      permission=Permission(function=name, statement_id=name, rule=name))


def account_of(role_arn):
    """The account the function lives in: Lambda takes an execution role of its own account."""
    return role_arn.split(":")[4]


def config_rule(name, description, spec, tags):
    """The AWS Config custom rule of a ``config-rule`` mode (``spec``: what its ``rule()`` says:
    ``resource-types``, and a ``schedule`` -- MaximumExecutionFrequency -- for periodic rules)."""
    frequency = spec.get("schedule")
    extra = {"message_types": SCHEDULED_MESSAGES} if frequency else {}
    return ConfigRule(name=name, description=description, function=name,
                      resource_types=tuple(spec.get("resource-types") or ()), frequency=frequency,
                      tags=tags, **extra)


def plan_policy(deployment, session_factory):
    models = deployment.models()
    return planner.plan(models, remote.observe(session_factory, models))


def deploy(specs, ctx, plan_only=False, echo=_echo):
    """Deploy (or with ``plan_only`` print the plan of) event-mode policies; exit code."""
    code = 0
    for spec in specs:
        where = f"{spec.source.file}:{spec.line('mode')}: policy '{spec.name}'"
        try:
            policy = Policy(spec.data, ctx)
            if not policy.event_mode:
                continue
            dep = desired(policy, spec.data, lambda: ctx.account_id)
            steps = plan_policy(dep, ctx.session_factory)
        except PolicyError as e:
            echo(f"{where}: {e.message}", err=True)
            code = 1
            continue
        except ClientError as e:
            err = e.response.get("Error", {})
            echo(f"{where}: reading the deployed state failed: {err.get('Code')}: {err.get('Message')}", err=True)
            code = 1
            continue
        label = f"{spec.name}: function {dep.function.name} in {ctx.region}"
        code |= apply_plan(steps, label, ctx.session_factory, plan_only, echo)
    return code
