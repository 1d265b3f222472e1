"""ecr and ecr-image: Custodian's shapes, and the repository filters and actions against
moto."""
import json

import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker

from .seeders.ecr import manifest

OTHER = "210987654321"
PULL = {"Sid": "pull", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": "ecr:BatchGetImage"}
OWN = {"Sid": "own", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
       "Action": "ecr:*"}
UNTAGGED = {"rulePriority": 1, "action": {"type": "expire"},
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                          "countUnit": "days", "countNumber": 14}}


def run(ctx, filters=(), actions=(), resource="ecr"):
    return Policy({"name": "pol", "resource": resource, "filters": list(filters),
                   "actions": list(actions)}, ctx).run()


def problems(actions):
    return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "ecr",
                                            "actions": actions}).run()]


@pytest.fixture
def ecr(aws):
    return boto3.client("ecr", region_name="us-east-1")


def repo(ecr, name, statements=None, rules=None):
    ecr.create_repository(repositoryName=name, tags=[{"Key": "Name", "Value": name}])
    if statements:
        ecr.set_repository_policy(repositoryName=name, policyText=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))
    if rules:
        ecr.put_lifecycle_policy(repositoryName=name,
                                 lifecyclePolicyText=json.dumps({"rules": rules}))
    return name


def names(meta):
    return sorted(r["repositoryName"] for r in meta["matched"])


def test_repository_shape_and_tags(ctx, ecr):
    repo(ecr, "web")
    m = ResourceManager.for_type(ctx, "ecr")
    [r] = m.resources()
    m.ensure_details([r], {"Tags"})
    assert r["Tags"] == [{"Key": "Name", "Value": "web"}]
    assert m.arn(r) == r["repositoryArn"]
    assert [x["repositoryName"] for x in m.get_resources(["web"])] == ["web"]


def test_images_listed_per_repository(ctx, ecr):
    repo(ecr, "app")
    repo(ecr, "web")
    digest = ecr.put_image(repositoryName="app", imageManifest=manifest("app"),
                           imageTag="v1")["image"]["imageId"]["imageDigest"]
    ecr.put_image(repositoryName="web", imageManifest=manifest("web"), imageTag="v1")
    m = ResourceManager.for_type(ctx, "ecr-image")
    found = {i["repositoryName"]: i for i in m.resources()}
    assert sorted(found) == ["app", "web"]
    [app] = ecr.describe_repositories(repositoryNames=["app"])["repositories"]
    assert found["app"]["imageArn"] == f"{app['repositoryArn']}/{digest}"
    assert found["app"]["c7n:parent-id"] == "app"
    assert [i["repositoryName"] for i in m.get_resources([digest])] == ["app"]


def test_cross_account_and_remove_statements(ctx, ecr):
    repo(ecr, "shared", [PULL, OWN])
    repo(ecr, "private", [OWN])
    repo(ecr, "bare")
    meta = run(ctx, [{"type": "cross-account"}],
               [{"type": "remove-statements", "statement_ids": "matched"}])
    assert names(meta) == ["shared"]
    left = json.loads(ecr.get_repository_policy(repositoryName="shared")["policyText"])
    assert [s["Sid"] for s in left["Statement"]] == ["own"]


def test_remove_every_statement_deletes_the_policy(ctx, ecr):
    repo(ecr, "shared", [PULL])
    run(ctx, [], [{"type": "remove-statements", "statement_ids": "*"}])
    with pytest.raises(ecr.exceptions.RepositoryPolicyNotFoundException):
        ecr.get_repository_policy(repositoryName="shared")


def test_lifecycle_rule_filter(ctx, ecr):
    repo(ecr, "kept", rules=[UNTAGGED])
    repo(ecr, "none")
    match = [{"selection.tagStatus": "untagged"}, {"action.type": "expire"},
             {"type": "value", "key": "selection.countNumber", "value": 30, "op": "less-than"}]
    assert names(run(ctx, [{"type": "lifecycle-rule", "state": True, "match": match}])) == \
        ["kept"]
    assert names(run(ctx, [{"type": "lifecycle-rule", "match": match}])) == ["none"]
    assert names(run(ctx, [{"type": "lifecycle-rule", "state": True, "match": [
        {"selection.tagStatus": "tagged"}]}])) == []


def test_set_lifecycle_put_and_delete(ctx, ecr):
    repo(ecr, "web")
    run(ctx, [], [{"type": "set-lifecycle", "rules": [UNTAGGED]}])
    text = ecr.get_lifecycle_policy(repositoryName="web")["lifecyclePolicyText"]
    assert json.loads(text) == {"rules": [UNTAGGED]}
    run(ctx, [], [{"type": "set-lifecycle", "state": False}])
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.get_lifecycle_policy(repositoryName="web")


def test_set_lifecycle_validation():
    assert problems([{"type": "set-lifecycle"}])
    assert problems([{"type": "set-lifecycle", "state": False, "rules": [UNTAGGED]}])
    tagged = dict(UNTAGGED, selection=dict(UNTAGGED["selection"], tagStatus="tagged"))
    assert any("tagPrefixList" in m for m in problems([{"type": "set-lifecycle",
                                                        "rules": [tagged]}]))
    assert not problems([{"type": "set-lifecycle", "rules": [UNTAGGED]}])


def test_set_scanning_and_immutability(ctx, ecr):
    repo(ecr, "web")
    run(ctx, [], ["set-scanning", "set-immutability"])
    [r] = ecr.describe_repositories()["repositories"]
    assert r["imageScanningConfiguration"] == {"scanOnPush": True}
    assert r["imageTagMutability"] == "IMMUTABLE"
    run(ctx, [], [{"type": "set-scanning", "state": False},
                  {"type": "set-immutability", "state": False}])
    [r] = ecr.describe_repositories()["repositories"]
    assert r["imageScanningConfiguration"] == {"scanOnPush": False}
    assert r["imageTagMutability"] == "MUTABLE"


def test_modify_ecr_policy_creates_replaces_and_drops_resource(ctx, ecr):
    repo(ecr, "bare")
    repo(ecr, "shared", [PULL, OWN])
    deny = {"Sid": "deny", "Effect": "Deny", "Principal": "*", "Action": ["ecr:BatchGetImage"],
            "Resource": "*"}
    run(ctx, [{"repositoryName": "bare"}], [{"type": "modify-ecr-policy",
                                             "add-statements": [deny]}])
    got = json.loads(ecr.get_repository_policy(repositoryName="bare")["policyText"])
    assert got["Statement"] == [{k: v for k, v in deny.items() if k != "Resource"}]
    run(ctx, [{"repositoryName": "shared"}, {"type": "cross-account"}], [
        {"type": "modify-ecr-policy", "remove-statements": "matched", "add-statements": [deny]}])
    got = json.loads(ecr.get_repository_policy(repositoryName="shared")["policyText"])
    assert [s["Sid"] for s in got["Statement"]] == ["own", "deny"]
    assert problems([{"type": "modify-ecr-policy", "add-statements": [
        {"Effect": "Deny", "Principal": "*", "Action": "ecr:*"}]}])   # no Sid
