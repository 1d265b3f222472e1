"""Bases of the account filters: account-level facts, read once per run and region.

The account is one resource (manager.py); its filters read an account-wide document (the
password policy, the trails, the GuardDuty detector, ...) and decide whether the account
matches. Value-filter forms (``password-policy``, ``iam-summary``, ...) compile the policy's
value filter once and test it against that document, as Custodian does.
"""
from botocore.exceptions import ClientError

from ...filters.base import Filter, now_of
from ...filters.value import ValueFilter

ACCOUNT = ("account",)


def error_code(error):
    return error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else None


class AccountFilter(Filter):
    """A batch filter over the account resource(s): ``fetch()`` once per run and region,
    ``decide(account, fact)``, with the fact kept on the account under ``annotation``."""
    predicate = False
    annotation = None

    def fetch(self):
        raise NotImplementedError

    def decide(self, account, fact):
        raise NotImplementedError

    def fact(self):
        return self.manager.fact(self.type, self.fetch)

    def process(self, resources, event=None):
        if not resources:
            return []
        fact = self.fact()
        out = []
        for r in resources:
            if self.annotation:
                r[self.annotation] = fact
            if self.decide(r, fact):
                out.append(r)
        return out


class AccountValueFilter(ValueFilter):
    """A value filter (key, value, op, value_type, ...) over an account-level document."""
    predicate = False
    annotation = None

    def validate(self):
        if self.data.get("value_type") == "resource_count":
            return [(("value_type",), f"'{self.type}' tests one document: value_type "
                                      f"'resource_count' does not apply")]
        return super().validate()

    def fetch(self):
        raise NotImplementedError

    def process(self, resources, event=None):
        if not resources:
            return []
        doc = self.manager.fact(self.type, self.fetch)
        match = self.test.bind(now_of(self.manager), event)
        out = []
        for r in resources:
            if self.annotation:
                r[self.annotation] = doc
            if self.decide(r, doc, match):
                out.append(r)
        return out

    def decide(self, account, doc, match):
        return match(doc)

    def keys(self):
        return set()
