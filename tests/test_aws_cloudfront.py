"""CloudFront distributions: tags by ARN, distribution-config, disable, set-protocols, against
moto."""
import boto3
import pytest

from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager

from .seeders.cloudfront import distribution_config


@pytest.fixture
def cf(aws):
    client = boto3.client("cloudfront", region_name="us-east-1")

    def make(name, tags=None, custom=False):
        config = distribution_config(name, origin=f"{name}.example.com" if custom else
                                     "assets.s3.amazonaws.com")
        if custom:
            origin = config["Origins"]["Items"][0]
            del origin["S3OriginConfig"]
            origin["CustomOriginConfig"] = {
                "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only",
                "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1"]}}
        if tags:
            return client.create_distribution_with_tags(DistributionConfigWithTags={
                "DistributionConfig": config, "Tags": {"Items": [
                    {"Key": k, "Value": v} for k, v in tags.items()]}})["Distribution"]["Id"]
        return client.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
    make.client = client
    return make


def run(ctx, filters=(), actions=()):
    meta = Policy({"name": "p", "resource": "distribution", "filters": list(filters),
                   "actions": list(actions)}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return sorted(r["Id"] for r in meta["matched"])


def test_tags_and_ids_given_as_arns(ctx, cf):
    tagged = cf("tagged", tags={"team": "web"})
    cf("plain")
    assert run(ctx, [{"tag:team": "web"}]) == [tagged]
    m = ResourceManager.for_type(ctx, "distribution")
    arn = f"arn:aws:cloudfront::123456789012:distribution/{tagged}"
    assert [d["Id"] for d in m.get_resources([arn])] == [tagged]


def test_distribution_config_and_disable(ctx, cf):
    on = cf("on")
    off = cf("off")
    assert run(ctx, [{"type": "distribution-config", "key": "Enabled", "value": True}]) \
        == sorted([on, off])
    assert run(ctx, [{"Id": off}], ["disable"]) == [off]
    config = cf.client.get_distribution_config(Id=off)["DistributionConfig"]
    assert config["Enabled"] is False and config["Comment"] == "off"
    assert run(ctx, [{"type": "distribution-config", "key": "Enabled", "value": False}]) == [off]


def test_set_protocols(ctx, cf):
    custom = cf("custom", custom=True)
    run(ctx, [{"Id": custom}], [{"type": "set-protocols", "ViewerProtocolPolicy": "https-only",
                                 "OriginProtocolPolicy": "https-only",
                                 "OriginSslProtocols": ["TLSv1.2"]}])
    config = cf.client.get_distribution_config(Id=custom)["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"
    origin = config["Origins"]["Items"][0]["CustomOriginConfig"]
    assert origin["OriginProtocolPolicy"] == "https-only"
    assert origin["OriginSslProtocols"] == {"Quantity": 1, "Items": ["TLSv1.2"]}


def test_mismatch_s3_origin(ctx, aws):
    # moto's ListDistributions leaves S3OriginConfig out of its origins: listing items as AWS
    # returns them, the buckets from moto
    from cloudmaid.aws.cloudfront.filters import MismatchS3Origin
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="assets")

    def dist(i, domain, kind="S3OriginConfig"):
        config = {"OriginAccessIdentity": ""} if kind == "S3OriginConfig" else {
            "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}
        return {"Id": i, "Origins": {"Quantity": 1, "Items": [
            {"Id": "o", "DomainName": domain, "OriginPath": "", kind: config}]}}
    items = [dist("ours", "assets.s3.amazonaws.com"),
             dist("theirs", "gone-bucket.s3.eu-west-1.amazonaws.com"),
             dist("site", "gone-site.s3-website-us-east-1.amazonaws.com", "CustomOriginConfig")]
    m = ResourceManager.for_type(ctx, "distribution")
    found = MismatchS3Origin({"type": "mismatch-s3-origin"}, m).process(items)
    assert [d["Id"] for d in found] == ["theirs"]
    assert found[0]["c7n:mismatched-s3-origin"] == ["gone-bucket"]
    found = MismatchS3Origin({"type": "mismatch-s3-origin", "check_custom_origins": True},
                             m).process(items)
    assert [d["Id"] for d in found] == ["theirs", "site"]


def test_origin_bucket_forms():
    from cloudmaid.aws.cloudfront.filters import origin_bucket
    s3 = {"S3OriginConfig": {}}
    assert origin_bucket({**s3, "DomainName": "b.s3.amazonaws.com"}, False) == "b"
    assert origin_bucket({**s3, "DomainName": "my.b.s3.us-west-2.amazonaws.com"}, False) == "my.b"
    web = {"CustomOriginConfig": {}, "DomainName": "b.s3-website-us-east-1.amazonaws.com"}
    assert origin_bucket(web, False) is None and origin_bucket(web, True) == "b"
    path = {"CustomOriginConfig": {}, "DomainName": "s3.amazonaws.com", "OriginPath": "/b/x"}
    assert origin_bucket(path, True) == "b"
    assert origin_bucket({"CustomOriginConfig": {}, "DomainName": "example.com"}, True) is None
