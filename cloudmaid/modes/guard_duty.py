"""guard-duty: the policy runs on GuardDuty findings about an instance or an access key."""
import jmespath

from ..errors import EventError
from .core import COMMON_SCHEMA, EventMode, modes

#: resource type -> (JMESPath of the id in the event, the finding's resourceType)
TARGETS = {
    "ec2": ("detail.resource.instanceDetails.instanceId", "Instance"),
    "iam-user": ("detail.resource.accessKeyDetails.userName", "AccessKey"),
    "account": ("detail.accountId", None),
}


@modes.register("guard-duty")
class GuardDutyMode(EventMode):
    schema = dict(COMMON_SCHEMA)

    @property
    def resource_type(self):
        return getattr(self.policy, "resource_type", None) or (self.policy.data or {}).get("resource")

    def rule(self):
        p = {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]}
        kind = TARGETS.get(self.resource_type, (None, None))[1]
        if kind:
            p["detail"] = {"resource": {"resourceType": [kind]}}
        return self.pattern_rule(p)

    def member_account(self, event):
        return (event.get("detail") or {}).get("accountId") or event.get("account")

    def ids(self, event):
        target = TARGETS.get(self.resource_type)
        if not target:
            raise EventError(f"guard-duty mode does not support resource '{self.resource_type}'")
        rid = jmespath.search(target[0], event)
        if not isinstance(rid, str):
            raise EventError(f"GuardDuty finding without {target[0]}")
        return [rid]

    def resources(self, event=None):
        found = super().resources(event)
        key = jmespath.search("detail.resource.accessKeyDetails.accessKeyId", event)
        if self.resource_type == "iam-user" and key:
            # Cloud Custodian's annotation: actions (remove-keys) act on the finding's key
            for r in found:
                r["c7n:AccessKeys"] = {"AccessKeyId": key}
        return found

    def validate(self):
        out = super().validate()
        if self.resource_type not in TARGETS:
            out.append(((), f"guard-duty mode supports resources {', '.join(sorted(TARGETS))}, "
                            f"not '{self.resource_type}'"))
        return out
