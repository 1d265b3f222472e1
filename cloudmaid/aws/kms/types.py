"""KMS's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

ListKeys returns ids and ARNs only: each key is completed by DescribeKey (Custodian's shape:
the key's metadata, plus ``AliasNames`` for keys with aliases, manager.py). Tags come from
ListResourceTags (``TagKey``/``TagValue``, read as Custodian's ``Key``/``Value``).
"""
from ...resources.declaration import DETAIL, Detail, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="kms-key", service="kms", enum_op="list_keys", enum_path="Keys[]", id="KeyId",
        get=Get("describe_key", "KeyId", "KeyMetadata"), complete=True,
        arn="arn:{partition}:kms:{region}:{account}:key/{id}", arn_key="Arn",
        tags=DETAIL, tagger="kms",
        details=(Detail("Tags", "list_resource_tags", "KeyId", "Tags", default=[]),),
        config_type="AWS::KMS::Key",
        trail={"CreateKey": Shortcut("responseElements.keyMetadata.keyId")},
        report=("KeyId", "Arn", "KeyManager", "KeyState", "CreationDate"),
    ),
    ResourceType(
        # aliases pointing at a key (Custodian drops the others)
        name="kms", service="kms", enum_op="list_aliases", enum_path="Aliases[]", id="AliasArn",
        name_key="AliasName", arn_key="AliasArn", tags=None, config_type="AWS::KMS::Alias",
        trail={"CreateAlias": Shortcut("requestParameters.aliasName")},
    ),
)
