"""``usage`` (Cloud Custodian's) for iam-user, iam-role, iam-group and iam-policy: IAM's
access advisor data (GenerateServiceLastAccessedDetails, then its job's answer). Each
service record must match every attribute given (``ServiceNamespace: s3``, or a value filter
such as ``LastAuthenticated: {value_type: age, op: gt, value: 90}``); ``match-operator: all``
needs every record of the entity to match, ``any`` one. Each report is a job IAM creates,
so a dry run cannot read them: the filter then fails."""
import time

from botocore.exceptions import ClientError

from ...filters.core import filters
from ...filters.value import ValueFilter
from .common import BatchFilter, ignore_gone

ATTRS = ("LastAuthenticated", "LastAuthenticatedEntity", "ServiceName", "ServiceNamespace",
         "TotalAuthenticatedEntities")
_ATTR = {"oneOf": [{"type": "string"}, {"type": "boolean"}, {"type": "number"},
                   {"type": "null"}, {"type": "object"}]}
sleep = time.sleep

@filters.register("usage", resources=("iam-user", "iam-role", "iam-group", "iam-policy"))
class ServiceUsage(BatchFilter):
    schema = dict({a: _ATTR for a in ATTRS}, **{"match-operator": {"enum": ["all", "any"]},
                                                "poll-delay": {"type": "number"}})
    required = ("match-operator",)
    permissions = ("iam:GenerateServiceLastAccessedDetails",
                   "iam:GetServiceLastAccessedDetails")

    def __init__(self, data, manager=None):
        super().__init__(data, manager)
        self.attrs = []
        for a in ATTRS:
            if a in self.data:
                v = self.data[a]
                vf = dict(v, key=a) if isinstance(v, dict) else {"key": a, "value": v}
                self.attrs.append(ValueFilter(dict(vf, type="value"), manager))

    def validate(self):
        from ...filters.valuecheck import value_problems   # validation only
        return [((vf.key,) + tuple(w), m) for vf in self.attrs
                for w, m in value_problems(vf.data)]

    def process(self, resources, event=None):
        if self.manager.ctx.dryrun and resources:
            # each answer is a job IAM creates (GenerateServiceLastAccessedDetails): a write
            raise ClientError({"Error": {"Code": "DryRun", "Message": (
                "usage asks IAM to generate access advisor reports, which a dry run does "
                "not do")}}, "GenerateServiceLastAccessedDetails")
        client = self.client()
        jobs = {}
        for r in resources:
            found = ignore_gone(client.generate_service_last_accessed_details,
                                Arn=self.manager.arn(r))
            if found:
                jobs[found["JobId"]] = r
        now = self.clock()
        tests = [vf.matcher(now, event) for vf in self.attrs]
        every = self.data["match-operator"] == "all"
        out = []
        while jobs:
            for job, r in list(jobs.items()):
                answer = client.get_service_last_accessed_details(JobId=job)
                status = answer.get("JobStatus")
                if status == "IN_PROGRESS":
                    continue
                del jobs[job]
                if status != "COMPLETED":   # FAILED: Custodian waits for it forever
                    continue
                records = answer.get("ServicesLastAccessed") or []
                hits = [s for s in records if all(t(s) for t in tests)]
                if (len(hits) == len(records)) if every else hits:
                    out.append(r)
            if jobs:
                sleep(self.data.get("poll-delay", 2))
        return out
