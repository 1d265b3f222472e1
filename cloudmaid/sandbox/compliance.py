"""AWS Config's part for custom Lambda rules: what moto's Config does not do.

moto stores Config rules but never invokes them, and its PutEvaluations refuses anything but
TestMode. The sandbox invokes each custom Lambda rule as Config would: with a
ConfigurationItemChangeNotification for every in-scope resource when the rule is created and
whenever a recorded call changes one (the CloudTrail shortcuts say which), and with a
ScheduledNotification every MaximumExecutionFrequency (schedules.py). It keeps the
evaluations the functions send back and answers Config's compliance reads from them
(GetComplianceDetailsByConfigRule / ...ByResource, DescribeComplianceByConfigRule /
...ByResource), so a rule's results read back as they would from AWS.
"""
import datetime
import json
import secrets
import threading

from .recorder import json_error, json_response

CHANGE = "ConfigurationItemChangeNotification"
SCHEDULED = "ScheduledNotification"
KINDS = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA")
#: MaximumExecutionFrequency -> seconds
FREQUENCIES = {"One_Hour": 3600, "Three_Hours": 3 * 3600, "Six_Hours": 6 * 3600,
               "Twelve_Hours": 12 * 3600, "TwentyFour_Hours": 24 * 3600}


def _iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _lower(value):
    """Describe output as Config records it: lowerCamel keys all the way down."""
    if isinstance(value, dict):
        return {(k[:1].lower() + k[1:] if isinstance(k, str) else k): _lower(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower(v) for v in value]
    if isinstance(value, datetime.datetime):
        return _iso(value.astimezone(datetime.timezone.utc))
    return value


def frequency(rule):
    source = rule.get("Source") or {}
    return rule.get("MaximumExecutionFrequency") or next(
        (d["MaximumExecutionFrequency"] for d in source.get("SourceDetails") or ()
         if d.get("MaximumExecutionFrequency")), "TwentyFour_Hours")


def message_types(rule):
    return {d.get("MessageType") for d in (rule.get("Source") or {}).get("SourceDetails") or ()}


class Compliance:
    def __init__(self, lab):
        self.lab = lab
        self._tokens = {}       # result token -> (rule name, invoked at)
        self._results = {}      # (rule, resource type, resource id) -> EvaluationResult
        self._rules = None      # read again after any Config call changed them
        self._lock = threading.Lock()

    # -- the rules ----------------------------------------------------------------------------
    def rules(self):
        """The custom Lambda rules deployed in the sandbox."""
        rules = self._rules
        if rules is None:
            config = self.lab.client("config")
            rules = []
            for page in config.get_paginator("describe_config_rules").paginate():
                rules += [r for r in page.get("ConfigRules") or ()
                          if (r.get("Source") or {}).get("Owner") == "CUSTOM_LAMBDA"]
            self._rules = rules
        return rules

    def rules_changed(self):
        self._rules = None

    def periodic(self):
        """{rule name: seconds between its scheduled evaluations}."""
        return {r["ConfigRuleName"]: FREQUENCIES.get(frequency(r), 86400)
                for r in self.rules() if SCHEDULED in message_types(r)}

    # -- invoking them ------------------------------------------------------------------------
    def _invoke(self, rule, invoking, depth=0):
        token = secrets.token_urlsafe(24)
        now = self.lab.clock.now()
        with self._lock:
            self._tokens[token] = (rule["ConfigRuleName"], now)
        function = rule["Source"]["SourceIdentifier"].split(":function:", 1)[-1].split(":", 1)[0]
        event = {"version": "1.0", "invokingEvent": json.dumps(invoking, default=str),
                 "ruleParameters": rule.get("InputParameters") or "{}", "resultToken": token,
                 "eventLeftScope": False, "executionRoleArn": self.lab.role_arn,
                 "configRuleArn": rule.get("ConfigRuleArn"), "configRuleName": rule["ConfigRuleName"],
                 "configRuleId": rule.get("ConfigRuleId"), "accountId": self.lab.account_id,
                 "evaluationMode": "DETECTIVE"}
        return self.lab.dispatcher.invoke(function, event, depth)

    def scheduled(self, name, when=None):
        """Run periodic rule ``name`` (its ScheduledNotification, at ``when`` or now); the
        invocations' sequence numbers."""
        when = when or self.lab.clock.now()
        return [self._invoke(rule, {"awsAccountId": self.lab.account_id, "messageType": SCHEDULED,
                                    "notificationCreationTime": _iso(when),
                                    "recordVersion": "1.0"})
                for rule in self.rules() if rule["ConfigRuleName"] == name]

    def changed(self, detail, depth=0, only=None):
        """A recorded call (CloudTrail ``detail``) changed the resources it names: each rule
        whose scope holds one evaluates it."""
        from .history import resources
        named = resources(detail)
        if not named:
            return
        for rule in self.rules():
            if (only and rule["ConfigRuleName"] != only) or CHANGE not in message_types(rule):
                continue
            scope = set((rule.get("Scope") or {}).get("ComplianceResourceTypes") or ())
            for r in named:
                if not scope or r["ResourceType"] in scope:
                    self._evaluate(rule, r["ResourceType"], [r["ResourceName"]], depth)

    def created(self, name):
        """A rule was put: Config evaluates every resource in its scope (or runs it, when
        it is periodic)."""
        for rule in self.rules():
            if rule["ConfigRuleName"] != name:
                continue
            if SCHEDULED in message_types(rule):
                self.scheduled(name)
            for kind in (rule.get("Scope") or {}).get("ComplianceResourceTypes") or ():
                self._evaluate(rule, kind, None, 0)

    def _evaluate(self, rule, kind, ids, depth):
        manager = self.lab.manager(kind)
        if manager is None:
            return
        found = manager.get_resources(ids) if ids else manager.resources()
        by_id = {manager.resource_id(r): r for r in found}
        for rid in ids or list(by_id):
            self._invoke(rule, {"configurationItem": self.item(manager, kind, rid, by_id.get(rid)),
                                "notificationCreationTime": _iso(self.lab.clock.now()),
                                "messageType": CHANGE, "recordVersion": "1.3"}, depth)

    def item(self, manager, kind, rid, resource):
        """The configuration item Config would send for ``resource`` (None: deleted)."""
        gone = resource is None or (resource.get("State") or {}).get("Name") == "terminated"
        now = _iso(self.lab.clock.now())
        tags = {t["Key"]: t["Value"] for t in (resource or {}).get("Tags") or () if "Key" in t}
        return {"configurationItemVersion": "1.3", "configurationItemCaptureTime": now,
                "configurationStateId": int(self.lab.clock.now().timestamp() * 1000),
                "awsAccountId": self.lab.account_id,
                "configurationItemStatus": "ResourceDeleted" if gone else "OK",
                "resourceType": kind, "resourceId": rid,
                "ARN": manager.arn(resource) if resource else None,
                "awsRegion": self.lab.region, "tags": tags, "relatedEvents": [],
                "relationships": [], "supplementaryConfiguration": {},
                "configuration": None if gone else _lower(resource)}

    # -- the Config API the sandbox answers ---------------------------------------------------
    def answer(self, call):
        handler = getattr(self, "_" + call.name, None)
        return handler(call.params) if handler else None

    def _PutEvaluations(self, params):
        evaluations = params.get("Evaluations") or []
        for e in evaluations:
            if e.get("ComplianceType") not in KINDS or not e.get("ComplianceResourceId") \
                    or not e.get("ComplianceResourceType") or e.get("OrderingTimestamp") is None:
                return json_error("InvalidParameterValueException",
                                  "Each evaluation needs ComplianceResourceType, ComplianceResourceId, "
                                  f"OrderingTimestamp and a ComplianceType of {', '.join(KINDS)}.")
        if params.get("TestMode"):
            return json_response({"FailedEvaluations": []})
        with self._lock:
            found = self._tokens.get(params.get("ResultToken"))
        if found is None:
            return json_error("InvalidResultTokenException", "The result token is invalid.")
        rule, invoked = found
        now = self.lab.clock.now()
        with self._lock:
            for e in evaluations:
                key = (rule, e["ComplianceResourceType"], e["ComplianceResourceId"])
                self._results[key] = {
                    "EvaluationResultIdentifier": {
                        "EvaluationResultQualifier": {"ConfigRuleName": rule, "ResourceType": key[1],
                                                      "ResourceId": key[2], "EvaluationMode": "DETECTIVE"},
                        "OrderingTimestamp": e["OrderingTimestamp"]},
                    "ComplianceType": e["ComplianceType"], "ResultRecordedTime": now,
                    "ConfigRuleInvokedTime": invoked,
                    **({"Annotation": e["Annotation"]} if e.get("Annotation") else {})}
        return json_response({"FailedEvaluations": []})

    def _results_for(self, rule=None, kind=None, rid=None, kinds=None):
        with self._lock:
            rows = [v for (r, t, i), v in sorted(self._results.items())
                    if rule in (None, r) and kind in (None, t) and rid in (None, i)]
        return [v for v in rows if not kinds or v["ComplianceType"] in kinds]

    def _page(self, rows, params, key, limit=100):
        start = int(params.get("NextToken") or 0)
        limit = params.get("Limit") or limit
        out = {key: rows[start:start + limit]}
        if start + limit < len(rows):
            out["NextToken"] = str(start + limit)
        return json_response(out)

    def _known(self, names):
        known = {r["ConfigRuleName"] for r in self.rules()}
        missing = [n for n in names if n not in known]
        if missing:
            return json_error("NoSuchConfigRuleException",
                              f"The ConfigRule '{missing[0]}' provided in the request is invalid.")
        return None

    def _GetComplianceDetailsByConfigRule(self, params):
        name = params.get("ConfigRuleName")
        return self._known([name]) or self._page(
            self._results_for(rule=name, kinds=params.get("ComplianceTypes")), params, "EvaluationResults")

    def _GetComplianceDetailsByResource(self, params):
        rows = self._results_for(kind=params.get("ResourceType"), rid=params.get("ResourceId"),
                                 kinds=params.get("ComplianceTypes"))
        return self._page(rows, params, "EvaluationResults")

    @staticmethod
    def _summary(rows):
        bad = sum(r["ComplianceType"] == "NON_COMPLIANT" for r in rows)
        if bad:
            return {"ComplianceType": "NON_COMPLIANT",
                    "ComplianceContributorCount": {"CappedCount": min(bad, 100), "CapExceeded": bad > 100}}
        if any(r["ComplianceType"] == "COMPLIANT" for r in rows):
            return {"ComplianceType": "COMPLIANT"}
        return {"ComplianceType": "INSUFFICIENT_DATA"}

    def _DescribeComplianceByConfigRule(self, params):
        names = params.get("ConfigRuleNames") or sorted(r["ConfigRuleName"] for r in self.rules())
        problem = self._known(names)
        if problem:
            return problem
        out = [{"ConfigRuleName": n, "Compliance": self._summary(self._results_for(rule=n))} for n in names]
        kinds = params.get("ComplianceTypes")
        return self._page([o for o in out if not kinds or o["Compliance"]["ComplianceType"] in kinds],
                          params, "ComplianceByConfigRules")

    def _DescribeComplianceByResource(self, params):
        rows = self._results_for(kind=params.get("ResourceType"), rid=params.get("ResourceId"))
        keys = sorted({(r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceType"],
                        r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]) for r in rows})
        out = [{"ResourceType": t, "ResourceId": i, "Compliance": self._summary(
            self._results_for(kind=t, rid=i))} for t, i in keys]
        kinds = params.get("ComplianceTypes")
        return self._page([o for o in out if not kinds or o["Compliance"]["ComplianceType"] in kinds],
                          params, "ComplianceByResources")

    def forget(self, name):
        """DeleteConfigRule: its results go with it."""
        with self._lock:
            self._results = {k: v for k, v in self._results.items() if k[0] != name}
