"""Secrets Manager's resource type, as data (see cloudmaid/resources/declaration.py).

Each listed secret is completed by DescribeSecret, as Custodian augments it (replication
status and the other keys the listing lacks); tags are inline.
"""
from ...resources.declaration import Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="secrets-manager", service="secretsmanager", enum_op="list_secrets",
        enum_path="SecretList[]", id="Name", name_key="Name",
        get=Get("describe_secret", "SecretId"), complete=True,
        arn="arn:{partition}:secretsmanager:{region}:{account}:secret:{id}", arn_key="ARN",
        tagger="secretsmanager", config_type="AWS::SecretsManager::Secret",
        related={"kms-key": "KmsKeyId"},
        trail={"CreateSecret": Shortcut("responseElements.name"),
               "PutSecretValue": Shortcut("requestParameters.secretId")},
    ),
)
