"""Desired (and observed) deployment state as frozen models, each carrying its own identity,
read-back and diff.

A policy deploys as a Lambda Function plus the models its mode (a trigger, cloudmaid/modes/)
declares to make events reach it: an EventBridge rule, target and invoke permission
(mu/eventbridge.py), an AWS Config rule and its permission (mu/awsconfig.py), ... Every model
answers the same three questions, so deploy, remote and planner stay generic:

- ``key``: its identity (what ``observe`` findings are keyed by);
- ``observe(session_factory, found)``: the same model read back from AWS (read-only), or None
  when it does not exist; ``found`` holds what was read before it (a target needs its rule);
- ``plan(have, state)``: the API calls that turn ``have`` (observed, or None) into this one.
  ``state`` carries values between the models of one plan (a new function's ARN placeholder).

A model kind that can be left behind by a removed policy also answers ``ours(session_factory)``
for ``maid gc``: ``[(function name, removal steps)]`` for what carries TAG_POLICY.
Everything we create carries TAG_POLICY and TAG_INFO so ``maid gc`` can find it later.
"""
import json
from dataclasses import dataclass, field
from typing import Mapping, Optional

from botocore.exceptions import ClientError

from .planner import APICall, Var, WaitForFunction, diff_tags

#: tag naming the policy a function or rule belongs to (what gc looks for)
TAG_POLICY = "maid-policy"
#: tag with mode and cloudmaid version, like Cloud Custodian's ``custodian-info``
TAG_INFO = "maid-info"
#: in TAG_INFO's value when the policy reserves concurrency: a deploy reads a function's
#: reserved concurrency only for policies that set one or had one (ListFunctions lacks it)
CONCURRENCY_MARK = ":concurrency="
NOT_FOUND = ("ResourceNotFoundException", "NoSuchConfigRuleException")


def missing(error):
    """Whether a ClientError says the thing asked for does not exist."""
    return error.response.get("Error", {}).get("Code") in NOT_FOUND


def read_or_none(call, **params):
    """``call(**params)``, or None when AWS says it does not exist."""
    try:
        return call(**params)
    except ClientError as e:
        if missing(e):
            return None
        raise


def tag_list(tags):
    """``{K: V}`` -> ``[{"Key": K, "Value": V}]`` sorted (EventBridge's and Config's shape)."""
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def function_arn(state, name):
    """The ARN of function ``name`` as known in this plan: observed, or a placeholder."""
    return state.get(("arn", name)) or Var(f"{name}.FunctionArn")


# -- the function ----------------------------------------------------------------------------
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

    @property
    def key(self):
        return ("Function", self.name)

    @property
    def account(self):
        """The account the function lives in: Lambda takes an execution role of its own account."""
        return self.role.split(":")[4]

    def config(self):
        """Lambda configuration parameters, in the API's shape."""
        return {
            "Role": self.role, "Handler": self.handler, "Runtime": self.runtime,
            "MemorySize": self.memory, "Timeout": self.timeout, "Description": self.description,
            "Environment": {"Variables": dict(self.environment)},
            "Layers": list(self.layers),
            "DeadLetterConfig": {"TargetArn": self.dead_letter_target} if self.dead_letter_target else {},
            "KMSKeyArn": self.kms_key_arn,
            "TracingConfig": {"Mode": self.tracing_mode},
            "VpcConfig": {"SubnetIds": list(self.subnets), "SecurityGroupIds": list(self.security_groups)},
        }

    def observe(self, view, found):
        """From the region's ListFunctions and tag listing (remote.View); the reserved
        concurrency only when this policy sets one or the function's TAG_INFO says it had one."""
        c = view.function(self.name)
        if c is None:
            return None
        lam = view.client("lambda")
        tags = view.tags(c["FunctionArn"], lambda: lam.list_tags(Resource=c["FunctionArn"]).get("Tags") or {})
        concurrency = None
        if self.concurrency is not None or CONCURRENCY_MARK in tags.get(TAG_INFO, ""):
            got = read_or_none(lam.get_function_concurrency, FunctionName=self.name) or {}
            concurrency = got.get("ReservedConcurrentExecutions")
        return function_from(c, tags, concurrency)

    def plan(self, have, state):
        name = self.name
        if have is None:
            state[("arn", name)] = Var(f"{name}.FunctionArn")
            params = {"FunctionName": name, "Code": {"ZipFile": self.code}, "Publish": False,
                      "Tags": dict(self.tags)}
            params.update({k: v for k, v in self.config().items() if _CREATE_DEFAULTS.get(k) != v})
            calls = [APICall("lambda", "create_function", params, name,
                             output=((f"{name}.FunctionArn", "FunctionArn"),))]
            if self.concurrency is not None:
                calls.append(self._concurrency())
            return calls
        state[("arn", name)] = have.arn
        calls = []
        if self.code_sha256 != have.code_sha256:
            calls.append(APICall("lambda", "update_function_code",
                                 {"FunctionName": name, "ZipFile": self.code, "Publish": False}, name))
        old = have.config()
        changed = {k: v for k, v in self.config().items() if old[k] != v}
        if changed:
            if calls:
                calls.append(WaitForFunction(name, name))
            calls.append(APICall("lambda", "update_function_configuration",
                                 {"FunctionName": name, **changed}, name))
        add, remove = diff_tags(have.tags, self.tags)
        if add:
            calls.append(APICall("lambda", "tag_resource", {"Resource": have.arn, "Tags": add}, name))
        if remove:
            calls.append(APICall("lambda", "untag_resource", {"Resource": have.arn, "TagKeys": remove}, name))
        if self.concurrency != have.concurrency:
            calls.append(self._concurrency() if self.concurrency is not None else APICall(
                "lambda", "delete_function_concurrency", {"FunctionName": name}, name))
        return calls

    def _concurrency(self):
        return APICall("lambda", "put_function_concurrency", {
            "FunctionName": self.name, "ReservedConcurrentExecutions": self.concurrency}, self.name)


# Empty values Lambda does not need on create (they are its defaults).
_CREATE_DEFAULTS = {"Environment": {"Variables": {}}, "Layers": [], "DeadLetterConfig": {},
                    "KMSKeyArn": "", "TracingConfig": {"Mode": "PassThrough"},
                    "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}}


def function_from(c, tags, concurrency=None):
    """A Function from Lambda's configuration shape (absent settings as their empty defaults)."""
    vpc = c.get("VpcConfig") or {}
    return Function(
        name=c["FunctionName"], role=c.get("Role", ""), handler=c.get("Handler", ""),
        runtime=c.get("Runtime", ""), memory=c.get("MemorySize"), timeout=c.get("Timeout"),
        description=c.get("Description", "") or "", code_sha256=c.get("CodeSha256", ""),
        tags=dict(tags), environment=dict((c.get("Environment") or {}).get("Variables") or {}),
        layers=tuple(layer["Arn"] for layer in c.get("Layers") or ()),
        dead_letter_target=(c.get("DeadLetterConfig") or {}).get("TargetArn", "") or "",
        kms_key_arn=c.get("KMSKeyArn", "") or "",
        tracing_mode=(c.get("TracingConfig") or {}).get("Mode", "PassThrough"),
        subnets=tuple(vpc.get("SubnetIds") or ()), security_groups=tuple(vpc.get("SecurityGroupIds") or ()),
        concurrency=concurrency, arn=c.get("FunctionArn"))


# -- the invoke permission ------------------------------------------------------------------------
@dataclass(frozen=True)
class Permission:
    """A statement of the function's resource policy letting ``principal`` invoke it, limited
    to one account (``source_account``). Subclasses limit it otherwise (to one EventBridge
    rule: eventbridge.RulePermission). Read back, a statement is this class with what AWS has."""
    function: str
    statement_id: str
    principal: str
    source_account: Optional[str] = None
    source_arn: Optional[str] = field(default=None, compare=False)   # observed SourceArn

    @property
    def key(self):
        # one key for every kind of permission: a policy that changes trigger swaps it in place
        return ("Permission", self.function, self.statement_id)

    def condition(self, state):
        """The add_permission parameters that limit who may invoke."""
        return {"SourceAccount": self.source_account}

    def same(self, have, state):
        return (have.principal, have.source_account) == (self.principal, self.source_account)

    def observe(self, session_factory, found):
        if ("Function", self.function) not in found:
            return None                       # no function, no permission
        resp = read_or_none(session_factory.client("lambda").get_policy, FunctionName=self.function)
        if resp is None:
            return None                       # a function without any resource policy
        for st in json.loads(resp["Policy"]).get("Statement") or ():
            if st.get("Sid") != self.statement_id:
                continue
            principal = st.get("Principal")
            principal = principal.get("Service") if isinstance(principal, dict) else principal
            condition = st.get("Condition") or {}
            return Permission(function=self.function, statement_id=self.statement_id,
                              principal=principal,
                              source_account=(condition.get("StringEquals") or {}).get("AWS:SourceAccount"),
                              source_arn=(condition.get("ArnLike") or {}).get("AWS:SourceArn"))
        return None

    def plan(self, have, state):
        if have is not None and self.same(have, state):
            return []
        calls = []
        if have is not None:
            calls.append(APICall("lambda", "remove_permission", {
                "FunctionName": self.function, "StatementId": self.statement_id}, self.function))
        calls.append(APICall("lambda", "add_permission", {
            "FunctionName": self.function, "StatementId": self.statement_id,
            "Action": "lambda:InvokeFunction", "Principal": self.principal, **self.condition(state)},
            self.function))
        return calls


# -- one policy -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Deployment:
    """Everything one policy needs: its function and the models of its trigger, in dependency
    order (a permission after what it names; Config checks the permission when its rule is put)."""
    policy: str
    function: Function
    triggers: tuple = ()

    def models(self):
        return [self.function, *self.triggers]
