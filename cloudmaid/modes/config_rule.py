"""config-rule: the policy is an AWS Config custom rule; it evaluates the configuration item
Config sends and reports COMPLIANT / NON_COMPLIANT with ``put_evaluations``.

A resource the policy's filters match is NON_COMPLIANT (``match-compliant: true`` inverts
this, as in Cloud Custodian). Deleted or out-of-scope resources are NOT_APPLICABLE.
"""
import json
import logging

from ..errors import EventError
from .core import COMMON_SCHEMA, EventMode, modes

log = logging.getLogger("cloudmaid.modes")

#: policy resource type -> AWS Config (CloudFormation) resource type
CONFIG_TYPES = {
    "ec2": "AWS::EC2::Instance", "ebs": "AWS::EC2::Volume",
    "security-group": "AWS::EC2::SecurityGroup", "vpc": "AWS::EC2::VPC",
    "subnet": "AWS::EC2::Subnet", "s3": "AWS::S3::Bucket", "iam-user": "AWS::IAM::User",
    "iam-role": "AWS::IAM::Role", "rds": "AWS::RDS::DBInstance",
    "asg": "AWS::AutoScaling::AutoScalingGroup", "lambda": "AWS::Lambda::Function",
    "dynamodb-table": "AWS::DynamoDB::Table", "kms-key": "AWS::KMS::Key",
    "elb": "AWS::ElasticLoadBalancing::LoadBalancer",
}
GONE = ("ResourceDeleted", "ResourceNotRecorded", "ResourceDeletedNotRecorded")
#: what the rule listens to: oversized items come as a summary, which this mode handles by
#: describing the resource (AWS's console subscribes to both too)
MESSAGE_TYPES = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification")


@modes.register("config-rule")
class ConfigRuleMode(EventMode):
    schema = {**COMMON_SCHEMA, "match-compliant": {"type": "boolean"}}
    permissions = ("config:PutEvaluations",)

    @property
    def config_type(self):
        return CONFIG_TYPES.get(self.resource_type)

    # -- the trigger: a custom Config rule named after the function invokes it --------------
    @classmethod
    def model_types(cls):
        from ..mu import awsconfig
        return awsconfig.MODEL_TYPES

    def models(self, function):
        from ..mu import awsconfig
        return awsconfig.config_rule_models(
            function, resource_types=[self.config_type] if self.config_type else [],
            message_types=MESSAGE_TYPES)

    def delivery(self, event):
        """Config invokes the function with its rule's name and the configuration item, as
        JSON text, of a change it subscribes to."""
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
        if kind not in MESSAGE_TYPES:
            return False, (f"invokingEvent messageType is {json.dumps(kind)}; its Config rule "
                           f"subscribes to {', '.join(MESSAGE_TYPES)}")
        return True, f"AWS Config rule {rule}"

    @staticmethod
    def invoking(event):
        try:
            data = json.loads(event["invokingEvent"])
        except (KeyError, TypeError, ValueError) as e:
            raise EventError(f"invokingEvent is not JSON: {e}") from None
        item = data.get("configurationItem") or data.get("configurationItemSummary")
        if not isinstance(item, dict) or not item.get("resourceId"):
            raise EventError(f"no configuration item in a {data.get('messageType')} event")
        return data, item

    def not_applicable(self, event, item):
        return bool(event.get("eventLeftScope")) or item.get("configurationItemStatus") in GONE \
            or item.get("resourceType") != self.config_type

    def member_account(self, event):
        return event.get("accountId")

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
        evaluation = {"ComplianceResourceType": item["resourceType"],
                      "ComplianceResourceId": item["resourceId"], "ComplianceType": kind,
                      "Annotation": note,
                      "OrderingTimestamp": item.get("configurationItemCaptureTime")}
        if self.manager.ctx.dryrun:
            log.info("policy:%s dryrun: evaluation %s for %s not sent", self.policy_name, kind,
                     item["resourceId"])
        else:
            self.manager.client("config").put_evaluations(
                Evaluations=[evaluation], ResultToken=event.get("resultToken", "No token found."))
        return evaluation

    def validate(self):
        out = super().validate()
        if not self.config_type:
            out.append(((), f"AWS Config does not record resource type '{self.resource_type}'"))
        if "pattern" in self.data:
            out.append((("pattern",), "AWS Config rules do not use event patterns"))
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
