"""config-poll-rule: a periodic AWS Config custom rule. Config invokes the function every
``schedule`` (One_Hour ... TwentyFour_Hours); it lists the resources as poll mode does and
reports every one: NON_COMPLIANT when the filters match it, COMPLIANT otherwise, and
NOT_APPLICABLE for a resource it evaluated before that is gone now (Cloud Custodian's mode).

It serves resource types Config does not record: for one it does, ``config-rule`` is the mode
to use, unless ``ignore-support-check: true`` (filters on related resources, say).
"""
import logging

from botocore.exceptions import ClientError

from .config_rule import ConfigMode, config_type
from .core import SCHEDULED_SCHEMA, modes

log = logging.getLogger("cloudmaid.modes")

FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
SCHEDULED = "ScheduledNotification"


@modes.register("config-poll-rule")
class ConfigPollRuleMode(ConfigMode):
    """A periodic AWS Config rule (schedule: One_Hour ... TwentyFour_Hours): lists the
    resources and reports each COMPLIANT or NON_COMPLIANT (matched)."""
    schema = {**SCHEDULED_SCHEMA, "schedule": {"enum": list(FREQUENCIES)},
              "ignore-support-check": {"type": "boolean"}}
    permissions = ("config:PutEvaluations", "config:GetComplianceDetailsByConfigRule")
    message_types = (SCHEDULED,)
    deploy_only = ConfigMode.deploy_only | {"schedule", "ignore-support-check"}
    uses_ids = False

    @property
    def compliance_type(self):
        """The resource type evaluations name: the type's CloudFormation (= Config) name."""
        return getattr(getattr(self.manager, "rtype", None), "cfn_type", None) or config_type(self.resource_type)

    def models(self, function):
        from ..mu import awsconfig
        return awsconfig.config_rule_models(function, message_types=self.message_types,
                                            frequency=self.data.get("schedule"))

    def resources(self, event=None):
        found = self.manager.resources()
        # every listed resource gets an evaluation, matched or not (see finish)
        self._evaluated = [self.manager.resource_id(r) for r in found]
        return found

    def finish(self, event, meta):
        if meta is None:
            # conditions not met: the rule does not run now, so it says nothing (Cloud
            # Custodian would report every resource COMPLIANT)
            return None
        when = self.notification(event).get("notificationCreationTime")
        rtype = self.compliance_type
        matched = {self.manager.resource_id(r) for r in meta["matched"]}

        def evaluation(rid, kind, note):
            return {"ComplianceResourceType": rtype, "ComplianceResourceId": rid,
                    "ComplianceType": kind, "Annotation": note, "OrderingTimestamp": when}

        name = self.policy_name
        evaluations = [evaluation(rid, "NON_COMPLIANT", f"The resource is not compliant with policy:{name}.")
                       if rid in matched else
                       evaluation(rid, "COMPLIANT", f"The resource is compliant with policy:{name}.")
                       for rid in dict.fromkeys(getattr(self, "_evaluated", ()))]
        current = {e["ComplianceResourceId"] for e in evaluations}
        evaluations += [evaluation(rid, "NOT_APPLICABLE", "The rule does not apply.")
                        for rid in self.evaluated_before(event.get("configRuleName")) if rid not in current]
        counts = {}
        for e in evaluations:
            counts[e["ComplianceType"]] = counts.get(e["ComplianceType"], 0) + 1
        if not event.get("resultToken"):
            log.warning("policy:%s no resultToken in the invocation: evaluations not sent", name)
        elif evaluations:
            self.put_evaluations(event, evaluations)
        return {"evaluations": counts}

    def evaluated_before(self, rule):
        """Resource ids the rule holds a COMPLIANT/NON_COMPLIANT result for (read-only)."""
        config = self.manager.client("config")
        out = []
        try:
            for page in config.get_paginator("get_compliance_details_by_config_rule").paginate(
                    ConfigRuleName=rule, ComplianceTypes=["COMPLIANT", "NON_COMPLIANT"]):
                for r in page.get("EvaluationResults") or ():
                    qualifier = (r.get("EvaluationResultIdentifier") or {}).get("EvaluationResultQualifier") or {}
                    if qualifier.get("ResourceType") == self.compliance_type and qualifier.get("ResourceId"):
                        out.append(qualifier["ResourceId"])
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "NoSuchConfigRuleException":
                raise
        return out

    def validate(self):
        out = super().validate()
        if "schedule" not in self.data:
            out.append(((), "config-poll-rule mode needs a 'schedule': " + ", ".join(FREQUENCIES)))
        rtype = self.resource_type
        if config_type(rtype) and not self.data.get("ignore-support-check"):
            out.append(((), f"AWS Config records resource type '{rtype}': use mode config-rule "
                            f"(or set ignore-support-check: true)"))
        elif not self.compliance_type:
            out.append(((), f"resource type '{rtype}' has no AWS Config/CloudFormation type to "
                            f"report evaluations for"))
        return out
