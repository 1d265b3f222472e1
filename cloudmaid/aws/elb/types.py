"""Classic Elastic Load Balancing's resource type, as data (see
cloudmaid/resources/declaration.py for the fields).

The listing lacks tags and attributes: both are details read only for the policies that need
them (manager.py: tags 20 load balancers per DescribeTags call).
"""
from ...resources.declaration import DETAIL, Detail, ResourceType, Shortcut

SOURCE = "elasticloadbalancing.amazonaws.com"
_NAME = Shortcut("requestParameters.loadBalancerName")

TYPES = (
    ResourceType(
        name="elb", service="elb", enum_op="describe_load_balancers",
        enum_path="LoadBalancerDescriptions[]", id="LoadBalancerName",
        ids_param="LoadBalancerNames", batch_size=20, name_key="DNSName", date="CreatedTime",
        arn="arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{id}",
        tags=DETAIL, tagger="elb", dimension="LoadBalancerName",
        config_type="AWS::ElasticLoadBalancing::LoadBalancer",
        details=(
            Detail("Attributes", "describe_load_balancer_attributes", "LoadBalancerName",
                   "LoadBalancerAttributes"),
        ),
        # Custodian's shortcuts; ELBv2's CreateLoadBalancer has the same source and name
        # (its ids are elsewhere): app-elb policies spell it out as {source, event, ids}
        trail={"CreateLoadBalancer": _NAME, "CreateLoadBalancerPolicy": _NAME,
               "SetLoadBalancerPoliciesOfListener": _NAME},
        trail_source=SOURCE,
        report=("LoadBalancerName", "DNSName", "VPCId", "length(Instances)",
                "ListenerDescriptions[].Listener.LoadBalancerPort"),
        related={"security-group": "SecurityGroups[]", "subnet": "Subnets[]", "vpc": "VPCId"},
    ),
)
