"""cloudtrail against moto: tags from ListTags, is-shadow, status, event-selectors,
set-logging, update-trail, delete (shadow trails left alone)."""
import boto3
import pytest

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager
from cloudmaid.validate import PolicyChecker


@pytest.fixture
def trails(aws):
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="trail-logs")
    east = boto3.client("cloudtrail", region_name="us-east-1")
    west = boto3.client("cloudtrail", region_name="us-west-2")
    east.create_trail(Name="local", S3BucketName="trail-logs", TagsList=[
        {"Key": "team", "Value": "sec"}])
    east.create_trail(Name="other", S3BucketName="trail-logs")
    west.create_trail(Name="global", S3BucketName="trail-logs", IsMultiRegionTrail=True)
    return east, west


def names(ctx, filters):
    ctx.cache.clear()
    m = ResourceManager.for_type(ctx, "cloudtrail")
    found = core.apply(core.parse(filters, m), [dict(r) for r in m.resources()], manager=m)
    return sorted(t["Name"] for t in found)


def run(ctx, filters, actions):
    ctx.cache.clear()
    meta = Policy({"name": "p", "resource": "cloudtrail", "filters": filters,
                   "actions": actions}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return meta


def test_tags_from_list_tags_and_lookup_by_name(ctx, trails):
    m = ResourceManager.for_type(ctx, "cloudtrail")
    found = {t["Name"]: t for t in m.resources()}
    m.ensure_details(list(found.values()), {"Tags"})
    assert found["local"]["Tags"] == [{"Key": "team", "Value": "sec"}]
    assert found["other"]["Tags"] == [] and found["global"]["Tags"] == []
    assert [t["Name"] for t in m.get_resources(["local"])] == ["local"]
    assert [t["Name"] for t in m.get_resources([found["other"]["TrailARN"]])] == ["other"]


def test_is_shadow(ctx, trails):
    assert names(ctx, ["is-shadow"]) == ["global"]
    assert names(ctx, [{"type": "is-shadow", "state": False}]) == ["local", "other"]


def test_status_and_set_logging(ctx, trails):
    east, _ = trails
    east.start_logging(Name="local")
    logging = {"type": "status", "key": "IsLogging", "value": True}
    assert names(ctx, [logging]) == ["local"]
    run(ctx, [{"Name": "other"}], [{"type": "set-logging"}])
    assert names(ctx, [logging]) == ["local", "other"]
    run(ctx, [{"Name": "local"}], [{"type": "set-logging", "enabled": False}])
    assert names(ctx, [logging]) == ["other"]


def test_event_selectors(ctx, trails):
    east, _ = trails
    east.put_event_selectors(TrailName="local", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    assert names(ctx, [{"type": "event-selectors", "op": "contains", "value": True,
                        "key": "EventSelectors[].IncludeManagementEvents"}]) == ["local"]


def test_update_trail_and_delete_skip_shadows(ctx, trails):
    east, west = trails
    meta = run(ctx, [], [{"type": "update-trail",
                          "attributes": {"EnableLogFileValidation": True}}])
    assert meta["actions"][0]["skipped"] == 1 and meta["actions"][0]["succeeded"] == 2
    by_name = {t["Name"]: t for t in east.describe_trails()["trailList"]}
    assert by_name["local"]["LogFileValidationEnabled"] is True
    assert by_name["global"]["LogFileValidationEnabled"] is False
    run(ctx, [], ["delete"])
    assert [t["Name"] for t in east.describe_trails()["trailList"]] == ["global"]


def test_update_trail_attributes_checked():
    def problems(attributes):
        return [m for _, m, _ in PolicyChecker({"name": "p", "resource": "cloudtrail", "actions": [
            {"type": "update-trail", "attributes": attributes}]}).run()]
    assert problems({"EnableLogFileValidation": True}) == []
    assert any("Name" in m for m in problems({"Name": "x"}))
    assert any("Unknown parameter" in m for m in problems({"EnableLogValidation": True}))
    assert any("attributes" in m for m in
               [m for _, m, _ in PolicyChecker({"name": "p", "resource": "cloudtrail",
                                                "actions": ["update-trail"]}).run()])
