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


def _share_botocore_data():
    """botocore caches the JSON it reads (service models, endpoints) per session, and nearly
    every test (each ``maid run``, each fixture client under moto) makes new sessions: EC2's
    model alone takes ~0.3 s to parse. The files never change during a run and botocore
    does not modify what it loads, so one parse per worker serves every session."""
    import botocore.loaders
    loader = botocore.loaders.Loader
    for name in ("list_available_services", "determine_latest_version", "list_api_versions",
                 "load_service_model", "load_data_with_path"):
        original = getattr(loader, name)
        cache = {}

        def shared(self, *args, _original=original, _cache=cache, **kwargs):
            key = (tuple(self.search_paths), type(self.file_loader), args,
                   tuple(sorted(kwargs.items())))
            if key not in _cache:
                _cache[key] = _original(self, *args, **kwargs)
            return _cache[key]
        shared.__wrapped__ = original
        setattr(loader, name, shared)


_share_botocore_data()


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


@pytest.fixture(scope="session")
def moto_server():
    """One moto server on 127.0.0.1 per test worker (its URL); tests reset it
    (POST URL/moto-api/reset) before use."""
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


#: a module of more tests than this is split across workers even when its tests share a
#: module-scoped fixture: its tests outweigh building the fixture once per worker
SPLIT = 300


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """With ``-n 2 --dist loadgroup`` (``make test``), a module whose tests share a
    module-scoped fixture (a seeded moto, a sandbox, a subprocess run) runs on one worker,
    so that the fixture is built once rather than once per worker. Tests that name their
    own ``xdist_group`` (a resource type's safety cases) keep it; xdist runs the largest
    groups first, so that none is left running alone at the end."""
    modules = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    for module, tests in modules.items():
        if len(tests) > SPLIT:
            continue
        for item in tests:
            if item.get_closest_marker("xdist_group") or not shares_module_fixture(item):
                continue
            item.add_marker(pytest.mark.xdist_group(module))


def shares_module_fixture(item):
    info = getattr(item, "_fixtureinfo", None)
    return bool(info) and any(defs and defs[-1].scope == "module"
                              for defs in info.name2fixturedefs.values())
