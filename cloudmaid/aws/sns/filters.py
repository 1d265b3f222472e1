"""SNS topic filters with Cloud Custodian's names and semantics: ``cross-account`` (with
SNS's endpoint and protocol allow-lists) and ``has-statement`` over the topic's ``Policy``
attribute, and the related filters its row declares (``kms-key``)."""
import copy

from ...filters import policydoc, valuefrom
from ...filters.core import filters
from ...filters.crossaccount import CrossAccountFilter, HasStatementFilter
from ...resources.related import register_related
from .types import TYPES

SNS = ("sns",)
PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda")

register_related(TYPES, __name__)


class TopicChecker(policydoc.Checker):
    """The shared checker, plus Custodian's rules for SNS's condition keys: ``sns:Endpoint``
    restricts when every value contains an allowed endpoint (without any allowed, when the
    statement also conditions ``aws:SourceOwner``); ``sns:Protocol`` when every value is an
    allowed protocol."""
    endpoints = protocols = frozenset()
    statement = None

    @classmethod
    def extending(cls, base, endpoints, protocols):
        checker = copy.copy(base)
        checker.__class__ = cls
        checker.endpoints, checker.protocols = frozenset(endpoints), frozenset(protocols)
        return checker

    def restricted(self, s):
        self.statement = s
        return super().restricted(s)

    def condition_restricts(self, key, values):
        if key == "sns:endpoint":
            if not self.endpoints:
                return any(k == "aws:sourceowner"
                           for _, k, _ in self.conditions_of(self.statement or {}))
            return all(any(e in str(v) for e in self.endpoints) for v in values)
        if key == "sns:protocol":
            return not set(values) - self.protocols
        return super().condition_restricts(key, values)


@filters.register("cross-account", resources=SNS)
class TopicCrossAccount(CrossAccountFilter):
    """Topics whose policy grants access outside the account and the allowed lists;
    ``whitelist_endpoints``/``whitelist_protocols`` (and their ``_from``) allow subscriptions
    conditioned on those endpoints/protocols."""
    schema = dict(CrossAccountFilter.schema,
                  whitelist_endpoints={"type": "array", "items": {"type": "string"}},
                  whitelist_endpoints_from=valuefrom.SCHEMA,
                  whitelist_protocols={"type": "array", "items": {"enum": list(PROTOCOLS)}},
                  whitelist_protocols_from=valuefrom.SCHEMA)
    permissions = ("sns:GetTopicAttributes",)

    def checker(self):
        protocols = {p for p in self.allowed("whitelist_protocols") if p in PROTOCOLS}
        return TopicChecker.extending(super().checker(), self.allowed("whitelist_endpoints"),
                                      protocols)


@filters.register("has-statement", resources=SNS)
class TopicHasStatement(HasStatementFilter):
    """Topics whose policy has the given statements; ``{topic_arn}`` may be used in them."""
    permissions = ("sns:GetTopicAttributes",)

    def format_args(self, resource):
        return dict(super().format_args(resource), topic_arn=resource.get("TopicArn", ""))
