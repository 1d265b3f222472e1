"""The ecr-image manager: images are Custodian's child resources of repositories, listed
with DescribeImages for each repository of the region, each image with Custodian's ``imageArn`` (repository ARN/digest) and
``c7n:parent-id`` (the repository's name). By digest (event modes) the listing is searched.
"""
from botocore.exceptions import ClientError

from ...resources import details
from ...resources.manager import ResourceManager, register_manager


@register_manager("ecr-image")
class EcrImageManager(ResourceManager):
    #: IAM actions of the calls the row does not describe
    permissions = ("ecr:DescribeRepositories", "ecr:DescribeImages")
    added_keys = ("imageArn", "c7n:parent-id")

    def describe(self, params):
        repositories = ResourceManager.for_type(self.ctx, "ecr").resources()
        found = details.pmap(lambda repo: self.images(repo, params), repositories)
        return [image for images in found for image in images]

    def images(self, repo, params):
        client = self.client()
        out = []
        try:
            for page in client.get_paginator("describe_images").paginate(
                    repositoryName=repo["repositoryName"], **params):
                for image in page.get("imageDetails") or ():
                    image["imageArn"] = f"{repo['repositoryArn']}/{image['imageDigest']}"
                    image["c7n:parent-id"] = repo["repositoryName"]
                    out.append(image)
        except ClientError as e:
            if e.response["Error"]["Code"] != "RepositoryNotFoundException":
                raise
        return out
