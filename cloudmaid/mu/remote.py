"""Read what AWS has for the models we want (read-only): functions, rules, targets, permissions,
AWS Config rules.

Everything is normalised into the same frozen models as the desired state, so the planner
compares like with like (absent optional settings read back as their empty defaults).
"""
import json

from botocore.exceptions import ClientError

from .models import TAG_POLICY, ConfigRule, Function, Permission, Rule, Target
from .planner import key

NOT_FOUND = ("ResourceNotFoundException", "NoSuchConfigRuleException")


def _missing(error):
    return error.response.get("Error", {}).get("Code") in NOT_FOUND


def observe(session_factory, desired):
    """``{key(model): observed model}`` for each desired model that exists in AWS."""
    lam = session_factory.client("lambda")
    events = session_factory.client("events")
    found = {}
    for model in desired:
        if isinstance(model, ConfigRule):
            got = read_config_rule(session_factory.client("config"), model.name)
            if got is not None:
                found[key(model)] = got
            continue
        if isinstance(model, Function):
            got = read_function(lam, model.name)
        elif isinstance(model, Rule):
            got = read_rule(events, model.name)
        elif isinstance(model, Target):
            if ("Rule", model.rule) not in found:
                continue                      # no rule, no targets
            got = read_target(events, model.rule, model.id)
        elif isinstance(model, Permission):
            if ("Function", model.function) not in found:
                continue                      # no function, no permission
            got = read_permission(lam, model.function, model.statement_id)
        else:
            raise TypeError(f"cannot observe model type {type(model).__name__}")
        if got is not None:
            found[key(model)] = got
    return found


def read_function(lam, name):
    try:
        resp = lam.get_function(FunctionName=name)
    except ClientError as e:
        if _missing(e):
            return None
        raise
    return function_from(resp["Configuration"], resp.get("Tags") or {},
                         (resp.get("Concurrency") or {}).get("ReservedConcurrentExecutions"))


def function_from(c, tags, concurrency=None):
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


def read_rule(events, name):
    try:
        r = events.describe_rule(Name=name)
    except ClientError as e:
        if _missing(e):
            return None
        raise
    tags = events.list_tags_for_resource(ResourceARN=r["Arn"]).get("Tags") or []
    return rule_from(r, tags)


def rule_from(r, tags):
    return Rule(name=r["Name"], description=r.get("Description", "") or "",
                pattern=canonical_pattern(r.get("EventPattern")), schedule=r.get("ScheduleExpression"),
                state=r.get("State", "ENABLED"), tags={t["Key"]: t["Value"] for t in tags},
                arn=r.get("Arn"))


def canonical_pattern(text):
    """EventBridge may hand a pattern back with other key order or spacing: compare canonically."""
    if not text:
        return None
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


def read_target(events, rule, target_id):
    targets = list_targets(events, rule)
    for t in targets:
        if t["Id"] == target_id:
            return Target(rule=rule, id=target_id, function=t["Arn"].rsplit(":", 1)[-1], arn=t["Arn"])
    return None


def list_targets(events, rule):
    out, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        resp = events.list_targets_by_rule(Rule=rule, **kw)
        out.extend(resp.get("Targets") or ())
        token = resp.get("NextToken")
        if not token:
            return out


def read_permission(lam, function, statement_id):
    try:
        policy = json.loads(lam.get_policy(FunctionName=function)["Policy"])
    except ClientError as e:
        if _missing(e):
            return None                       # a function without any resource policy
        raise
    for st in policy.get("Statement") or ():
        if st.get("Sid") != statement_id:
            continue
        principal = st.get("Principal")
        principal = principal.get("Service") if isinstance(principal, dict) else principal
        condition = st.get("Condition") or {}
        source = (condition.get("ArnLike") or {}).get("AWS:SourceArn")
        account = (condition.get("StringEquals") or {}).get("AWS:SourceAccount")
        return Permission(function=function, statement_id=statement_id, rule=statement_id,
                          principal=principal, source_arn=source, source_account=account)
    return None


def read_config_rule(config, name):
    try:
        rules = config.describe_config_rules(ConfigRuleNames=[name]).get("ConfigRules") or []
    except ClientError as e:
        if _missing(e):
            return None
        raise
    if not rules:
        return None
    r = rules[0]
    tags = config.list_tags_for_resource(ResourceArn=r["ConfigRuleArn"]).get("Tags") or []
    return config_rule_from(r, tags)


def config_rule_from(r, tags):
    source = r.get("Source") or {}
    return ConfigRule(
        name=r["ConfigRuleName"], description=r.get("Description", "") or "",
        function=(source.get("SourceIdentifier") or "").split(":function:", 1)[-1].split(":", 1)[0],
        resource_types=tuple((r.get("Scope") or {}).get("ComplianceResourceTypes") or ()),
        frequency=r.get("MaximumExecutionFrequency") or next(   # custom rules may keep it per detail
            (d["MaximumExecutionFrequency"] for d in source.get("SourceDetails") or ()
             if d.get("MaximumExecutionFrequency")), None), tags={t["Key"]: t["Value"] for t in tags},
        arn=r.get("ConfigRuleArn"), source_arn=source.get("SourceIdentifier"),
        message_types=tuple(sorted(d.get("MessageType", "") for d in source.get("SourceDetails") or ())))


# -- what gc needs: everything tagged as ours -----------------------------------------------------
def our_functions(session_factory):
    """Lambda functions tagged with TAG_POLICY (one tagging-API listing, not a call per function)."""
    tagging = session_factory.client("resourcegroupstaggingapi")
    out = []
    for page in tagging.get_paginator("get_resources").paginate(
            ResourceTypeFilters=["lambda:function"], TagFilters=[{"Key": TAG_POLICY}]):
        for item in page.get("ResourceTagMappingList") or ():
            arn = item["ResourceARN"]
            tags = {t["Key"]: t["Value"] for t in item.get("Tags") or ()}
            out.append((arn.split(":function:", 1)[-1].split(":", 1)[0], arn, tags))
    return sorted(out)


def our_rules(session_factory):
    """EventBridge rules (default bus) tagged with TAG_POLICY, with their target ids."""
    events = session_factory.client("events")
    out = []
    for page in events.get_paginator("list_rules").paginate():
        for r in page.get("Rules") or ():
            if r.get("ManagedBy"):
                continue                      # rules owned by AWS services
            tags = events.list_tags_for_resource(ResourceARN=r["Arn"]).get("Tags") or []
            if any(t["Key"] == TAG_POLICY for t in tags):
                ids = sorted(t["Id"] for t in list_targets(events, r["Name"]))
                out.append((rule_from(r, tags), ids))
    return sorted(out, key=lambda x: x[0].name)


def our_config_rules(session_factory):
    """AWS Config custom Lambda rules tagged with TAG_POLICY (one tag read per custom rule)."""
    config = session_factory.client("config")
    out = []
    for page in config.get_paginator("describe_config_rules").paginate():
        for r in page.get("ConfigRules") or ():
            if (r.get("Source") or {}).get("Owner") != "CUSTOM_LAMBDA" or r.get("CreatedBy"):
                continue                      # AWS managed, or owned by an AWS service
            tags = config.list_tags_for_resource(ResourceArn=r["ConfigRuleArn"]).get("Tags") or []
            if any(t["Key"] == TAG_POLICY for t in tags):
                out.append(config_rule_from(r, tags))
    return sorted(out, key=lambda r: r.name)
