"""CloudFront's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

A global type: one listing for all regions (CloudFront's API and its CloudTrail events are in
us-east-1). Tags are a detail, one ListTagsForResource per distribution by ARN (manager.py).
"""
from ...resources.declaration import DETAIL, GLOBAL, Detail, ResourceType, Shortcut

TYPES = (
    ResourceType(
        # get-by-ids reads the listing (GetDistribution answers in another shape), as Custodian
        name="distribution", service="cloudfront", enum_op="list_distributions",
        enum_path="DistributionList.Items[]", id="Id", name_key="DomainName",
        date="LastModifiedTime", arn_key="ARN", scope=GLOBAL, tags=DETAIL, tagger="cloudfront",
        details=(
            Detail("Tags", "list_tags_for_resource", "Resource", "Tags", default=[], arn=True),
        ),
        config_type="AWS::CloudFront::Distribution",
        trail={"CreateDistribution": Shortcut("responseElements.distribution.id")},
    ),
)
