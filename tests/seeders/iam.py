"""IAM seeders: roles, users, customer-managed policies, groups, instance profiles and server
certificates, named after their label (IAM names are unique per account)."""
import json

from . import action_options, named, seeder

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def managed_policy(world):
    """A customer-managed policy to attach and to use as a boundary (untagged: outside every
    label's filter)."""
    return world.shared("iam-policy", lambda w: w.client("iam").create_policy(
        PolicyName="maid-seed-policy", PolicyDocument=DOCUMENT)["Policy"]["Arn"])


@seeder("iam-role", "cloudtrail-create-role.json")
def role(world, label):
    iam = world.client("iam")
    iam.create_role(RoleName=label, AssumeRolePolicyDocument=TRUST, Tags=world.tag_list(label))
    iam.attach_role_policy(RoleName=label, PolicyArn=managed_policy(world))
    return [label]


@seeder("iam-user", "cloudtrail-create-user.json")
def user(world, label):
    """A user with an access key, an SSH key and a group: the user actions have something to
    remove."""
    iam = world.client("iam")
    iam.create_user(UserName=label, Tags=world.tag_list(label))
    iam.create_access_key(UserName=label)
    iam.upload_ssh_public_key(UserName=label, SSHPublicKeyBody=SSH_KEY)
    iam.attach_user_policy(UserName=label, PolicyArn=managed_policy(world))
    world.shared("iam-group", lambda w: w.client("iam").create_group(GroupName="maid-seed-group"))
    iam.add_user_to_group(UserName=label, GroupName="maid-seed-group")
    return [label]


@seeder("iam-policy", "cloudtrail-create-policy.json")
def policy(world, label):
    """Its id is the PolicyId; IAM's calls name the policy by ARN."""
    found = world.client("iam").create_policy(PolicyName=label, PolicyDocument=DOCUMENT,
                                              Tags=world.tag_list(label))["Policy"]
    named(label, found["Arn"])
    return [found["PolicyId"]]


@seeder("iam-group", "cloudtrail-create-group.json")
def group(world, label):
    """A group with an inline policy (groups carry no tags: selected by name)."""
    iam = world.client("iam")
    iam.create_group(GroupName=label)
    iam.put_group_policy(GroupName=label, PolicyName="inline", PolicyDocument=DOCUMENT)
    return [label]


@seeder("iam-profile", "cloudtrail-create-instance-profile.json")
def instance_profile(world, label):
    """A profile holding a role of its own (set-policy acts on the profile's role)."""
    iam = world.client("iam")
    iam.create_instance_profile(InstanceProfileName=label, Tags=world.tag_list(label))
    iam.create_role(RoleName=f"{label}-role", AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName=label, RoleName=f"{label}-role")
    named(label, f"{label}-role")
    return [label]


@seeder("iam-certificate", "cloudtrail-upload-server-certificate.json")
def server_certificate(world, label):
    world.client("iam").upload_server_certificate(
        ServerCertificateName=label, CertificateBody=CERTIFICATE, PrivateKey="key")
    return [label]


SSH_KEY = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDnbW1haWQtdGVzdC1zc2gta2V5LWZvci1tb3Rv "
           "maid@test")
CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIBmaidtest\n-----END CERTIFICATE-----\n"

#: options giving each action something to change on the seeds
action_options("iam-role", {
    "set-policy": {"state": "detached", "arn": "*"},
    "set-boundary": {"state": "present", "policy": "maid-seed-policy"},
})
action_options("iam-user", {
    "set-policy": {"state": "detached", "arn": "*"},
    "set-groups": {"state": "remove", "group": "maid-seed-group"},
    "set-boundary": {"state": "present", "policy": "maid-seed-policy"},
})
action_options("iam-group", {
    "set-policy": {"state": "attached", "arn": "maid-seed-policy"},
})
action_options("iam-profile", {
    "set-role": {"role": ""},
    "set-policy": {"state": "attached", "arn": "maid-seed-policy"},
})
