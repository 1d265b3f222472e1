"""ssm-parameter against moto: tags from ListTagsForResource, by name, ARNs, delete."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager


@pytest.fixture
def ssm(aws):
    client = boto3.client("ssm", region_name="us-east-1")
    client.put_parameter(Name="/app/db", Value="v", Type="String",
                         Tags=[{"Key": "team", "Value": "pay"}])
    client.put_parameter(Name="plain", Value="v", Type="String")
    return client


def test_tags_names_and_arns(ctx, ssm):
    m = ResourceManager.for_type(ctx, "ssm-parameter")
    found = {p["Name"]: p for p in m.resources()}
    m.ensure_details(list(found.values()), {"Tags"})
    assert found["/app/db"]["Tags"] == [{"Key": "team", "Value": "pay"}]
    assert found["plain"]["Tags"] == []
    assert m.arn(found["/app/db"]) == "arn:aws:ssm:us-east-1:123456789012:parameter/app/db"
    assert m.arn(found["plain"]) == "arn:aws:ssm:us-east-1:123456789012:parameter/plain"
    assert [p["Name"] for p in m.get_resources(["plain", "missing"])] == ["plain"]


def test_tag_and_delete(ctx, ssm):
    meta = Policy({"name": "p", "resource": "ssm-parameter", "filters": [{"tag:team": "pay"}],
                   "actions": [{"type": "tag", "key": "owner", "value": "me"},
                               {"type": "remove-tag", "tags": ["team"]}]}, ctx).run()
    assert not meta["errors"]
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/db")[
        "TagList"] == [{"Key": "owner", "Value": "me"}]
    ctx.cache.clear()
    meta = Policy({"name": "p", "resource": "ssm-parameter", "filters": [{"Name": "plain"}],
                   "actions": ["delete"]}, ctx).run()
    assert meta["actions"][0]["succeeded"] == 1
    assert [p["Name"] for p in ssm.describe_parameters()["Parameters"]] == ["/app/db"]
