"""plan(desired, observed) -> the API calls that make AWS match the desired models. Pure.

Only what differs is planned: an unchanged policy plans to nothing; a changed memory plans
one UpdateFunctionConfiguration carrying just MemorySize; new code (compared by sha256 with
Lambda's CodeSha256) plans one UpdateFunctionCode. Values that exist only once an earlier call
ran (a new function's ARN, a new rule's ARN) are placeholders (``Var``) the executor fills in.
"""
from dataclasses import dataclass, field

from .models import CONFIG_PRINCIPAL, ConfigRule, Function, Permission, Rule, Target


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
    if isinstance(model, Function):
        return ("Function", model.name)
    if isinstance(model, Rule):
        return ("Rule", model.name)
    if isinstance(model, Target):
        return ("Target", model.rule, model.id)
    if isinstance(model, Permission):
        return ("Permission", model.function, model.statement_id)
    if isinstance(model, ConfigRule):
        return ("ConfigRule", model.name)
    raise TypeError(f"no plan for model type {type(model).__name__}")


def plan(desired, observed):
    """``desired``: models in dependency order (function, rule, target, permission per policy);
    ``observed``: ``{key(model): model read from AWS}`` (absent keys do not exist)."""
    calls, state = [], {"observed": observed}
    for model in desired:
        planner = _PLANNERS.get(type(model))
        if planner is None:
            raise TypeError(f"no plan for model type {type(model).__name__}")
        calls.extend(planner(model, observed.get(key(model)), state))
    return calls


# -- functions --------------------------------------------------------------------------------
def function_config(f):
    """Lambda configuration parameters of a Function, in the API's shape."""
    return {
        "Role": f.role, "Handler": f.handler, "Runtime": f.runtime, "MemorySize": f.memory,
        "Timeout": f.timeout, "Description": f.description,
        "Environment": {"Variables": dict(f.environment)},
        "Layers": list(f.layers),
        "DeadLetterConfig": {"TargetArn": f.dead_letter_target} if f.dead_letter_target else {},
        "KMSKeyArn": f.kms_key_arn,
        "TracingConfig": {"Mode": f.tracing_mode},
        "VpcConfig": {"SubnetIds": list(f.subnets), "SecurityGroupIds": list(f.security_groups)},
    }


# Empty values Lambda does not need on create (they are its defaults).
_CREATE_DEFAULTS = {"Environment": {"Variables": {}}, "Layers": [], "DeadLetterConfig": {},
                    "KMSKeyArn": "", "TracingConfig": {"Mode": "PassThrough"},
                    "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}}


def _plan_function(want, have, state):
    name = want.name
    if have is None:
        params = {"FunctionName": name, "Code": {"ZipFile": want.code}, "Publish": False,
                  "Tags": dict(want.tags)}
        params.update({k: v for k, v in function_config(want).items() if _CREATE_DEFAULTS.get(k, None) != v})
        state[("arn", name)] = Var(f"{name}.FunctionArn")
        calls = [APICall("lambda", "create_function", params, name,
                         output=((f"{name}.FunctionArn", "FunctionArn"),))]
        if want.concurrency is not None:
            calls.append(APICall("lambda", "put_function_concurrency", {
                "FunctionName": name, "ReservedConcurrentExecutions": want.concurrency}, name))
        return calls
    state[("arn", name)] = have.arn
    calls = []
    if want.code_sha256 != have.code_sha256:
        calls.append(APICall("lambda", "update_function_code",
                             {"FunctionName": name, "ZipFile": want.code, "Publish": False}, name))
    old, new = function_config(have), function_config(want)
    changed = {k: v for k, v in new.items() if old[k] != v}
    if changed:
        if calls:
            calls.append(WaitForFunction(name, name))
        calls.append(APICall("lambda", "update_function_configuration",
                             {"FunctionName": name, **changed}, name))
    add, remove = diff_tags(have.tags, want.tags)
    if add:
        calls.append(APICall("lambda", "tag_resource", {"Resource": have.arn, "Tags": add}, name))
    if remove:
        calls.append(APICall("lambda", "untag_resource", {"Resource": have.arn, "TagKeys": remove}, name))
    if want.concurrency != have.concurrency:
        if want.concurrency is None:
            calls.append(APICall("lambda", "delete_function_concurrency", {"FunctionName": name}, name))
        else:
            calls.append(APICall("lambda", "put_function_concurrency", {
                "FunctionName": name, "ReservedConcurrentExecutions": want.concurrency}, name))
    return calls


def diff_tags(old, new):
    """(tags to set, sorted keys to remove). ``aws:`` tags belong to AWS (CloudFormation, ...)
    and cannot be removed: leave them alone."""
    add = {k: v for k, v in sorted(new.items()) if old.get(k) != v}
    return add, sorted(k for k in old if k not in new and not k.startswith("aws:"))


# -- rules, targets, permissions ----------------------------------------------------------------
def _put_rule(want, with_tags):
    params = {"Name": want.name, "Description": want.description, "State": want.state}
    if want.pattern:
        params["EventPattern"] = want.pattern
    if want.schedule:
        params["ScheduleExpression"] = want.schedule
    if with_tags:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(want.tags.items())]
    return APICall("events", "put_rule", params, want.name,
                   output=((f"{want.name}.RuleArn", "RuleArn"),))


def _plan_rule(want, have, state):
    name = want.name
    if have is None:
        state[("rule_arn", name)] = Var(f"{name}.RuleArn")
        return [_put_rule(want, with_tags=True)]
    calls = []
    if want.kind != have.kind:
        # EventBridge cannot turn a pattern rule into a schedule rule in place: recreate it
        # (its targets first). The name, hence the ARN the permission names, stays the same.
        ids = sorted(k[2] for k in state["observed"] if k[0] == "Target" and k[1] == name)
        if ids:
            calls.append(APICall("events", "remove_targets", {"Rule": name, "Ids": ids}, name))
        calls.append(APICall("events", "delete_rule", {"Name": name}, name))
        calls.append(_put_rule(want, with_tags=True))
        state[("rule_arn", name)] = Var(f"{name}.RuleArn")
        state[("recreated", name)] = True
        return calls
    state[("rule_arn", name)] = have.arn
    if (want.pattern, want.schedule, want.state, want.description) != (
            have.pattern, have.schedule, have.state, have.description):
        calls.append(_put_rule(want, with_tags=False))
    add, remove = diff_tags(have.tags, want.tags)
    if add:
        calls.append(APICall("events", "tag_resource", {"ResourceARN": have.arn, "Tags": [
            {"Key": k, "Value": v} for k, v in add.items()]}, name))
    if remove:
        calls.append(APICall("events", "untag_resource", {"ResourceARN": have.arn, "TagKeys": remove}, name))
    return calls


def _plan_target(want, have, state):
    fn_arn = state.get(("arn", want.function)) or Var(f"{want.function}.FunctionArn")
    recreated = state.get(("recreated", want.rule))
    if have is not None and not recreated and arn_names(have.arn, "function", want.function):
        return []
    return [APICall("events", "put_targets", {"Rule": want.rule, "Targets": [
        {"Id": want.id, "Arn": fn_arn}]}, want.rule)]


def _plan_permission(want, have, state):
    if want.principal == CONFIG_PRINCIPAL:
        # AWS Config's invoke permission is limited to our account (SourceAccount): the config
        # rule's ARN does not exist yet when the permission must (Config checks it on PutConfigRule)
        condition = {"SourceAccount": want.source_account}
        same = have is not None and (have.principal, have.source_account) == (
            want.principal, want.source_account)
    else:
        condition = {"SourceArn": state.get(("rule_arn", want.rule)) or Var(f"{want.rule}.RuleArn")}
        same = (have is not None and have.principal == want.principal
                and arn_names(have.source_arn, "rule", want.rule))
    if same:
        return []
    calls = []
    if have is not None:
        calls.append(APICall("lambda", "remove_permission", {
            "FunctionName": want.function, "StatementId": want.statement_id}, want.function))
    calls.append(APICall("lambda", "add_permission", {
        "FunctionName": want.function, "StatementId": want.statement_id,
        "Action": "lambda:InvokeFunction", "Principal": want.principal, **condition},
        want.function))
    return calls


# -- AWS Config rules ---------------------------------------------------------------------------
def _put_config_rule(want, fn_arn):
    # a custom rule's period lives in its source detail (AWS's documentation); Cloud Custodian
    # sets the rule-level one: set both, so neither falls back to its 24-hour default
    period = {"MaximumExecutionFrequency": want.frequency} if want.frequency else {}
    rule = {"ConfigRuleName": want.name, "Description": want.description,
            "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": fn_arn, "SourceDetails": [
                {"EventSource": "aws.config", "MessageType": m, **period} for m in want.message_types]},
            **period}
    if want.resource_types:
        rule["Scope"] = {"ComplianceResourceTypes": list(want.resource_types)}
    # PutConfigRule replaces the whole rule: always send our tags along so none are dropped
    # Config refuses the rule while the new invoke permission has not propagated yet
    return APICall("config", "put_config_rule", {"ConfigRule": rule, "Tags": [
        {"Key": k, "Value": v} for k, v in sorted(want.tags.items())]}, want.name,
        retry_on=("InsufficientPermissionsException",))


def _plan_config_rule(want, have, state):
    fn_arn = state.get(("arn", want.function)) or Var(f"{want.function}.FunctionArn")
    if have is None:
        return [_put_config_rule(want, fn_arn)]
    calls = []
    same_function = not isinstance(fn_arn, Var) and arn_names(have.source_arn, "function", want.function)
    if not same_function or (want.description, tuple(want.resource_types), want.frequency,
                             tuple(sorted(want.message_types))) != (
            have.description, tuple(have.resource_types), have.frequency, tuple(sorted(have.message_types))):
        calls.append(_put_config_rule(want, fn_arn))
    add, remove = diff_tags(have.tags, want.tags)
    if add:
        calls.append(APICall("config", "tag_resource", {"ResourceArn": have.arn, "Tags": [
            {"Key": k, "Value": v} for k, v in add.items()]}, want.name))
    if remove:
        calls.append(APICall("config", "untag_resource", {"ResourceArn": have.arn, "TagKeys": remove}, want.name))
    return calls


def arn_names(arn, kind, name):
    """Whether ``arn`` is the unqualified ARN of the function/rule ``name`` (same account and
    region is implied: we only read our own)."""
    if not isinstance(arn, str):
        return False
    sep = ":" if kind == "function" else "/"
    return arn.endswith(f":{kind}{sep}{name}")


_PLANNERS = {Function: _plan_function, Rule: _plan_rule, Target: _plan_target,
             Permission: _plan_permission, ConfigRule: _plan_config_rule}


# -- removal (gc) -----------------------------------------------------------------------------
def plan_removal(function_names=(), rules=(), config_rules=()):
    """Calls that remove our functions (their invoke permissions go with them) and our rules
    (targets first, as EventBridge requires). ``rules``: ``(Rule, [target ids])`` pairs;
    ``config_rules``: names of AWS Config rules, removed before the functions they invoke."""
    calls = [APICall("config", "delete_config_rule", {"ConfigRuleName": name}, name)
             for name in config_rules]
    for rule, target_ids in rules:
        if target_ids:
            calls.append(APICall("events", "remove_targets", {"Rule": rule.name, "Ids": list(target_ids)}, rule.name))
        calls.append(APICall("events", "delete_rule", {"Name": rule.name}, rule.name))
    for name in function_names:
        calls.append(APICall("lambda", "delete_function", {"FunctionName": name}, name))
    return calls
