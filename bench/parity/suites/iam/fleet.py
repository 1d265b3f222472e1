"""The iam suite's fleet: users, roles, policies, groups, instance profiles and a server
certificate, some compliant and others not, named after what they are."""
import json

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"
READ = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def trust(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


def seed(endpoint):
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)
    iam = session.client("iam", endpoint_url=endpoint, region_name=REGION)
    read = iam.create_policy(PolicyName="read-only", PolicyDocument=READ)["Policy"]["Arn"]
    iam.create_policy(PolicyName="allow-all", PolicyDocument=ADMIN)
    iam.create_policy(PolicyName="unattached", PolicyDocument=READ,
                      Tags=[{"Key": "owner", "Value": "nobody"}])

    # users: keys, MFA, console password, groups, inline policies
    for name in ("key-user", "two-key-user", "mfa-user", "console-user", "plain-user"):
        iam.create_user(UserName=name, Tags=[{"Key": "team", "Value": name}])
    iam.create_access_key(UserName="key-user")
    iam.create_access_key(UserName="two-key-user")
    second = iam.create_access_key(UserName="two-key-user")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="two-key-user", AccessKeyId=second, Status="Inactive")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="mfa-user")[
        "VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="mfa-user", SerialNumber=serial,
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_login_profile(UserName="console-user", Password="Parity-Passw0rd!")
    iam.put_user_policy(UserName="console-user", PolicyName="inline", PolicyDocument=READ)
    iam.attach_user_policy(UserName="key-user", PolicyArn=read)

    iam.create_group(GroupName="admins")
    iam.create_group(GroupName="empty-group")
    iam.add_user_to_group(GroupName="admins", UserName="mfa-user")
    iam.put_group_policy(GroupName="admins", PolicyName="inline", PolicyDocument=READ)
    iam.attach_group_policy(GroupName="admins", PolicyArn=read)

    # roles: trust inside the account, outside it, a service; policies attached and inline
    iam.create_role(RoleName="service-role", AssumeRolePolicyDocument=trust(
        {"Service": "ec2.amazonaws.com"}), Tags=[{"Key": "env", "Value": "prod"}])
    iam.attach_role_policy(RoleName="service-role", PolicyArn=read)
    iam.create_role(RoleName="partner-role", AssumeRolePolicyDocument=trust(
        {"AWS": "arn:aws:iam::999988887777:root"}))
    iam.put_role_policy(RoleName="partner-role", PolicyName="inline", PolicyDocument=READ)
    iam.create_role(RoleName="local-role", AssumeRolePolicyDocument=trust(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), Tags=[{"Key": "env", "Value": "dev"}])

    iam.create_instance_profile(InstanceProfileName="service-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="service-profile",
                                     RoleName="service-role")
    iam.create_instance_profile(InstanceProfileName="empty-profile")
    iam.upload_server_certificate(ServerCertificateName="expired-cert",
                                  CertificateBody="body", PrivateKey="key")
    # a current credential report: dry runs read it (generating one is a write)
    iam.generate_credential_report()
    return {"users": 5, "groups": 2, "roles": 3, "policies": 3, "profiles": 2,
            "certificates": 1}
