import os

import pytest

# Tests never reach a real AWS endpoint: fake credentials, a fixed region, no endpoint overrides.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
})
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)
# moto's EC2 otherwise loads ~300 public AMIs and their snapshots into every account and
# region it touches, for every test: seconds each, and no test reads them (the sandbox does
# the same)
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


@pytest.fixture
def aws():
    """moto in-process for the duration of a test."""
    from moto import mock_aws
    with mock_aws():
        yield


@pytest.fixture
def ctx(aws, tmp_path):
    """A run context against moto, writing output under tmp_path."""
    from cloudmaid.context import Context
    from cloudmaid.session import SessionFactory
    return Context(SessionFactory(region="us-east-1"), output_dir=str(tmp_path / "out"))


@pytest.fixture
def ec2(aws):
    import boto3
    return boto3.client("ec2", region_name="us-east-1")


def make_ami(ec2):
    return ec2.register_image(Name="base", RootDeviceName="/dev/sda1",
                              BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                                                    "Ebs": {"VolumeSize": 8}}])["ImageId"]


def run_instances(ec2, count=1, tags=None, **kw):
    params = dict(ImageId=kw.pop("ImageId", None) or make_ami(ec2), MinCount=count,
                  MaxCount=count, InstanceType="t3.micro", **kw)
    if tags:
        params["TagSpecifications"] = [{"ResourceType": "instance", "Tags": [
            {"Key": k, "Value": v} for k, v in tags.items()]}]
    return [i["InstanceId"] for i in ec2.run_instances(**params)["Instances"]]
