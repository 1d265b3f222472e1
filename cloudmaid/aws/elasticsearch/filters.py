"""OpenSearch domain filters with Cloud Custodian's names: ``cross-account`` and
``has-statement`` over the domain's access policy, and the network and key filters from the
row's ``related``."""
from ...filters.core import filters
from ...filters.crossaccount import CrossAccountFilter, HasStatementFilter
from ...resources.related import register_related
from .types import TYPES

register_related(TYPES, __name__)
DOMAIN = ("elasticsearch",)


@filters.register("cross-account", resources=DOMAIN)
class DomainCrossAccount(CrossAccountFilter):
    """Reads ``AccessPolicies`` of the description (Custodian reads the same document from
    DescribeElasticsearchDomainConfig, one more call per domain)."""
    policy_key = "AccessPolicies"
    permissions = ("es:DescribeElasticsearchDomains",)


@filters.register("has-statement", resources=DOMAIN)
class DomainHasStatement(HasStatementFilter):
    """``{domain_arn}`` in the statements is the domain's ARN (Custodian's placeholder)."""
    policy_key = "AccessPolicies"
    permissions = ("es:DescribeElasticsearchDomains",)

    def format_args(self, resource):
        return dict(super().format_args(resource), domain_arn=resource.get("ARN", ""))
