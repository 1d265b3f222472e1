"""Mode base and registry, the pull (poll) mode, and the base of the event modes.

A mode decides how resources enter the pipeline: pull/periodic list them; event modes read
ids out of an event and fetch those. Event modes also render the EventBridge rule they need
(``rule()``), which mu/ deploys, and check their own keys (``validate()``).
"""
import re
import time

from ..element import Element
from ..errors import EventError
from ..registry import Registry

modes = Registry("modes")


class Mode(Element):
    #: deployed as a Lambda function (everything except pull)
    event_mode = False

    def __init__(self, data, policy):
        super().__init__(data or {"type": "pull"}, policy.manager if policy else None)
        self.policy = policy

    def resources(self, event=None):
        """The resources this execution considers, before filters."""
        return self.manager.resources()


@modes.register("pull")
class PullMode(Mode):
    pass


# -- event modes ------------------------------------------------------------------------------
_STR = {"type": "string"}
_OBJ = {"type": "object"}
_STR_LIST = {"type": "array", "items": _STR}

#: keys every Lambda-backed mode accepts (Cloud Custodian's LambdaMode keys)
COMMON_SCHEMA = {
    "role": _STR,
    "memory": {"type": "number"},
    "timeout": {"type": "number"},
    "runtime": {"enum": ["python3.10", "python3.11", "python3.12", "python3.13"]},
    "handler": _STR,
    "tags": {"type": "object", "additionalProperties": _STR},
    "environment": _OBJ,
    "concurrency": {"type": "integer"},
    "dead_letter_config": _OBJ,
    "layers": _STR_LIST,
    "subnets": {"type": "array"},
    "security_groups": {"type": "array"},
    "kms_key_arn": _STR,
    "tracing_config": _OBJ,
    "function-prefix": _STR,
    "execution-options": {"type": "object", "properties": {
        "output_dir": _STR, "metrics": {"type": ["boolean", "string"]},
        "metrics_enabled": {"type": ["boolean", "string"]}, "log_group": _STR,
        "region": _STR, "dryrun": {"type": "boolean"}}},
    "delay": {"type": "number", "minimum": 0,
              "description": "seconds to keep retrying ids not yet visible to describe calls"},
    "member-role": _STR,
    "pattern": {"type": "object", "minProperties": 1},
    "packages": _STR_LIST,
    "log": {"type": "boolean"},
}

DEFAULT_PREFIX = "maid-"
FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|\{account_id\}):role/[\w+=,.@/-]+$")
ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,64}$")
MAX_FUNCTION_NAME = 64
MAX_DESCRIPTION = 256
#: seconds to retry ids a describe does not show yet, when the policy sets no ``delay``
DEFAULT_DELAY = 2.0


class EventMode(Mode):
    """A policy deployed as its own Lambda function; subclasses say which events feed it."""
    event_mode = True
    schema = COMMON_SCHEMA
    #: patched in tests; the handler's only sleep
    sleep = staticmethod(time.sleep)

    # -- deployment facts (read by mu/) ------------------------------------------------------
    @property
    def policy_name(self):
        return getattr(self.policy, "name", None) or (getattr(self.policy, "data", None) or {}).get("name", "")

    @property
    def function_name(self):
        return self.data.get("function-prefix", DEFAULT_PREFIX) + str(self.policy_name)

    def role_arn(self, account_id, partition="aws"):
        """The role as an ARN: a bare name is expanded with the account id."""
        role = self.data.get("role")
        if not role or role.startswith("arn:"):
            return role
        return f"arn:{partition}:iam::{account_id}:role/{role}"

    def rule(self):
        """``{"pattern": {...}}`` or ``{"schedule": "rate(...)"}``: what invokes the function."""
        raise NotImplementedError

    # -- per event ----------------------------------------------------------------------------
    def skip_reason(self, event):
        """Why this event is not for this policy (a short sentence), or None."""
        from ..events import pattern
        if not isinstance(event, dict):
            return f"event is a {type(event).__name__}, not an object"
        p = self.rule().get("pattern")
        if p and not pattern.matches(p, event):
            return "event does not match the policy's event pattern"
        return None

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
        found = self.manager.get_resources(ids)
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

    def pattern_rule(self, base):
        """``base`` merged with the policy's own ``pattern`` key, rendered canonically (sorted)
        so that deploy plans never differ spuriously."""
        from ..events import pattern
        return {"pattern": pattern.canonical(pattern.merge(base, self.data.get("pattern")))}

    # -- validation ---------------------------------------------------------------------------
    def event_problems(self, choices, unknown):
        """``events`` must be a non-empty list drawn from ``choices``; ``unknown`` names one."""
        events = self.data.get("events")
        out = []
        if not events:
            out.append((("events",), f"{self.type} needs events: {', '.join(choices)}"))
        for i, e in enumerate(events or ()):
            if e not in choices:
                out.append((("events", i), f"unknown {unknown} '{e}'{suggest(e, choices)}"))
        return out

    def validate(self):
        out = []
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
                                   f"(arn:aws:iam::ACCOUNT:role/NAME) nor a role name"))
        if isinstance(self.data.get("pattern"), dict):
            from ..events import pattern
            out.extend((("pattern",) + p, m) for p, m in pattern.problems(self.data["pattern"]))
        memory = self.data.get("memory")
        if isinstance(memory, (int, float)) and not 128 <= memory <= 10240:
            out.append((("memory",), f"memory {memory} MB is outside Lambda's 128-10240"))
        timeout = self.data.get("timeout")
        if isinstance(timeout, (int, float)) and not 1 <= timeout <= 900:
            out.append((("timeout",), f"timeout {timeout} s is outside Lambda's 1-900"))
        return out


def suggest(word, choices):
    import difflib
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
