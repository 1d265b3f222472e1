"""``service-limit``: Trusted Advisor's service limit checks for the account (Cloud
Custodian's filter: names, services, limits, threshold, refresh_period)."""
import datetime
import fnmatch
import time

from botocore.exceptions import ClientError

from ...filters.core import filters
from ...filters.valuetypes import parse_date
from .base import ACCOUNT, AccountFilter, error_code

#: the AWS Support API has one endpoint per partition
SUPPORT_REGIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}
SERVICES = ["AutoScaling", "CloudFormation", "DynamoDB", "EBS", "EC2", "ELB", "IAM", "RDS",
            "Route53", "SES", "VPC"]
#: Trusted Advisor's flagged resource metadata, in order
COLUMNS = ("region", "service", "check", "limit", "extant", "color")
DEPRECATED = ("eW7HH0l7J9",)


def matches_any(patterns, value):
    return any(fnmatch.fnmatch(value.lower(), p.lower()) for p in patterns)


@filters.register("service-limit", resources=ACCOUNT)
class ServiceLimit(AccountFilter):
    """Matches the account when a Trusted Advisor service limit check flags a limit in the
    region (global limits, region ``-``, in the Support API's region): ``names`` (glob on
    the check names, case-insensitive), else ``services`` (check name prefixes), ``limits``
    (glob on the limit names) and ``threshold`` (percent used; without it, limits whose
    status is not ok). A result older than ``refresh_period`` days (default 1) is refreshed
    for next time (not in dry runs); a check not available yet is refreshed and waited for.
    The results are kept on the account as ``c7n:ServiceLimits``, the limits exceeded as
    ``c7n:ServiceLimitsExceeded``."""
    schema = {"threshold": {"type": "number"}, "refresh_period": {"type": "integer"},
              "names": {"type": "array", "items": {"type": "string"}},
              "limits": {"type": "array", "items": {"type": "string"}},
              "services": {"type": "array", "items": {"enum": SERVICES}}}
    permissions = ("support:DescribeTrustedAdvisorCheckRefreshStatuses",
                   "support:DescribeTrustedAdvisorCheckResult",
                   "support:DescribeTrustedAdvisorChecks",
                   "support:RefreshTrustedAdvisorCheck")
    poll_interval, poll_max = 5, 10
    sleep = staticmethod(time.sleep)

    @property
    def support_region(self):
        return SUPPORT_REGIONS.get(self.manager.ctx.partition, "us-east-1")

    def support(self):
        return self.manager.client("support", self.support_region)

    def wanted(self, name):
        if self.data.get("names"):
            return matches_any(self.data["names"], name)
        if self.data.get("services"):
            return matches_any([f"{s}*" for s in self.data["services"]], name.replace(" ", ""))
        return True

    def fetch(self):
        client = self.support()
        checks = client.describe_trusted_advisor_checks(language="en")["checks"]
        return [c for c in checks if c.get("category") == "service_limits"
                and c.get("id") not in DEPRECATED]

    def result(self, client, check_id):
        result = client.describe_trusted_advisor_check_result(
            checkId=check_id, language="en")["result"]
        if result.get("status") != "not_available":
            return result
        if not self.refresh(client, check_id):
            return None
        for _ in range(self.poll_max):
            self.sleep(self.poll_interval)
            status = client.describe_trusted_advisor_check_refresh_statuses(
                checkIds=[check_id])["statuses"][0]["status"]
            if status == "success":
                return client.describe_trusted_advisor_check_result(
                    checkId=check_id, language="en")["result"]
        return result

    def refresh(self, client, check_id):
        """Ask Trusted Advisor to refresh the check; False when it cannot be refreshed.
        Dry runs ask nothing."""
        if self.manager.ctx.dryrun:
            return False
        try:
            client.refresh_trusted_advisor_check(checkId=check_id)
        except ClientError as e:
            if error_code(e) != "InvalidParameterValueException":
                raise
            return False
        return True

    def decide(self, account, checks):
        client = self.support()
        exceeded = []
        for check in checks:
            if not self.wanted(check["name"]):
                continue
            for limit in self.check(client, check, account):
                exceeded.append({**limit, "check_id": check["id"], "name": check["name"]})
        if exceeded:
            account["c7n:ServiceLimitsExceeded"] = exceeded
        return bool(exceeded)

    def check(self, client, check, account):
        result = self.manager.fact(("service-limit", check["id"]),
                                   lambda: self.result(client, check["id"]))
        if result is None or "flaggedResources" not in result:
            return []
        region, home = self.manager.ctx.region, self.support_region
        result = dict(result, flaggedResources=[
            r for r in result.get("flaggedResources") or ()
            if r["metadata"][0] == region or (r["metadata"][0] == "-" and region == home)])
        account.setdefault("c7n:ServiceLimits", []).append(result)
        when = parse_date(result.get("timestamp"))
        period = datetime.timedelta(days=self.data.get("refresh_period", 1))
        if when is not None and self.manager.ctx.now - period > when:
            self.refresh(client, check["id"])
        services, limits = self.data.get("services"), self.data.get("limits")
        threshold = self.data.get("threshold")
        out = []
        for flagged in result["flaggedResources"]:
            if threshold is None and flagged.get("status") == "ok":
                continue
            limit = dict(zip(COLUMNS, flagged["metadata"]))
            if services and not matches_any(services, limit["service"]):
                continue
            if limits and not matches_any(limits, limit["check"]):
                continue
            limit["status"] = flagged.get("status")
            limit["percentage"] = float(limit["extant"] or 0) / float(limit["limit"]) * 100
            if threshold and limit["percentage"] < threshold:
                continue
            out.append(limit)
        return out
