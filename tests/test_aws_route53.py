"""Route 53 hosted zones: Custodian's ids and augment, tags in batches, delete, against moto."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager


@pytest.fixture
def r53(aws):
    return boto3.client("route53", region_name="us-east-1")


def zone(r53, name, tags=None):
    zid = r53.create_hosted_zone(Name=name, CallerReference=name)["HostedZone"]["Id"]
    if tags:
        r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zid.split("/")[-1],
                                     AddTags=[{"Key": k, "Value": v} for k, v in tags.items()])
    return zid


def run(ctx, filters=(), actions=()):
    meta = Policy({"name": "p", "resource": "hostedzone", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()
    return meta


def test_ids_arns_and_tags_ten_per_call(ctx, r53):
    zones = [zone(r53, f"z{i}.example.com", {"n": str(i)}) for i in range(12)]
    calls = []
    m = ResourceManager.for_type(ctx, "hostedzone")
    m.client().meta.events.register("provide-client-params.route-53.ListTagsForResources",
                                    lambda params, **kw: calls.append(params["ResourceIds"]))
    meta = run(ctx, [{"tag:n": "4"}])
    [found] = meta["matched"]
    assert found["Id"] == zones[4] and found["Id"].startswith("/hostedzone/")
    assert found["c7n:ConfigHostedZoneId"] == zones[4].split("/")[-1]
    assert sorted(len(c) for c in calls) == [2, 10]
    assert m.arn(found) == f"arn:aws:route53:::hostedzone/{zones[4].split('/')[-1]}"
    got = m.get_resources([zones[0].split("/")[-1], "/hostedzone/ZGONE"])
    assert [z["Id"] for z in got] == [zones[0]] and got[0]["c7n:ConfigHostedZoneId"]


def test_delete_needs_force_for_records(ctx, r53):
    full = zone(r53, "full.example.com")
    r53.change_resource_record_sets(HostedZoneId=full, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": "www.full.example.com.", "Type": "A", "TTL": 60,
            "ResourceRecords": [{"Value": "192.0.2.1"}]}}]})
    empty = zone(r53, "empty.example.com")
    meta = run(ctx, [], ["delete"])
    assert [f["id"] for f in meta["actions"][0]["failed"]] == [full]
    assert [z["Id"] for z in r53.list_hosted_zones()["HostedZones"]] == [full]
    meta = run(ctx, [], [{"type": "delete", "force": True}])
    assert not meta["errors"], meta["errors"]
    assert r53.list_hosted_zones()["HostedZones"] == []
    assert empty
