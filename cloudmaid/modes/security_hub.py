"""hub-finding and hub-action: the policy runs on Security Hub findings.

hub-finding: findings imported into Security Hub (from GuardDuty, Inspector, Config, ...).
hub-action: a Security Hub custom action the policy deploys; choosing it on findings or on an
insight's results in the console sends them to the function.

The resources are those the findings name (their ``Resources``) that are of the policy's
resource type, in the account and region the function runs in.
"""
import jmespath

from ..errors import EventError
from ..events import securityhub as hub
from .core import COMMON_SCHEMA, PatternMode, modes


class SecurityHubMode(PatternMode):
    schema = dict(COMMON_SCHEMA)
    detail_types = ()

    def base_pattern(self):
        return {"source": [hub.SOURCE], "detail-type": list(self.detail_types)}

    def member_account(self, event):
        accounts = jmespath.search("detail.findings[].AwsAccountId", event) or []
        return next((a for a in accounts if isinstance(a, str)), None) or event.get("account")

    def findings(self, event):
        findings = (event.get("detail") or {}).get("findings")
        if not isinstance(findings, list):
            raise EventError("not a Security Hub findings event: no detail.findings")
        return findings

    def arns(self, event):
        """The resource ARNs the event names."""
        return hub.finding_arns(self.findings(event))

    def ids(self, event):
        rtype = getattr(self.manager, "rtype", None)
        if rtype is None:
            return []
        ctx = self.manager.ctx
        service = rtype.arn_service or rtype.service
        out = []
        for arn in self.arns(event):
            _, region, account, _ = hub.split_arn(arn)
            if region not in ("", ctx.region) or account not in ("", ctx.account_id):
                continue          # another account's or region's resource: not ours to describe
            rid = hub.arn_resource_id(arn, service, rtype.arn_type, rtype.global_resource)
            if rid:
                out.append(rid)
        return out


@modes.register("hub-finding")
class HubFindingMode(SecurityHubMode):
    """Runs on findings imported into Security Hub, on the resources they name."""
    detail_types = (hub.IMPORTED,)


@modes.register("hub-action")
class HubActionMode(SecurityHubMode):
    """Deploys a Security Hub custom action; runs on the findings or insight results it is
    chosen on, on the resources they name."""
    detail_types = (hub.CUSTOM_ACTION, hub.INSIGHT_RESULTS)
    permissions = ("securityhub:GetInsights", "securityhub:GetFindings")

    def action_arn(self, account_id=None):
        ctx = self.policy.ctx
        return hub.action_arn(self.function_name, ctx.region, account_id or ctx.account_id, ctx.partition)

    def base_pattern(self):
        # the event of a custom action names it in ``resources``
        return dict(super().base_pattern(), resources=[self.action_arn()])

    # -- the trigger: a custom action, and the EventBridge rule delivering what it sends -------
    @classmethod
    def model_types(cls):
        from ..mu import securityhub
        return (securityhub.ActionTarget,) + super().model_types()

    def models(self, function):
        from ..mu import securityhub
        rtype = str(self.resource_type).split(".")[-1]
        description = ((getattr(self.policy, "data", None) or {}).get("description") or self.policy_name).strip()
        target = securityhub.ActionTarget(
            arn=self.action_arn(function.account),
            # Cloud Custodian's label; the console shows 20 characters at most
            name=f"{rtype.title()} {self.policy_name}"[:securityhub.MAX_NAME].strip(),
            description=description[:securityhub.MAX_DESCRIPTION])
        return (target,) + tuple(super().models(function))

    def arns(self, event):
        if event.get("detail-type") != hub.INSIGHT_RESULTS:
            return super().arns(event)
        detail = event.get("detail") or {}
        groups = [k for row in detail.get("insightResults") or () if isinstance(row, dict) for k in row]
        if detail.get("resultType") == "ResourceId":
            return groups                  # the insight groups by resource: its keys are the ARNs
        return hub.finding_arns(self.insight_findings(detail, groups))

    def insight_findings(self, detail, groups):
        """The findings behind insight results grouped by another attribute: the insight's
        filters narrowed to the chosen groups (Cloud Custodian's lookup)."""
        arn, attribute = detail.get("insightArn"), detail.get("resultType")
        if not arn or not attribute or not groups:
            raise EventError("Security Hub insight results without insightArn, resultType or results")
        client = self.manager.client("securityhub")
        insights = client.get_insights(InsightArns=[arn]).get("Insights") or []
        if len(insights) != 1:
            return []
        filters = dict(insights[0].get("Filters") or {})
        filters[attribute] = [{"Comparison": "EQUALS", "Value": g} for g in groups]
        out = []
        for page in client.get_paginator("get_findings").paginate(Filters=filters):
            out.extend(page.get("Findings") or ())
        return out
