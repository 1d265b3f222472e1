"""ELBv2 seeders: an application load balancer with an HTTP listener forwarding to a target
group, and a target group, each tagged with the seed's label."""
from . import action_filters, action_options, named, seeder


def network(world):
    """A VPC of its own with two subnets in two zones (an application load balancer needs
    both), shared by the seeds: ``(vpc, [subnet, subnet])``."""
    def make(w):
        vpc = w.ec2.create_vpc(CidrBlock="10.210.0.0/16")["Vpc"]["VpcId"]
        return vpc, [w.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.210.{i}.0/24",
                                         AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
                     for i, zone in enumerate("ab")]
    return world.shared("elbv2-network", make)


def target_group(world, name, tags=None):
    params = {"Name": name, "Protocol": "HTTP", "Port": 80, "VpcId": network(world)[0]}
    if tags:
        params["Tags"] = tags
    return world.client("elbv2").create_target_group(**params)["TargetGroups"][0]["TargetGroupArn"]


@seeder("app-elb", "cloudtrail-create-load-balancer-elbv2.json",
        ids="responseElements.loadBalancers[].loadBalancerArn")
def application(world, label):
    elbv2 = world.client("elbv2")
    arn = elbv2.create_load_balancer(Name=label, Subnets=network(world)[1], Tags=world.tag_list(
        label))["LoadBalancers"][0]["LoadBalancerArn"]
    listener = elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "forward", "TargetGroupArn": target_group(world, f"{label}-tg")}])
    named(label, listener["Listeners"][0]["ListenerArn"])   # modify-listener names it
    return [arn]


@seeder("app-elb-target-group", "cloudtrail-create-target-group.json")
def group(world, label):
    return [target_group(world, label, world.tag_list(label))]


action_options("app-elb", {
    "modify-listener": {"port": 8080},
    "set-s3-logging": {"state": "enabled", "bucket": "logs", "prefix": "{LoadBalancerName}"},
    "modify-attributes": {"attributes": {"idle_timeout.timeout_seconds": 120}},
})
action_filters("app-elb", {name: [{"type": "listener", "key": "Port", "value": 80}]
                           for name in ("modify-listener", "delete-listener")})
action_options("app-elb-target-group", {
    "modify-attributes": {"attributes": {"deregistration_delay.timeout_seconds": 30}},
})
