"""What the ec2 instance actions need to have something to change on the seeded instances:
options, the ssm filter send-command requires, and an instance profile to set."""
from . import SEEDERS, action_filters, action_options
from .ec2 import instances as _seed_instances

PROFILE = "maid-instance-profile"


def _profile(world):
    iam = world.client("iam")
    iam.create_role(RoleName=PROFILE, AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName=PROFILE)
    iam.add_role_to_instance_profile(InstanceProfileName=PROFILE, RoleName=PROFILE)
    return PROFILE


def instances(world, label):
    """The ec2 seed, with the instance profile set-instance-profile gives its instances."""
    world.shared("instance-profile", _profile)
    return _seed_instances(world, label)


SEEDERS["ec2"] = instances

action_options("ec2", {
    "resize": {"type-map": {"t3.micro": "t3.small"}, "restart": True},
    "set-instance-profile": {"name": PROFILE},
    "send-command": {"command": {"DocumentName": "AWS-RunShellScript",
                                 "Parameters": {"commands": ["true"]}}},
})
# send-command needs an ssm filter in its policy; moto has no DescribeInstanceInformation, so
# it sits in an `or` after a filter that already keeps every instance (it then sees none)
action_filters("ec2", {"send-command": [{"or": [
    {"type": "value", "key": "InstanceId", "value": "present"},
    {"type": "ssm", "key": "PingStatus", "value": "Online"}]}]})
