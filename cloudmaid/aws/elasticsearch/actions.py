"""OpenSearch domain actions with Cloud Custodian's names: ``delete``, ``remove-statements``."""
import json

from botocore.exceptions import ClientError

from ...actions.core import Action, actions
from ...actions.statements import RemoveStatementsAction


@actions.register("delete", resources=("elasticsearch",))
class Delete(Action):
    """DeleteElasticsearchDomain; a domain gone counts as done."""
    permissions = ("es:DeleteElasticsearchDomain",)

    def process(self, resources):
        client = self.manager.client()

        def delete(domain):
            try:
                client.delete_elasticsearch_domain(DomainName=domain["DomainName"])
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
        self.each(resources, delete)
        self.manager.invalidate()


@actions.register("remove-statements", resources=("elasticsearch",))
class RemoveStatements(RemoveStatementsAction):
    """Statements removed from the domain's access policy (UpdateElasticsearchDomainConfig);
    with none left the policy is kept with an empty statement list, as Custodian writes it."""
    policy_key = "AccessPolicies"
    permissions = ("es:UpdateElasticsearchDomainConfig",)

    def set_policy(self, resource, policy):
        document = policy or {**json.loads(resource[self.policy_key]), "Statement": []}
        self.manager.client().update_elasticsearch_domain_config(
            DomainName=resource["DomainName"], AccessPolicies=json.dumps(document))
