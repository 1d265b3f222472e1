"""``missing``: matches the account when an embedded policy finds nothing (Cloud
Custodian's policy-within-policy), e.g. "no bucket named audit-logs"."""
from ...filters.core import apply, filters
from .base import ACCOUNT, AccountFilter


@filters.register("missing", resources=ACCOUNT)
class Missing(AccountFilter):
    """``policy``: a policy without name, mode or actions (``resource`` and ``filters``,
    ``conditions``, ``query``, ...), run in the same account and region; the account matches
    when it matches no resource. An embedded policy whose conditions do not hold matches
    nothing, so neither does the filter."""
    schema = {"policy": {"type": "object", "required": ["resource"],
                         "properties": {"resource": {"type": "string"}}}}
    required = ("policy",)

    def embedded_data(self):
        return {**self.data["policy"], "name": getattr(self.manager, "policy_name", None)
                or "missing"}

    def validate(self):
        policy = self.data["policy"]
        for key in ("mode", "actions"):
            if key in policy:
                return [(("policy", key), f"an embedded policy cannot have {key}")]
        from ...validate import PolicyChecker   # validation only: off the Lambda's imports
        found = PolicyChecker(self.embedded_data()).run()
        return [(("policy",) + tuple(path), message) for path, message, _ in found]

    def fetch(self):
        from ...policy import Policy
        embedded = Policy(self.embedded_data(), self.manager.ctx)
        if not embedded.conditions_pass():
            return None
        candidates = [dict(r) for r in embedded.manager.resources()]
        return len(apply(embedded.filters, candidates, None, embedded.manager,
                         self.manager.ctx.now))

    def fact(self):
        return self.fetch()

    def decide(self, account, found):
        return found == 0
