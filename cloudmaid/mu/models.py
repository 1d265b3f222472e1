"""Desired (and observed) deployment state of one event-mode policy, as frozen data.

A policy deploys as four things: its Lambda Function, the EventBridge Rule that fires it, the
rule's Target pointing at the function, and the Permission letting EventBridge invoke the
function. A ``config-rule`` policy has no EventBridge rule and target: AWS Config invokes the
function through a custom ConfigRule, allowed by a Permission for config.amazonaws.com.
The planner diffs these against the same models read back from AWS (remote.py).
Everything we create carries TAG_POLICY and TAG_INFO so ``maid gc`` can find it later.
"""
from dataclasses import dataclass, field
from typing import Mapping, Optional

#: tag naming the policy a function or rule belongs to (what gc looks for)
TAG_POLICY = "maid-policy"
#: tag with mode and cloudmaid version, like Cloud Custodian's ``custodian-info``
TAG_INFO = "maid-info"
EVENTS_PRINCIPAL = "events.amazonaws.com"
CONFIG_PRINCIPAL = "config.amazonaws.com"
#: what a change-triggered Config rule listens to: oversized items come as a summary, which the
#: config-rule mode handles by describing the resource (AWS's console subscribes to both too)
CHANGE_MESSAGES = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification")
SCHEDULED_MESSAGES = ("ScheduledNotification",)


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
    #: SourceAccount condition: Config's permission names the account, as a config rule's ARN
    #: is unknown until the rule exists (and the rule needs the permission first)
    source_account: Optional[str] = None


@dataclass(frozen=True)
class ConfigRule:
    """An AWS Config custom rule (``Source.Owner`` CUSTOM_LAMBDA) that invokes ``function``
    on configuration changes of ``resource_types`` or, with ``frequency``, periodically."""
    name: str
    description: str
    function: str                       # function name (desired); ARN resolved by the planner
    resource_types: tuple = ()          # Scope.ComplianceResourceTypes
    frequency: Optional[str] = None     # MaximumExecutionFrequency (One_Hour, ...) if periodic
    #: Source.SourceDetails MessageTypes, sorted (aws.config is the only EventSource)
    message_types: tuple = CHANGE_MESSAGES
    tags: Mapping[str, str] = field(default_factory=dict)
    arn: str = field(default=None, compare=False)           # ConfigRuleArn (observed)
    source_arn: str = field(default=None, compare=False)    # Source.SourceIdentifier (observed)


@dataclass(frozen=True)
class Deployment:
    """Everything one policy needs; ``observed`` versions have None for what does not exist."""
    policy: str
    function: Optional[Function]
    rule: Optional[Rule]
    target: Optional[Target]
    permission: Optional[Permission]
    config_rule: Optional[ConfigRule] = None

    def models(self):
        """In dependency order: Config checks the invoke permission when the rule is put."""
        return [m for m in (self.function, self.rule, self.target, self.permission, self.config_rule)
                if m is not None]
