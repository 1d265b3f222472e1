"""The account manager: the single account resource, built as Cloud Custodian builds it.

``{account_id, account_name}``: the run's account id (STS GetCallerIdentity when not given)
and its first IAM account alias ("" without one). Get-by-ids (event modes) returns the
account whatever the ids, as Custodian does: an account policy's events name trails,
detectors or users, not the account. Account-level facts the filters read (the password
policy, the trails, ...) are fetched once per run and region (``fact``) and forgotten after
a write (``invalidate``).
"""
from ...resources.manager import ResourceManager, register_manager

PERMISSIONS = ("iam:ListAccountAliases", "sts:GetCallerIdentity")


@register_manager("account")
class AccountManager(ResourceManager):
    #: the resource is built here from the row's call, not read from its answer's items
    builds_resources = True

    def describe(self, params):
        aliases = self.client("iam").list_account_aliases().get("AccountAliases") or []
        return [{"account_id": self.ctx.account_id,
                 "account_name": aliases[0] if aliases else ""}]

    def get_resources(self, ids):
        return [dict(r) for r in self.resources()] if ids else []

    def fact(self, name, fetch):
        """``fetch()`` once per run and region (the account is one resource)."""
        key = (self.rtype.name, self.ctx.region, "fact", name)
        if key not in self.ctx.cache:
            self.ctx.cache[key] = fetch()
        return self.ctx.cache[key]
