"""EFS's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

DescribeFileSystems lists the file systems with their tags inline; by id it takes one
``FileSystemId`` per call.
"""
from ...resources.declaration import Detail, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="efs", service="efs", enum_op="describe_file_systems", enum_path="FileSystems[]",
        id="FileSystemId", get=Get("describe_file_systems", "FileSystemId", "FileSystems[0]"),
        id_prefix="fs-", name_key="Name", date="CreationTime", arn_key="FileSystemArn",
        arn="arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}",
        # the file system policy (PolicyNotFound: none), read only when a filter needs it
        details=(Detail("Policy", "describe_file_system_policy", "FileSystemId", "Policy"),),
        config_type="AWS::EFS::FileSystem", trail_source="elasticfilesystem.amazonaws.com",
        related={"kms-key": "KmsKeyId"},
        trail={"CreateFileSystem": Shortcut("responseElements.fileSystemId")},
    ),
)
