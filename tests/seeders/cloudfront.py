"""CloudFront seeders: a distribution with an S3 origin, tagged with the seed's label."""
from . import seeder


def distribution_config(reference, origin="assets.s3.amazonaws.com"):
    return {
        "CallerReference": reference, "Comment": reference, "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "origin", "DomainName": origin, "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "origin", "ViewerProtocolPolicy": "allow-all",
                                 "MinTTL": 0, "ForwardedValues": {
                                     "QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}},
    }


@seeder("distribution", "cloudtrail-create-distribution.json")
def distribution(world, label):
    out = world.client("cloudfront").create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": distribution_config(label),
        "Tags": {"Items": world.tag_list(label)}})
    return [out["Distribution"]["Id"]]
