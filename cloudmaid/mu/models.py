"""Desired (and observed) deployment state of one event-mode policy, as frozen data.

A policy deploys as four things: its Lambda Function, the EventBridge Rule that fires it, the
rule's Target pointing at the function, and the Permission letting EventBridge invoke the
function. The planner diffs these against the same models read back from AWS (remote.py).
Everything we create carries TAG_POLICY and TAG_INFO so ``maid gc`` can find it later.
"""
from dataclasses import dataclass, field
from typing import Mapping, Optional

#: tag naming the policy a function or rule belongs to (what gc looks for)
TAG_POLICY = "maid-policy"
#: tag with mode and cloudmaid version, like Cloud Custodian's ``custodian-info``
TAG_INFO = "maid-info"
EVENTS_PRINCIPAL = "events.amazonaws.com"


@dataclass(frozen=True)
class Function:
    name: str
    role: str
    handler: str
    runtime: str
    memory: int
    timeout: int
    description: str
    code_sha256: str
    tags: Mapping[str, str] = field(default_factory=dict)
    environment: Mapping[str, str] = field(default_factory=dict)   # Environment.Variables
    layers: tuple = ()
    dead_letter_target: str = ""                                    # DeadLetterConfig.TargetArn
    kms_key_arn: str = ""
    tracing_mode: str = "PassThrough"
    subnets: tuple = ()
    security_groups: tuple = ()
    concurrency: Optional[int] = None                               # reserved concurrency
    #: the zip (desired side only); never compared, never printed
    code: bytes = field(default=None, repr=False, compare=False)
    #: known once the function exists (observed side)
    arn: str = field(default=None, compare=False)


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    pattern: Optional[str] = None       # canonical JSON (sorted keys) or None
    schedule: Optional[str] = None
    state: str = "ENABLED"
    tags: Mapping[str, str] = field(default_factory=dict)
    arn: str = field(default=None, compare=False)

    @property
    def kind(self):
        return "pattern" if self.pattern else "schedule"


@dataclass(frozen=True)
class Target:
    rule: str
    id: str
    function: str                       # function name (desired); ARN resolved by the planner
    arn: str = field(default=None, compare=False)   # the target's Arn (observed)


@dataclass(frozen=True)
class Permission:
    function: str
    statement_id: str
    rule: str
    principal: str = EVENTS_PRINCIPAL
    source_arn: str = field(default=None, compare=False)   # observed SourceArn condition


@dataclass(frozen=True)
class Deployment:
    """Everything one policy needs; ``observed`` versions have None for what does not exist."""
    policy: str
    function: Optional[Function]
    rule: Optional[Rule]
    target: Optional[Target]
    permission: Optional[Permission]

    def models(self):
        return [m for m in (self.function, self.rule, self.target, self.permission) if m is not None]
