"""Auto Scaling seeders: groups (from a launch configuration), launch configurations, launch
template versions."""
from . import ZONE, action_options, seeder


def compute_network(world):
    """``(vpc, [two subnets], security group)`` in a VPC of their own (the shared VPC's
    addresses are the subnet seeder's), for groups, functions and clusters."""
    def make(w):
        vpc = w.ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        subnets = [w.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{i}.0/24",
                                       AvailabilityZone=zone)["Subnet"]["SubnetId"]
                   for i, zone in enumerate((ZONE, "us-east-1b"))]
        group = w.ec2.create_security_group(GroupName="compute", Description="compute",
                                            VpcId=vpc)["GroupId"]
        return vpc, subnets, group
    return world.shared("compute-network", make)


def group_subnet(world):
    return compute_network(world)[1][0]


def launch_config(world, name, **extra):
    world.client("autoscaling").create_launch_configuration(
        LaunchConfigurationName=name, ImageId=world.base_image, InstanceType="t3.micro", **extra)
    return name


@seeder("asg", "cloudtrail-create-auto-scaling-group.json")
def group(world, label):
    """One instance; tags propagate at launch (Name is the group's, so that propagate-tags
    writes name it); AZRebalance suspended, so that resume has something to resume."""
    client = world.client("autoscaling")
    config = launch_config(world, f"{label}-lc")
    tags = [{"Key": k, "Value": v, "PropagateAtLaunch": True}
            for k, v in dict(world.tags(label), Name=label).items()]
    client.create_auto_scaling_group(
        AutoScalingGroupName=label, LaunchConfigurationName=config, MinSize=1, MaxSize=2,
        DesiredCapacity=1, VPCZoneIdentifier=group_subnet(world), Tags=tags)
    client.suspend_processes(AutoScalingGroupName=label, ScalingProcesses=["AZRebalance"])
    return [label]


@seeder("launch-config", "cloudtrail-create-launch-configuration.json")
def config(world, label):
    return [launch_config(world, label)]


@seeder("launch-template-version", "cloudtrail-create-launch-template.json")
def template(world, label):
    answer = world.ec2.create_launch_template(
        LaunchTemplateName=label, LaunchTemplateData={"ImageId": world.base_image,
                                                      "InstanceType": "t3.micro"})
    return [answer["LaunchTemplate"]["LaunchTemplateId"]]


action_options("asg", {
    "resize": {"desired-size": 0, "min-size": 0},
    "update": {"default-cooldown": 60},
    "resume": {"delay": 0},
    "tag-trim": {"space": 0, "preserve": ["maid-test"]},
})
