"""plan(desired, observed) -> the API calls that make AWS match the desired models. Pure.

Each model plans itself (``model.plan(have, state)``, see models.py); this module holds the plan
vocabulary they share. Only what differs is planned: an unchanged policy plans to nothing; a
changed memory plans one UpdateFunctionConfiguration carrying just MemorySize; new code
(compared by sha256 with Lambda's CodeSha256) plans one UpdateFunctionCode. Values that exist
only once an earlier call ran (a new function's ARN, a new rule's ARN) are placeholders
(``Var``) the executor fills in.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Var:
    """A value produced by an earlier call of the same plan."""
    name: str


@dataclass(frozen=True)
class APICall:
    service: str
    method: str
    params: dict
    resource: str = ""                      # what it is about, for display
    #: ((variable, response key), ...) to remember from the response
    output: tuple = field(default=())
    #: error codes that mean "not yet" (IAM/Lambda propagation): retried with backoff
    retry_on: tuple = field(default=())


@dataclass(frozen=True)
class WaitForFunction:
    """Lambda refuses a second update while the previous one is in progress."""
    name: str
    resource: str = ""


def key(model):
    """The identity of a model: what remote.observe keys its findings by."""
    try:
        return model.key
    except AttributeError:
        raise TypeError(f"no plan for model type {type(model).__name__}") from None


def plan(desired, observed):
    """``desired``: models in dependency order (a Deployment's ``models()``); ``observed``:
    ``{key(model): model read from AWS}`` (absent keys do not exist)."""
    calls, state = [], {"observed": observed}
    for model in desired:
        planner = getattr(model, "plan", None)
        if not callable(planner):
            raise TypeError(f"no plan for model type {type(model).__name__}")
        calls.extend(planner(observed.get(key(model)), state))
    return calls


def diff_tags(old, new):
    """(tags to set, sorted keys to remove). ``aws:`` tags belong to AWS (CloudFormation, ...)
    and cannot be removed: leave them alone."""
    add = {k: v for k, v in sorted(new.items()) if old.get(k) != v}
    return add, sorted(k for k in old if k not in new and not k.startswith("aws:"))


def arn_names(arn, kind, name):
    """Whether ``arn`` is the unqualified ARN of the function/rule ``name`` (same account and
    region is implied: we only read our own)."""
    if not isinstance(arn, str):
        return False
    sep = ":" if kind == "function" else "/"
    return arn.endswith(f":{kind}{sep}{name}")


# -- removal (gc) -----------------------------------------------------------------------------
def plan_removal(function_names=(), triggers=()):
    """Calls that remove what stale policies left: ``triggers`` first (each a list of removal
    steps, from a model kind's ``ours()``: a rule loses its targets first, a Config rule goes
    before the function it invokes), then the functions (their invoke permissions go with them)."""
    calls = [step for steps in triggers for step in steps]
    calls.extend(APICall("lambda", "delete_function", {"FunctionName": name}, name)
                 for name in function_names)
    return calls
