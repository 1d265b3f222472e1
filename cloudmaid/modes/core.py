"""Mode base and registry, the pull (poll) mode, and the base of the event modes.

A mode decides how resources enter the pipeline: pull/periodic list them; event modes read
ids out of an event and fetch those. An event mode is also its policy's trigger: it declares
the models that make events reach the function (``models``, deploy side: an EventBridge rule,
a Config rule, ...), which events those deliver (``delivery``: one decision shared by the
Lambda handler and ``maid run --event``) and checks its own keys (``validate``). mu/ reads
these and knows no mode by name.
"""
import functools
import re
import time

from ..element import Element
from ..errors import EventError
from ..registry import Registry

modes = Registry("modes")

PULL = "pull"
DEFAULT_PREFIX = "maid-"


def mode_type(policy_data):
    """The mode type of a policy in its dict form (``pull`` when it names none)."""
    mode = policy_data.get("mode") if isinstance(policy_data, dict) else None
    return mode.get("type", PULL) if isinstance(mode, dict) else PULL


def is_event_mode(policy_data):
    """Whether a policy (its dict form) runs as its own Lambda function: every mode but pull."""
    return mode_type(policy_data) != PULL


def names_in_resources(event, arn):
    """Whether the event's ``resources`` list names ``arn`` (the rule or schedule that fired)."""
    resources = event.get("resources") if isinstance(event, dict) else None
    return isinstance(resources, list) and arn in resources


def function_name(policy_data):
    """The Lambda function (and trigger) name of a policy in its dict form:
    ``function-prefix`` (default ``maid-``) + policy name."""
    mode = policy_data.get("mode") if isinstance(policy_data, dict) else None
    prefix = mode.get("function-prefix", DEFAULT_PREFIX) if isinstance(mode, dict) else DEFAULT_PREFIX
    return f"{prefix}{policy_data.get('name') if isinstance(policy_data, dict) else ''}"


class Mode(Element):
    #: deployed as a Lambda function (everything except pull)
    event_mode = False

    def __init__(self, data, policy):
        super().__init__(data or {"type": PULL}, policy.manager if policy else None)
        self.policy = policy

    @property
    def resource_type(self):
        """The policy's resource type, also when validation did not resolve it."""
        return getattr(self.policy, "resource_type", None) or (getattr(self.policy, "data", None) or {}).get("resource")

    def resources(self, event=None):
        """The resources this execution considers, before filters."""
        return self.manager.resources()


@modes.register(PULL)
class PullMode(Mode):
    pass


# -- event modes ------------------------------------------------------------------------------
_STR = {"type": "string"}
_OBJ = {"type": "object"}
_STR_LIST = {"type": "array", "items": _STR}

#: keys every Lambda-backed mode accepts (Cloud Custodian's LambdaMode keys), in the shapes
#: Lambda takes them: a key AWS would refuse at deploy time is refused here
COMMON_SCHEMA = {
    "role": _STR,
    "memory": {"type": "number"},
    "timeout": {"type": "number"},
    "runtime": {"enum": ["python3.10", "python3.11", "python3.12", "python3.13"]},
    "handler": _STR,
    "tags": {"type": "object", "additionalProperties": _STR},
    "environment": {"type": "object", "additionalProperties": False, "properties": {
        "Variables": {"type": "object", "additionalProperties": _STR}}},
    "concurrency": {"type": "integer", "minimum": 0},
    "dead_letter_config": {"type": "object", "additionalProperties": False, "required": ["TargetArn"],
                           "properties": {"TargetArn": _STR}},
    "layers": _STR_LIST,
    "subnets": _STR_LIST,
    "security_groups": _STR_LIST,
    "kms_key_arn": _STR,
    "tracing_config": {"type": "object", "additionalProperties": False, "properties": {
        "Mode": {"enum": ["Active", "PassThrough"]}}},
    "function-prefix": _STR,
    "execution-options": {"type": "object", "additionalProperties": False, "properties": {
        "output_dir": _STR, "region": _STR, "account_id": _STR, "dryrun": {"type": "boolean"},
        # Cloud Custodian's; refused by EventMode.validate with the reason (UNSUPPORTED_OPTIONS)
        "metrics": {"type": ["boolean", "string"]}, "metrics_enabled": {"type": ["boolean", "string"]},
        "log_group": _STR}},
    "delay": {"type": "number", "minimum": 0,
              "description": "seconds to keep retrying ids not yet visible to describe calls"},
    "member-role": _STR,
    "pattern": {"type": "object", "minProperties": 1},
    # the EventBridge bus the rule listens on (pattern modes; schedules run on the default bus)
    "event-bus": {"type": "string", "pattern": r"^[/\.\-_A-Za-z0-9]{1,256}$"},
    # Python modules (import names) of the deploying environment added to the function's zip
    "packages": {"type": "array", "items": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"}},
    # false: the function logs nothing (Lambda's own START/END/REPORT lines remain)
    "log": {"type": "boolean"},
}
#: modes that list resources rather than fetch the ids of an event have no ids to wait for
SCHEDULED_SCHEMA = {k: v for k, v in COMMON_SCHEMA.items() if k != "delay"}


#: execution-options Cloud Custodian knows that a function of ours cannot honour, and why
UNSUPPORTED_OPTIONS = {
    "metrics": "cloudmaid publishes no CloudWatch metrics of its own; use Lambda's metrics "
               "(Invocations, Errors) and the function's one JSON log line per event",
    "log_group": "the function logs to its own log group /aws/lambda/FUNCTION (read it with maid logs)",
}
UNSUPPORTED_OPTIONS["metrics_enabled"] = UNSUPPORTED_OPTIONS["metrics"]

#: mode keys that configure the function or its trigger rather than what the policy does at
#: run time: they stay out of the function's config.json, so changing one updates just that
#: setting instead of re-uploading the code. Modes add their own (``deploy_only``).
DEPLOY_ONLY = frozenset({
    "role", "memory", "timeout", "runtime", "handler", "tags", "environment", "concurrency",
    "dead_letter_config", "layers", "subnets", "security_groups", "kms_key_arn",
    "tracing_config", "function-prefix", "packages", "event-bus",
})

FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|\{account_id\}):role/[\w+=,.@/-]+$")
ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,64}$")
#: ``role: auto``: deploy makes the function's role (mu/iamrole.py), gc removes it
AUTO_ROLE = "auto"
MAX_FUNCTION_NAME = 64
MAX_DESCRIPTION = 256
#: seconds to retry ids a describe does not show yet, when the policy sets no ``delay``
DEFAULT_DELAY = 2.0
#: what every function's execution role needs: its log group and streams
FUNCTION_PERMISSIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")


class EventMode(Mode):
    """A policy deployed as its own Lambda function; subclasses say which events feed it."""
    event_mode = True
    schema = COMMON_SCHEMA
    #: the policy resource types this mode can serve (None: any)
    for_resources = None
    #: mode keys the function itself never reads (see DEPLOY_ONLY)
    deploy_only = DEPLOY_ONLY
    #: patched in tests; the handler's only sleep
    sleep = staticmethod(time.sleep)

    # -- deployment facts (read by mu/) ------------------------------------------------------
    @property
    def policy_name(self):
        return getattr(self.policy, "name", None) or (getattr(self.policy, "data", None) or {}).get("name", "")

    @property
    def function_name(self):
        return function_name({"name": self.policy_name, "mode": self.data})

    def role_arn(self, account_id, partition="aws"):
        """The role as an ARN: a bare name is expanded with the account id (``auto``: the
        role deploy makes, named by mu/iamrole.py)."""
        role = self.data.get("role")
        if not role or role.startswith("arn:") or role == AUTO_ROLE:
            return role
        return f"arn:{partition}:iam::{account_id}:role/{role}"

    def function_permissions(self):
        """The IAM actions the function's role needs for this mode: its logs, the mode's own
        calls (``permissions``), the member role it assumes, its S3 output."""
        out = list(FUNCTION_PERMISSIONS) + list(self.permissions)
        if self.data.get("member-role"):
            out.append("sts:AssumeRole")
        output = (self.data.get("execution-options") or {}).get("output_dir")
        if isinstance(output, str) and output.startswith("s3://"):
            out.append("s3:PutObject")
        return out

    def deploy_problems(self):
        """``[(path, message)]``: what deploying needs that validation lets a policy leave out
        (a dry run or ``--event`` needs no role). Deploy checks every policy before any call."""
        if not self.data.get("role"):
            return [(("mode",), "mode.role is required to deploy (an IAM role ARN or name)")]
        return []

    # -- the trigger (deploy side: these import mu/, which the Lambda zip does not carry) ----
    @classmethod
    def model_types(cls):
        """The kinds of model ``models`` returns: what gc keeps for a policy in this mode."""
        raise NotImplementedError(f"mode '{cls.type}' declares no trigger models")

    def models(self, function):
        """The models, in dependency order, that make this mode's events reach ``function``
        (a mu.models.Function)."""
        raise NotImplementedError(f"mode '{self.type}' declares no trigger models")

    # -- per event ----------------------------------------------------------------------------
    def delivery(self, event):
        """``(delivered, why)``: whether the deployed trigger would deliver ``event`` to the
        function, and a short phrase saying why (or why not). The handler and ``maid run
        --event`` both decide with this."""
        raise NotImplementedError

    def not_delivered(self, event):
        """Why the trigger would not deliver ``event`` (a short phrase), or None."""
        if not isinstance(event, dict):
            return f"the event is a {type(event).__name__}, not an object"
        delivered, why = self.delivery(event)
        return None if delivered else why

    def skip_reason(self, event):
        """Why the function does nothing with this event (a short phrase), or None."""
        return self.not_delivered(event)

    def ids(self, event):
        """Resource ids named by the event; raises EventError when the event is malformed."""
        raise NotImplementedError

    def resource_ids(self, event):
        """``ids(event)`` without duplicates, empties, and ids of other resource types."""
        prefix = getattr(getattr(self.manager, "rtype", None), "id_prefix", None)
        out = []
        for i in self.ids(event):
            if isinstance(i, str) and i and (not prefix or i.startswith(prefix)) and i not in out:
                out.append(i)
        return out

    def resources(self, event=None):
        if event is None:
            raise EventError(f"mode '{self.type}' needs an event")
        ids = self.resource_ids(event)
        return self.fetch(ids) if ids else []

    def fetch(self, ids):
        """One batched describe; ids not visible yet (eventual consistency) are retried with
        exponential backoff for at most ``delay`` seconds."""
        # cached for this event like a listing: the policies of a bundle (mu/bundle.py) that
        # name the same ids share one describe; a write by any of them forgets it
        key = self.manager.listing_key() + ("event ids",) + tuple(ids)
        if key not in self.manager.ctx.cache:
            self.manager.ctx.cache[key] = self.manager.get_resources(ids)
        found = list(self.manager.ctx.cache[key])
        if getattr(self.manager, "builds_resources", False):
            return found   # the account, whatever the ids name (as in Custodian): no retry
        budget = float(self.data.get("delay", DEFAULT_DELAY))
        waited, step = 0.0, 0.25
        while waited < budget:
            seen = {self.manager.resource_id(r) for r in found}
            missing = [i for i in ids if i not in seen]
            if not missing:
                break
            pause = min(step, budget - waited)
            self.sleep(pause)
            waited += pause
            step *= 2
            self.manager.invalidate()
            found.extend(self.manager.get_resources(missing))
        order = {i: n for n, i in enumerate(ids)}
        return sorted(found, key=lambda r: order.get(self.manager.resource_id(r), len(order)))

    def member_account(self, event):
        """The account an event comes from (``member-role`` assumes a role there)."""
        return event.get("account") if isinstance(event, dict) else None

    def finish(self, event, meta):
        """Called by the handler after the policy ran on an event (config-rule reports here)."""
        return None

    # -- validation ---------------------------------------------------------------------------
    def event_problems(self, choices, unknown):
        """``events`` must be a non-empty list drawn from ``choices``; ``unknown`` names one."""
        events = self.data.get("events")
        out = []
        if not events:
            out.append((("events",), f"{self.type} needs events: {', '.join(choices)}"))
        for i, e in enumerate(events or ()):
            if e not in choices:
                from ..suggest import did_you_mean   # validation only
                out.append((("events", i), f"unknown {unknown} '{e}'{did_you_mean(e, choices)}"))
        return out

    def resource_problems(self):
        """The policy's resource type must be one this mode serves."""
        rtype, allowed = self.resource_type, self.for_resources
        if not allowed or not isinstance(rtype, str) or rtype in allowed:
            return []
        if len(allowed) == 1:
            return [((), f"{self.type} mode needs resource '{allowed[0]}'")]
        return [((), f"{self.type} mode supports resources {', '.join(sorted(allowed))}, not '{rtype}'")]

    def validate(self):
        out = self.resource_problems()
        prefix = self.data.get("function-prefix", DEFAULT_PREFIX)
        name = self.function_name
        if len(name) > MAX_FUNCTION_NAME:
            out.append((("function-prefix",) if "function-prefix" in self.data else (),
                        f"function name '{name}' (function-prefix '{prefix}' + policy name) is "
                        f"{len(name)} characters; Lambda allows {MAX_FUNCTION_NAME}"))
        if not FUNCTION_NAME.match(name):
            out.append(((), f"function name '{name}' may only hold letters, digits, '-' and '_'"))
        description = (getattr(self.policy, "data", None) or {}).get("description") or ""
        if len(description) > MAX_DESCRIPTION:
            out.append(((), f"policy description is {len(description)} characters; Lambda "
                            f"allows {MAX_DESCRIPTION}"))
        role = self.data.get("role")
        if role is not None and not (isinstance(role, str) and (
                ROLE_ARN.match(role) or (ROLE_NAME.match(role) and ":" not in role))):
            out.append((("role",), f"role '{role}' is neither an IAM role ARN "
                                   f"(arn:aws:iam::ACCOUNT:role/NAME), a role name nor "
                                   f"{AUTO_ROLE} (deploy makes the role)"))
        if isinstance(self.data.get("pattern"), dict):
            from ..events import pattern
            out.extend((("pattern",) + p, m) for p, m in pattern.problems(self.data["pattern"]))
        if "event-bus" in self.data and not isinstance(self, PatternMode):
            out.append((("event-bus",), f"mode {self.type} is not delivered by an event pattern "
                                        f"rule; only pattern rules can listen on another bus"))
        memory = self.data.get("memory")
        if isinstance(memory, (int, float)) and not 128 <= memory <= 10240:
            out.append((("memory",), f"memory {memory} MB is outside Lambda's 128-10240"))
        timeout = self.data.get("timeout")
        if isinstance(timeout, (int, float)) and not 1 <= timeout <= 900:
            out.append((("timeout",), f"timeout {timeout} s is outside Lambda's 1-900"))
        # a function joins a VPC with both; Lambda refuses one without the other
        for key, other in (("subnets", "security_groups"), ("security_groups", "subnets")):
            if self.data.get(key) and not self.data.get(other):
                out.append(((key,), f"{key} without {other}: a function in a VPC needs both"))
        for key in sorted(set(self.data.get("execution-options") or ()) & set(UNSUPPORTED_OPTIONS)):
            out.append((("execution-options", key), f"not supported: {UNSUPPORTED_OPTIONS[key]}"))
        return out

    def no_pattern(self, why):
        """The ``pattern`` key is refused by modes no EventBridge rule delivers."""
        return [(("pattern",), why)] if "pattern" in self.data else []


class RuleMode(EventMode):
    """Invoked through an EventBridge rule named after the function (pattern or schedule)."""

    def rule(self):
        """``{"pattern": {...}}`` and/or ``{"schedule": "rate(...)"}``: the rule to deploy."""
        raise NotImplementedError

    @classmethod
    def model_types(cls):
        from ..mu import eventbridge
        return eventbridge.MODEL_TYPES

    def models(self, function):
        from ..mu import eventbridge
        return eventbridge.rule_models(function, bus=self.data.get("event-bus") or "default",
                                       **self.rule())


class PatternMode(RuleMode):
    """Invoked by an EventBridge rule whose pattern the subclass renders (``base_pattern``);
    the policy's own ``pattern`` key is merged into it, as in Cloud Custodian."""

    def base_pattern(self):
        raise NotImplementedError

    def rule(self):
        """The merged pattern rendered canonically (sorted), so deploy plans never differ
        spuriously."""
        from ..events import pattern
        return {"pattern": pattern.canonical(pattern.merge(self.base_pattern(), self.data.get("pattern")))}

    @functools.cached_property
    def _deployed_pattern(self):
        return self.rule()["pattern"]     # the mode's data does not change once parsed

    def delivery(self, event):
        from ..events import pattern
        why = pattern.mismatch(self._deployed_pattern, event)
        return (True, "pattern matches") if why is None else (False, why)
