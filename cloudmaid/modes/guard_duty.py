"""guard-duty: the policy runs on GuardDuty findings about an instance or an access key."""
import jmespath

from .. import index
from ..errors import EventError
from .core import COMMON_SCHEMA, PatternMode, modes

#: resource type -> (JMESPath of the id in the event, the finding's resourceType): derived
#: from each type's ``guard_duty`` field
TARGETS = index.GUARD_DUTY


@modes.register("guard-duty")
class GuardDutyMode(PatternMode):
    """Runs on GuardDuty findings about an instance, an access key's user or the account."""
    schema = dict(COMMON_SCHEMA)
    for_resources = tuple(TARGETS)

    def base_pattern(self):
        p = {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]}
        kind = TARGETS.get(self.resource_type, (None, None))[1]
        if kind:
            p["detail"] = {"resource": {"resourceType": [kind]}}
        return p

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
