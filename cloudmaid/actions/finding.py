"""``post-finding``: report the matched resources to AWS Security Hub as findings in the AWS
Security Finding Format, Cloud Custodian's keys and finding shape.

One finding per resource (``batch_size`` findings per BatchImportFindings call), its id
``region/account/md5(policy)/md5(resource id)``, product ``cloud-custodian`` (the integration
Custodian users enable). Resources that can be tagged get ``c7n:FindingId:<title>``
``<id>:<created>``, so the next run updates the same finding instead of creating another.
``types`` (required, ``namespace/category/classifier``), ``title`` (the policy name),
``description`` (the policy's, else the title), ``severity``, ``severity_label``
(INFORMATIONAL), ``severity_normalized``, ``confidence``, ``criticality``,
``compliance_status``, ``record_state``, ``recommendation``, ``recommendation_url``,
``fields`` (ProductFields; the policy's tags otherwise), ``region`` (an aggregation region).
Resources are described as ``Other`` with their scalar attributes.
"""
import datetime
import hashlib
import json

from .. import __version__
from ..output import dumps
from . import taggers
from .core import AWS_ERRORS, Action, actions

NAMESPACES = ("Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors",
              "Sensitive Data Identifications")
VALUE_LIMIT = 1024
FINDING_TAG = "c7n:FindingId"


def md5(text):
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def empty(value):
    return value in (None, "", [], {})


def without_empty(data):
    return {k: v for k, v in data.items() if not empty(v)}


@actions.register("post-finding")
class PostFinding(Action):
    """Send each resource to Security Hub as a finding (see the module doc)."""
    schema = {"title": {"type": "string"}, "description": {"type": "string"},
              "severity": {"type": "number"},
              "severity_normalized": {"type": "number", "minimum": 0, "maximum": 100},
              "severity_label": {"enum": ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]},
              "confidence": {"type": "number", "minimum": 0, "maximum": 100},
              "criticality": {"type": "number", "minimum": 0, "maximum": 100},
              "region": {"type": "string"}, "recommendation": {"type": "string"},
              "recommendation_url": {"type": "string"}, "fields": {"type": "object"},
              "batch_size": {"type": "integer", "minimum": 1, "maximum": 100},
              "types": {"type": "array", "minItems": 1, "items": {"type": "string"}},
              "compliance_status": {"enum": ["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"]},
              "record_state": {"enum": ["ACTIVE", "ARCHIVED"]}}
    required = ("types",)
    permissions = ("securityhub:BatchImportFindings",)

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        t = taggers.tagger_class(manager.rtype) if getattr(manager, "rtype", None) else None
        if t:   # each new finding's resource is tagged with its id (tag_new)
            self.permissions = self.permissions + tuple(t.add_permissions)

    def validate(self):
        out = []
        for i, t in enumerate(self.data.get("types") or ()):
            if t.count("/") > 2 or t.split("/")[0] not in NAMESPACES:
                out.append((("types", i), f"'{t}' is not namespace/category/classifier with a "
                            f"namespace of: {' | '.join(NAMESPACES)}"))
        return out

    # -- the finding -------------------------------------------------------------------------
    @property
    def policy(self):
        return getattr(self.manager, "policy_data", None) or {}

    @property
    def title(self):
        return self.data.get("title", self.policy.get("name") or getattr(self.manager, "policy_name", ""))

    def tag_key(self):
        return f"{FINDING_TAG}:{self.title}"

    def finding(self, resource, finding_id, created, now):
        ctx, region = self.manager.ctx, self.data.get("region", self.manager.ctx.region)
        policy = self.policy
        if finding_id is None:
            finding_id = "/".join((ctx.region, ctx.account_id, md5(json.dumps(policy)),
                                   md5(json.dumps([self.manager.resource_id(resource)]))))
        out = {"SchemaVersion": "2018-10-08",
               "ProductArn": f"arn:{ctx.partition}:securityhub:{region}::product/"
                             f"cloud-custodian/cloud-custodian",
               "AwsAccountId": ctx.account_id,
               "Description": self.data.get("description", policy.get(
                   "description", self.title)).strip() or self.title,
               "Title": self.title, "Id": finding_id, "GeneratorId": policy.get("name") or self.title,
               "CreatedAt": created, "UpdatedAt": now,
               "RecordState": self.data.get("record_state", "ACTIVE"),
               "Severity": {"Product": self.data.get("severity", 0),
                            "Normalized": self.data.get("severity_normalized", 0),
                            "Label": self.data.get("severity_label", "INFORMATIONAL")},
               "Types": list(self.data.get("types") or ()),
               "Resources": [self.describe(resource)]}
        recommendation = without_empty({"Text": self.data.get("recommendation"),
                                        "Url": self.data.get("recommendation_url")})
        if recommendation:
            out["Remediation"] = {"Recommendation": recommendation}
        for key, field in (("confidence", "Confidence"), ("criticality", "Criticality")):
            if key in self.data:
                out[field] = self.data[key]
        if "compliance_status" in self.data:
            out["Compliance"] = {"Status": self.data["compliance_status"]}
        fields = {"resource": self.manager.type, "ProviderName": "CloudCustodian",
                  "ProviderVersion": __version__}
        if "fields" in self.data:
            fields.update(self.data["fields"])
        else:
            for t in policy.get("tags") or ():
                k, _, v = str(t).partition(":")
                fields[k] = v
        out["ProductFields"] = {k: str(v) for k, v in fields.items()}
        return without_empty(out)

    def describe(self, resource):
        """Custodian's ``Other`` resource: its scalar attributes as strings."""
        details = {}
        for k, v in resource.items():
            if isinstance(v, datetime.datetime):
                v = v.isoformat()
            elif isinstance(v, (list, dict)):
                v = dumps(v, indent=None)
            elif isinstance(v, (int, float, bool)):
                v = str(v)
            elif not isinstance(v, str):
                continue
            details[k] = v[:VALUE_LIMIT]
        details["c7n:resource-type"] = self.manager.type
        ctx = self.manager.ctx
        out = {"Type": "Other", "Id": self.manager.arn(resource) or
               self.manager.resource_id(resource), "Region": ctx.region,
               "Partition": ctx.partition, "Details": {"Other": without_empty(details)}}
        tags = taggers.tag_map(resource)
        if tags:
            out["Tags"] = tags
        return out

    # -- sending -----------------------------------------------------------------------------
    def process(self, resources):
        client = self.manager.client("securityhub", self.data.get("region"))
        now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        taggable = taggers.tagger_class(self.manager.rtype) is not None
        size = self.data.get("batch_size", 1)
        for start in range(0, len(resources), size):
            batch = resources[start:start + size]
            findings, new = [], []
            for r in batch:
                mark = taggers.tag_map(r).get(self.tag_key())
                finding_id, created = mark.split(":", 1) if mark and ":" in mark else (None, now)
                findings.append(self.finding(r, finding_id, created, now))
                if finding_id is None:
                    new.append((r, findings[-1]["Id"]))
            try:
                answer = client.batch_import_findings(Findings=findings)
            except AWS_ERRORS as e:
                for r in batch:
                    self.fail(r, e)
                continue
            failed = {f.get("Id"): f for f in answer.get("FailedFindings") or ()}
            for r, f in zip(batch, findings):
                if f["Id"] in failed:
                    self.fail(r, RuntimeError(f"{failed[f['Id']].get('ErrorCode')}: "
                                              f"{failed[f['Id']].get('ErrorMessage')}"))
                else:
                    self.result["succeeded"] += 1
            if taggable:
                self.tag_new([(r, i) for r, i in new if i not in failed], now)

    def tag_new(self, marked, created):
        """Tag each new finding's resource with its id, so the next run updates it."""
        tagger = taggers.for_manager(self.manager)
        for r, finding_id in marked:
            tags = {self.tag_key(): f"{finding_id}:{created}"}
            try:
                tagger.add([r], tags)
                taggers.set_tags(r, add=tags)
            except AWS_ERRORS as e:
                self.fail(r, e)
