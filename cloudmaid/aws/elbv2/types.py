"""Elastic Load Balancing v2's resource types, as data (see cloudmaid/resources/declaration.py
for the fields): ``app-elb`` holds application, network and gateway load balancers alike, as
Custodian's does (``Type`` tells them apart); ``app-elb-target-group``.

Tags (20 ARNs per DescribeTags call, manager.py), attributes and target health are details
read only for the policies that need them; attributes are a mapping with Custodian's
parsed values (``true`` -> True, digits -> int).
"""
from ...resources.declaration import DETAIL, Detail, ResourceType, Shortcut

SOURCE = "elasticloadbalancing.amazonaws.com"

TYPES = (
    ResourceType(
        # CreateLoadBalancer is classic ELB's shortcut (same source and name): policies give
        # {source, event, ids: responseElements.loadBalancers[].loadBalancerArn}
        name="app-elb", service="elbv2", enum_op="describe_load_balancers",
        enum_path="LoadBalancers[]", id="LoadBalancerArn", ids_param="LoadBalancerArns",
        batch_size=20, name_key="LoadBalancerName", date="CreatedTime",
        arn_key="LoadBalancerArn", tags=DETAIL, tagger="elbv2",
        details=(
            Detail("Attributes", "describe_load_balancer_attributes", "LoadBalancerArn",
                   "Attributes"),
        ),
        config_type="AWS::ElasticLoadBalancingV2::LoadBalancer", trail_source=SOURCE,
        related={"security-group": "SecurityGroups[]",
                 "subnet": "AvailabilityZones[].SubnetId", "vpc": "VpcId"},
    ),
    ResourceType(
        name="app-elb-target-group", service="elbv2", enum_op="describe_target_groups",
        enum_path="TargetGroups[]", id="TargetGroupArn", ids_param="TargetGroupArns",
        batch_size=20, name_key="TargetGroupName", arn_key="TargetGroupArn", tags=DETAIL,
        tagger="elbv2",
        details=(
            Detail("TargetHealthDescriptions", "describe_target_health", "TargetGroupArn",
                   "TargetHealthDescriptions", default=[]),
            Detail("c7n:TargetGroupAttributes", "describe_target_group_attributes",
                   "TargetGroupArn", "Attributes"),
        ),
        config_type="AWS::ElasticLoadBalancingV2::TargetGroup", trail_source=SOURCE,
        trail={"CreateTargetGroup": Shortcut("responseElements.targetGroups[].targetGroupArn")},
    ),
)
