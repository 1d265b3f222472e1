"""OpenSearch/Elasticsearch domains against moto: names completed by
DescribeElasticsearchDomains, tags by ARN, delete."""
import boto3
import pytest

from cloudmaid.resources.manager import ResourceManager

from .test_aws_rds import run


@pytest.fixture
def es(aws):
    return boto3.client("es", region_name="us-east-1")


def test_listing_get_by_ids_tags_and_delete(ctx, es):
    for i in range(7):   # more than one DescribeElasticsearchDomains batch of five
        es.create_elasticsearch_domain(DomainName=f"logs-{i}", TagList=[
            {"Key": "n", "Value": str(i)}])
    m = ResourceManager.for_type(ctx, "elasticsearch")
    found = m.resources()
    assert sorted(d["DomainName"] for d in found) == [f"logs-{i}" for i in range(7)]
    assert all("ARN" in d and "EngineType" not in d for d in found)
    m.ensure_details(found, {"Tags"})
    assert {d["DomainName"]: d["Tags"][0]["Value"] for d in found}["logs-3"] == "3"
    assert [d["DomainName"] for d in m.get_resources(["logs-1", "gone"])] == ["logs-1"]
    run(ctx, [{"DomainName": "logs-0"}], ["delete"], resource="elasticsearch")
    assert len(es.list_domain_names()["DomainNames"]) == 6


def test_cross_account_and_remove_statements(ctx, es):
    import json
    arn = "arn:aws:es:us-east-1:123456789012:domain/open/*"
    es.create_elasticsearch_domain(DomainName="open", AccessPolicies=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "outside", "Effect": "Allow", "Action": "es:*", "Resource": arn,
             "Principal": {"AWS": "arn:aws:iam::111122223333:root"}},
            {"Sid": "own", "Effect": "Allow", "Action": "es:*", "Resource": arn,
             "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}))
    es.create_elasticsearch_domain(DomainName="closed")
    ResourceManager.for_type(ctx, "elasticsearch").resources()   # moto's listing, cached
    # moto has no UpdateElasticsearchDomainConfig: a Stubber answers it, checking the request
    kept = {"Version": "2012-10-17", "Statement": [
        {"Sid": "own", "Effect": "Allow", "Action": "es:*", "Resource": arn,
         "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}
    from botocore.stub import Stubber
    with Stubber(ctx.session_factory.client("es")) as stub:
        stub.add_response("update_elasticsearch_domain_config", {"DomainConfig": {}},
                          {"DomainName": "open", "AccessPolicies": json.dumps(kept)})
        meta = run(ctx, ["cross-account"], [{"type": "remove-statements",
                                             "statement_ids": "matched"}],
                   resource="elasticsearch")
        stub.assert_no_pending_responses()
    assert meta["resources"]["matched"] == 1 and meta["actions"][0]["succeeded"] == 1
