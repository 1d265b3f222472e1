"""config-rule: the policy is an AWS Config custom rule; it evaluates the configuration item
Config sends and reports COMPLIANT / NON_COMPLIANT with ``put_evaluations``.

A resource the policy's filters match is NON_COMPLIANT (``match-compliant: true`` inverts
this, as in Cloud Custodian). Deleted or out-of-scope resources are NOT_APPLICABLE.
"""
import json
import logging

from .. import index
from ..errors import EventError
from .core import COMMON_SCHEMA, EventMode, modes

log = logging.getLogger("cloudmaid.modes")

#: policy resource type -> AWS Config (CloudFormation) resource type: derived from each
#: type's ``config_type`` field
CONFIG_TYPES = index.CONFIG_TYPES
GONE = ("ResourceDeleted", "ResourceNotRecorded", "ResourceDeletedNotRecorded")
#: what the rule listens to: oversized items come as a summary, which this mode handles by
#: describing the resource (AWS's console subscribes to both too)
MESSAGE_TYPES = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification")


def config_type(resource_type):
    """The AWS Config resource type of a policy resource type, or None."""
    return CONFIG_TYPES.get(resource_type)


class ConfigMode(EventMode):
    """A policy invoked by an AWS Config custom rule named after its function, reporting
    evaluations back with ``put_evaluations`` (config-rule, config-poll-rule)."""
    permissions = ("config:PutEvaluations",)
    #: the Config notifications the rule subscribes to (Source.SourceDetails MessageType)
    message_types = ()

    # -- the trigger: a custom Config rule named after the function invokes it --------------
    @classmethod
    def model_types(cls):
        from ..mu import awsconfig
        return awsconfig.MODEL_TYPES

    def delivery(self, event):
        """Config invokes the function with its rule's name and, as JSON text, the
        notification of a kind the rule subscribes to."""
        rule = self.function_name
        name = event.get("configRuleName")
        if name != rule:
            return False, (f"configRuleName is {json.dumps(name)}, not its Config rule '{rule}'"
                           if name is not None else "not an AWS Config rule invocation (no configRuleName)")
        try:
            invoking = json.loads(event["invokingEvent"])
        except (KeyError, TypeError, ValueError):
            return False, "not an AWS Config rule invocation (invokingEvent is not JSON text)"
        kind = invoking.get("messageType") if isinstance(invoking, dict) else None
        if kind not in self.message_types:
            return False, (f"invokingEvent messageType is {json.dumps(kind)}; its Config rule "
                           f"subscribes to {', '.join(self.message_types)}")
        return True, f"AWS Config rule {rule}"

    @staticmethod
    def notification(event):
        try:
            data = json.loads(event["invokingEvent"])
        except (KeyError, TypeError, ValueError) as e:
            raise EventError(f"invokingEvent is not JSON: {e}") from None
        if not isinstance(data, dict):
            raise EventError("invokingEvent is not a JSON object")
        return data

    def member_account(self, event):
        return event.get("accountId")

    def put_evaluations(self, event, evaluations):
        """Send ``evaluations`` (at most 100 a call, Config's limit) with the invocation's
        result token; under a dry run nothing is sent: the summary says what would be."""
        if self.manager.ctx.dryrun:
            log.info("policy:%s dryrun: %d evaluation(s) not sent", self.policy_name, len(evaluations))
            return
        config = self.manager.client("config")
        for i in range(0, len(evaluations), 100):
            config.put_evaluations(Evaluations=evaluations[i:i + 100],
                                   ResultToken=event.get("resultToken", "No token found."))

    def validate(self):
        return super().validate() + self.no_pattern("AWS Config rules do not use event patterns")


@modes.register("config-rule")
class ConfigRuleMode(ConfigMode):
    """An AWS Config custom rule: evaluates each configuration change Config sends and
    reports NON_COMPLIANT when the filters match (match-compliant: true inverts)."""
    schema = {**COMMON_SCHEMA, "match-compliant": {"type": "boolean"}}
    message_types = MESSAGE_TYPES

    @property
    def config_type(self):
        return config_type(self.resource_type)

    def models(self, function):
        from ..mu import awsconfig
        return awsconfig.config_rule_models(
            function, resource_types=[self.config_type] if self.config_type else [],
            message_types=self.message_types)

    def invoking(self, event):
        data = self.notification(event)
        item = data.get("configurationItem") or data.get("configurationItemSummary")
        if not isinstance(item, dict) or not item.get("resourceId"):
            raise EventError(f"no configuration item in a {data.get('messageType')} event")
        return data, item

    def not_applicable(self, event, item):
        return bool(event.get("eventLeftScope")) or item.get("configurationItemStatus") in GONE \
            or item.get("resourceType") != self.config_type

    def ids(self, event):
        return [self.invoking(event)[1]["resourceId"]]

    def resource_ids(self, event):
        return self.ids(event)  # Config resource ids need no prefix check

    def resources(self, event=None):
        _, item = self.invoking(event)
        if self.not_applicable(event, item):
            return []
        if isinstance(item.get("configuration"), dict):
            return [from_config_item(item)]
        # oversized items come as a summary: describe the resource instead
        return self.fetch([item["resourceId"]])

    def finish(self, event, meta):
        _, item = self.invoking(event)
        if meta is None or self.not_applicable(event, item):
            kind, note = "NOT_APPLICABLE", "The rule does not apply."
        else:
            matched = bool(meta["matched"])
            compliant = matched if self.data.get("match-compliant") else not matched
            kind = "COMPLIANT" if compliant else "NON_COMPLIANT"
            note = f"The resource is {'' if compliant else 'not '}compliant with policy:{self.policy_name}."
        self.put_evaluations(event, [{
            "ComplianceResourceType": item["resourceType"], "ComplianceResourceId": item["resourceId"],
            "ComplianceType": kind, "Annotation": note,
            "OrderingTimestamp": item.get("configurationItemCaptureTime")}])
        return {"evaluation": kind}

    def validate(self):
        out = super().validate()
        if not self.config_type:
            out.append(((), f"AWS Config does not record resource type '{self.resource_type}'"))
        return out


def from_config_item(item):
    """A configuration item -> the describe-shaped resource filters expect: Config records the
    describe output with lowerCamel keys (``instanceId``), so keys are capitalised."""
    resource = _capitalise(item["configuration"])
    if "Tags" not in resource and isinstance(item.get("tags"), dict):
        resource["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(item["tags"].items())]
    return resource


def _capitalise(value):
    if isinstance(value, dict):
        return {(k[:1].upper() + k[1:] if isinstance(k, str) else k): _capitalise(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_capitalise(v) for v in value]
    return value
