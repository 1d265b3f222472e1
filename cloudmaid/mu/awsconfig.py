"""An AWS Config custom rule as a trigger: the ConfigRule (``Source.Owner`` CUSTOM_LAMBDA)
that invokes the function, and the Permission letting config.amazonaws.com invoke it.

The permission is limited to our account (SourceAccount): a Config rule's ARN does not exist
yet when the permission must (Config checks it on PutConfigRule). The rule is named after the
function, so gc finds a rule's function by its name.
"""
from dataclasses import dataclass, field
from typing import Mapping, Optional

from .models import TAG_POLICY, Permission, function_arn, read_or_none, tag_list
from .planner import APICall, Var, arn_names, diff_tags

PRINCIPAL = "config.amazonaws.com"


@dataclass(frozen=True)
class ConfigRule:
    """Invokes ``function`` on configuration changes of ``resource_types`` or, with
    ``frequency``, periodically."""
    name: str
    description: str
    function: str                       # function name (desired); ARN resolved by the planner
    resource_types: tuple = ()          # Scope.ComplianceResourceTypes
    frequency: Optional[str] = None     # MaximumExecutionFrequency (One_Hour, ...) if periodic
    #: Source.SourceDetails MessageTypes, sorted (aws.config is the only EventSource)
    message_types: tuple = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    arn: str = field(default=None, compare=False)           # ConfigRuleArn (observed)
    source_arn: str = field(default=None, compare=False)    # Source.SourceIdentifier (observed)

    @property
    def key(self):
        return ("ConfigRule", self.name)

    def observe(self, session_factory, found):
        config = session_factory.client("config")
        resp = read_or_none(config.describe_config_rules, ConfigRuleNames=[self.name])
        rules = (resp or {}).get("ConfigRules") or []
        if not rules:
            return None
        tags = config.list_tags_for_resource(ResourceArn=rules[0]["ConfigRuleArn"]).get("Tags") or []
        return config_rule_from(rules[0], tags)

    def plan(self, have, state):
        fn_arn = function_arn(state, self.function)
        if have is None:
            return [self._put(fn_arn)]
        calls = []
        same_function = not isinstance(fn_arn, Var) and arn_names(have.source_arn, "function", self.function)
        if not same_function or (self.description, tuple(self.resource_types), self.frequency,
                                 tuple(sorted(self.message_types))) != (
                have.description, tuple(have.resource_types), have.frequency, tuple(sorted(have.message_types))):
            calls.append(self._put(fn_arn))
        add, remove = diff_tags(have.tags, self.tags)
        if add:
            calls.append(APICall("config", "tag_resource", {"ResourceArn": have.arn, "Tags": tag_list(add)}, self.name))
        if remove:
            calls.append(APICall("config", "untag_resource", {"ResourceArn": have.arn, "TagKeys": remove}, self.name))
        return calls

    def _put(self, fn_arn):
        # a custom rule's period lives in its source detail (AWS's documentation); Cloud Custodian
        # sets the rule-level one: set both, so neither falls back to its 24-hour default
        period = {"MaximumExecutionFrequency": self.frequency} if self.frequency else {}
        rule = {"ConfigRuleName": self.name, "Description": self.description,
                "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": fn_arn, "SourceDetails": [
                    {"EventSource": "aws.config", "MessageType": m, **period} for m in self.message_types]},
                **period}
        if self.resource_types:
            rule["Scope"] = {"ComplianceResourceTypes": list(self.resource_types)}
        # PutConfigRule replaces the whole rule: always send our tags along so none are dropped.
        # Config refuses the rule while the new invoke permission has not propagated yet.
        return APICall("config", "put_config_rule", {"ConfigRule": rule, "Tags": tag_list(self.tags)},
                       self.name, retry_on=("InsufficientPermissionsException",))

    @classmethod
    def ours(cls, session_factory):
        """``[(function name, removal steps)]`` for the custom Lambda rules tagged TAG_POLICY
        (one tag read per custom rule)."""
        config = session_factory.client("config")
        out = []
        for page in config.get_paginator("describe_config_rules").paginate():
            for r in page.get("ConfigRules") or ():
                if (r.get("Source") or {}).get("Owner") != "CUSTOM_LAMBDA" or r.get("CreatedBy"):
                    continue                      # AWS managed, or owned by an AWS service
                tags = config.list_tags_for_resource(ResourceArn=r["ConfigRuleArn"]).get("Tags") or []
                if any(t["Key"] == TAG_POLICY for t in tags):
                    name = r["ConfigRuleName"]
                    out.append((name, [APICall("config", "delete_config_rule", {"ConfigRuleName": name}, name)]))
        return sorted(out, key=lambda x: x[0])


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


#: what a Config rule trigger deploys besides the function (gc: what such a policy keeps)
MODEL_TYPES = (Permission, ConfigRule)


def config_rule_models(function, resource_types=(), message_types=(), frequency=None):
    """The invoke permission and the Config rule invoking ``function`` (a models.Function)
    with ``message_types`` about ``resource_types``, or every ``frequency`` (One_Hour, ...)."""
    name = function.name
    return (Permission(function=name, statement_id=name, principal=PRINCIPAL,
                       source_account=function.account),
            ConfigRule(name=name, description=function.description, function=name,
                       resource_types=tuple(resource_types), message_types=tuple(message_types),
                       frequency=frequency, tags=function.tags))
