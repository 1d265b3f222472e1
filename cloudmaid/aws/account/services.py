"""Whether the account's security services are on: ``check-config``, ``guard-duty``,
``securityhub``, ``access-analyzer`` (Cloud Custodian's names, keys and annotations)."""
from botocore.exceptions import ClientError

from ...errors import PolicyError
from ...filters.core import filters
from ...filters.value import ValueFilter
from .base import ACCOUNT, AccountFilter, AccountValueFilter, error_code


@filters.register("check-config", resources=ACCOUNT)
class CheckConfig(AccountFilter):
    """Matches the account when AWS Config is not set up as asked: no delivery channel, or
    no recorder that records ``global-resources`` (includeGlobalResourceTypes) and
    ``all-resources`` (allSupported) when asked and, with ``running`` (default true), is
    recording with a last status of pending or success. Kept on the account:
    ``c7n:config_recorders``, ``c7n:config_channels``, ``c7n:config_status``."""
    schema = {"all-resources": {"type": "boolean"}, "running": {"type": "boolean"},
              "global-resources": {"type": "boolean"}}
    permissions = ("config:DescribeDeliveryChannels", "config:DescribeConfigurationRecorders",
                   "config:DescribeConfigurationRecorderStatus")

    def fetch(self):
        client = self.manager.client("config")
        channels = client.describe_delivery_channels()["DeliveryChannels"]
        recorders = client.describe_configuration_recorders()["ConfigurationRecorders"]
        status = {}
        if recorders:
            status = {s["name"]: s for s in client.describe_configuration_recorder_status()
                      ["ConfigurationRecordersStatus"]}
        return channels, recorders, status

    def decide(self, account, fact):
        channels, recorders, status = fact
        account["c7n:config_recorders"] = recorders
        account["c7n:config_channels"] = channels
        group = lambda r, k: (r.get("recordingGroup") or {}).get(k)  # noqa: E731
        if self.data.get("global-resources"):
            recorders = [r for r in recorders if group(r, "includeGlobalResourceTypes")]
        if self.data.get("all-resources"):
            recorders = [r for r in recorders if group(r, "allSupported")]
        if self.data.get("running", True) and recorders:
            account["c7n:config_status"] = status
            recorders = [r for r in recorders if status.get(r["name"], {}).get("recording")
                         and str(status[r["name"]].get("lastStatus", "")).lower()
                         in ("pending", "success")]
        return not (channels and recorders)


@filters.register("guard-duty", resources=ACCOUNT)
class GuardDuty(AccountFilter):
    """Value filters on the account's GuardDuty detector and administrator: each key
    starting with ``Detector`` or ``Administrator`` is one (``Detector.Status: ENABLED``, or
    a mapping with ``op``/``value``/...), all of them must match (``match-operator: or``:
    one). An account without a detector matches none. Kept on the account as
    ``c7n:guard-duty``: ``{Detector, Administrator}``."""
    annotation = "c7n:guard-duty"
    schema = {"match-operator": {"enum": ["or", "and"]}}
    schema_patterns = {"^Detector": {"oneOf": [{"type": "object"}, {"type": "string"}]},
                       "^Administrator": {"oneOf": [{"type": "object"}, {"type": "string"}]}}
    permissions = ("guardduty:GetAdministratorAccount", "guardduty:ListDetectors",
                   "guardduty:GetDetector")

    def attrs(self):
        return [k for k in self.data if k.startswith(("Detector", "Administrator"))]

    def attr_filters(self):
        out = []
        for key in self.attrs():
            value = self.data[key]
            data = {**value, "key": key} if isinstance(value, dict) else \
                {"key": key, "value": value}
            out.append(ValueFilter({**data, "type": "value"}, self.manager))
        return out

    def validate(self):
        from ...filters.valuecheck import value_problems
        out = []
        for key in self.attrs():
            value = self.data[key]
            data = {**value, "key": key} if isinstance(value, dict) else \
                {"key": key, "value": value}
            out.extend(((key,) + tuple(w), m) for w, m in value_problems(data))
        if not out:
            try:
                self.attr_filters()
            except PolicyError as e:
                out.append(((), e.message))
        return out

    def fetch(self):
        client = self.manager.client("guardduty")
        ids = client.list_detectors().get("DetectorIds")
        if not ids:
            return None
        detector_id = ids[-1]
        detector = client.get_detector(DetectorId=detector_id)
        detector.pop("ResponseMetadata", None)
        admin = client.get_administrator_account(DetectorId=detector_id).get("Administrator")
        return {"Detector": detector, "Administrator": admin}

    def process(self, resources, event=None):
        self._filters = self.attr_filters()
        return super().process(resources, event)

    def decide(self, account, target):
        if target is None:
            account.pop(self.annotation, None)
            return not self._filters and self.data.get("match-operator", "and") == "and"
        combine = any if self.data.get("match-operator", "and") == "or" else all
        return combine(f.match(target) for f in self._filters)


@filters.register("securityhub", resources=ACCOUNT)
class SecurityHub(AccountFilter):
    """Matches the account when Security Hub's state is ``enabled`` (default true): with
    ``enabled: false``, accounts where it is off."""
    schema = {"enabled": {"type": "boolean"}}
    permissions = ("securityhub:DescribeHub",)

    def fetch(self):
        try:
            hub = self.manager.client("securityhub").describe_hub()
        except ClientError as e:
            if error_code(e) != "InvalidAccessException":
                raise
            return False
        return bool(hub)

    def decide(self, account, enabled):
        return self.data.get("enabled", True) == enabled


@filters.register("access-analyzer", resources=ACCOUNT)
class AccessAnalyzer(AccountValueFilter):
    """Matches the account when one of its IAM Access Analyzer analyzers matches the value
    filter (``key: status``, ``value: ACTIVE``); those are kept on the account as
    ``c7n:matched-analyzers``."""
    annotation_key = "c7n:matched-analyzers"
    permissions = ("access-analyzer:ListAnalyzers",)

    def fetch(self):
        client = self.manager.client("accessanalyzer")
        found = []
        for page in client.get_paginator("list_analyzers").paginate():
            found.extend(page.get("analyzers") or ())
        return found

    def decide(self, account, analyzers, match):
        matched = [a for a in analyzers if match(a)]
        account[self.annotation_key] = matched
        return bool(matched)
