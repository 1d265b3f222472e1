"""The Elasticsearch/OpenSearch domain type, as data (see cloudmaid/resources/declaration.py).

ListDomainNames returns names: they are completed by DescribeElasticsearchDomains, five per
call, and each domain's tags are one ListTags call (as in Custodian).
"""
from ...resources.declaration import DETAIL, Detail, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="elasticsearch", service="es", enum_op="list_domain_names",
        enum_path="DomainNames[]", id="DomainName", name_key="DomainName",
        get=Get("describe_elasticsearch_domains", "DomainNames", "DomainStatusList[]",
                many=True), complete=True, batch_size=5,
        arn="arn:{partition}:es:{region}:{account}:domain/{id}", arn_key="ARN", tags=DETAIL,
        details=(Detail("Tags", "list_tags", "ARN", "TagList", default=[], arn=True),),
        config_type="AWS::Elasticsearch::Domain",
        trail={"CreateElasticsearchDomain": Shortcut("requestParameters.domainName")},
        related={"subnet": "VPCOptions.SubnetIds[]",
                 "security-group": "VPCOptions.SecurityGroupIds[]",
                 "vpc": "VPCOptions.VPCId", "kms-key": "EncryptionAtRestOptions.KmsKeyId"},
    ),
)
