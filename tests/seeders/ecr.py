"""ECR seeders: repositories (with a policy letting another account pull) and images."""
import hashlib
import json

from . import action_options, seeder
from .sqs import policy


@seeder("ecr", "cloudtrail-create-repository.json")
def repository(world, label):
    ecr = world.client("ecr")
    ecr.create_repository(repositoryName=label, tags=world.tag_list(label))
    # a repository policy names no Resource: the repository is implied
    statement = dict(json.loads(policy("*", "ecr:BatchGetImage"))["Statement"][0])
    del statement["Resource"]
    ecr.set_repository_policy(repositoryName=label, policyText=json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]}))
    return [label]


RULE = {"rulePriority": 1, "action": {"type": "expire"},
        "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan",
                      "countNumber": 10}}
ADDED = {"Sid": "added", "Effect": "Deny", "Principal": "*", "Action": ["ecr:DeleteRepository"]}
action_options("ecr", {"remove-statements": {"statement_ids": "*"},
                       "modify-ecr-policy": {"add-statements": [ADDED]},
                       "set-lifecycle": {"rules": [RULE]}})


def manifest(label):
    layer = {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 10,
             "digest": "sha256:" + hashlib.sha256(label.encode()).hexdigest()}
    return json.dumps({"schemaVersion": 2, "layers": [layer], "config": layer,
                       "mediaType": "application/vnd.docker.distribution.manifest.v2+json"})


@seeder("ecr-image", "cloudtrail-put-image.json")
def image(world, label):
    ecr = world.client("ecr")
    ecr.create_repository(repositoryName=label)
    out = ecr.put_image(repositoryName=label, imageManifest=manifest(label), imageTag="latest")
    return [out["image"]["imageId"]["imageDigest"]]
