"""ECR's resource types, as data (see cloudmaid/resources/declaration.py for the fields).

Repository tags are ListTagsForResource's, by ARN; images are listed per
repository (DescribeImages), with Custodian's ``imageArn`` (the repository ARN, then the
digest).
"""
from ...resources.declaration import DETAIL, Detail, ResourceType, Shortcut

_REPOSITORY = "arn:{partition}:ecr:{region}:{account}:repository/{id}"

TYPES = (
    ResourceType(
        name="ecr", service="ecr", enum_op="describe_repositories", enum_path="repositories[]",
        id="repositoryName", ids_param="repositoryNames", name_key="repositoryName",
        date="createdAt", arn_key="repositoryArn", arn=_REPOSITORY, tags=DETAIL, tagger="ecr",
        details=(Detail("Tags", "list_tags_for_resource", "resourceArn", "tags", default=[],
                        arn=True),
                 # the repository policy (RepositoryPolicyNotFound: none), read on demand
                 Detail("Policy", "get_repository_policy", "repositoryName", "policyText")),
        config_type="AWS::ECR::Repository",
        trail={"CreateRepository": Shortcut("responseElements.repository.repositoryName")},
    ),
    ResourceType(
        # listed per repository (manager.py): the row's operation is the per-repository one
        name="ecr-image", service="ecr", enum_op="describe_images", enum_path="imageDetails[]",
        id="imageDigest", name_key="repositoryName", date="imagePushedAt",
        arn_key="imageArn", arn=_REPOSITORY, tags=None,
        trail={"PutImage": Shortcut("responseElements.image.imageId.imageDigest")},
    ),
)
