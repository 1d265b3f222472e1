"""A realistic, deterministic AWS fleet seeded into a moto server, for parity and API benchmarks.

Every resource gets a ``Name`` tag (or, for buckets, a fixed bucket name): moto's ids are random,
so runs are compared by name. Everything else (types, tags, states, sizes, rules) comes from
fixed tables and ``random.Random(SEED)``, so two seedings give the same fleet.

moto cannot back-date launch/creation times, so every resource is "new": age filters are still
exercised, but only with thresholds that split the fleet by state rather than by date.

Use:  with MotoServer() as srv: seed(srv.session())   (or ``python3 bench/fleet.py`` to try it)
"""
import base64
import collections
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import parse_qs, urlparse

import boto3

SEED = 20261127
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
N_INSTANCES = 60
N_VOLUMES = 40
N_BUCKETS = 10

# -- a moto server in a child process (isolated from any in-process mock_aws) -------------------


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """``python -m moto.server`` on 127.0.0.1; ``record=True`` enables moto's request recorder."""

    def __init__(self, record=False, python=sys.executable):
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.record = record
        self.python = python
        self.proc = None
        self.recording = None

    def start(self):
        for var in ("NO_PROXY", "no_proxy"):  # our own clients must not go through a proxy
            if "127.0.0.1" not in os.environ.get(var, ""):
                os.environ[var] = ",".join(filter(None, [os.environ.get(var), "127.0.0.1"]))
        env = dict(os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false", AWS_DEFAULT_REGION=REGION)
        env.pop("AWS_ENDPOINT_URL", None)
        if self.record:
            import tempfile
            self.recording = tempfile.mktemp(prefix="moto-rec-", suffix=".jsonl")
            env.update(MOTO_ENABLE_RECORDING="true", MOTO_RECORDER_FILEPATH=self.recording)
        self.proc = subprocess.Popen([self.python, "-m", "moto.server", "-H", "127.0.0.1",
                                      "-p", str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.api("GET", "data.json")
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("moto server exited at start")
                time.sleep(0.1)
        raise RuntimeError("moto server did not start")

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None
        if self.recording and os.path.exists(self.recording):
            os.unlink(self.recording)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def api(self, method, path, body=b""):
        req = urllib.request.Request(f"{self.endpoint}/moto-api/{path}", method=method,
                                     data=None if method == "GET" else body)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=10) as resp:
            return resp.read()

    def env(self):
        """Environment that points boto3 (maid, custodian) at this server."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}

    def session(self):
        return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                             region_name=REGION)

    def client(self, service):
        return self.session().client(service, endpoint_url=self.endpoint)

    # moto's request recorder: start after seeding, read after the run
    def start_recording(self):
        self.api("POST", "recorder/reset-recording")
        self.api("POST", "recorder/start-recording")

    def stop_recording(self):
        self.api("POST", "recorder/stop-recording")
        text = self.api("GET", "recorder/download-recording").decode()
        return [json.loads(line) for line in text.splitlines() if line.strip()]


# -- reading moto's request recording ------------------------------------------------------

_SERVICE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")


def operation(entry):
    """'service.Operation' of one recorded request (query/JSON protocols), or the S3 REST form."""
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    m = _SERVICE.search(headers.get("authorization", ""))
    service = m.group(1) if m else "?"
    target = headers.get("x-amz-target")
    if target:
        return f"{service}.{target.rsplit('.', 1)[-1]}"
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    action = parse_qs(body).get("Action") or parse_qs(urlparse(entry["url"]).query).get("Action")
    if action:
        return f"{service}.{action[0]}"
    url = urlparse(entry["url"])
    rest = _rest_operation(service, entry["method"], url.path)
    if rest:
        return f"{service}.{rest}"
    sub = url.query.split("=")[0].split("&")[0]
    path = "/" if url.path in ("", "/") else "/{bucket}"
    return f"{service}.{entry['method']} {path}{'?' + sub if sub else ''}"


_REST = {}


def _rest_operation(service, method, path):
    """The operation of a REST-JSON request (OpenSearch's POST .../domain-info is a read),
    from botocore's request URIs; None for S3 and services botocore does not know."""
    if service in ("?", "s3"):
        return None
    if service not in _REST:
        import botocore.session
        try:
            model = botocore.session.get_session().get_service_model(service)
        except Exception:
            model = None
        table = []
        if model is not None and model.protocol in ("rest-json", "rest-xml"):
            for name in model.operation_names:
                http = model.operation_model(name).http
                uri = http["requestUri"].split("?")[0]
                pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(uri))
                table.append((http["method"], re.compile(f"^{pattern}/?$"), name))
        _REST[service] = table
    return next((name for m, rx, name in _REST[service] if m == method and rx.match(path)),
                None)


def count(records):
    """Counter of operation() over moto recorder entries."""
    return collections.Counter(operation(e) for e in records)


# -- the fleet ----------------------------------------------------------------------------------

def _tags(d):
    return [{"Key": k, "Value": v} for k, v in d.items() if v is not None]


AMIS = [  # name, tags
    ("ami-base-linux", {"Team": "platform", "OS": "linux"}),
    ("ami-base-windows", {"Team": "platform", "OS": "windows"}),
    ("ami-legacy-app", {"OS": "linux"}),
    ("ami-unused-test", {}),
]

# name, vpc, description, ingress [(proto, from, to, cidrs, cidrs6)], egress (None = default all)
SECURITY_GROUPS = [
    ("sg-ssh-world", "app", "ssh from anywhere", [("tcp", 22, 22, ["0.0.0.0/0"], [])], None),
    ("sg-rdp-world", "app", "rdp from anywhere", [("tcp", 3389, 3389, ["0.0.0.0/0"], [])], None),
    ("sg-ssh-office", "app", "ssh from office", [("tcp", 22, 22, ["203.0.113.0/24"], [])], None),
    ("sg-web-public", "app", "http/https", [("tcp", 80, 80, ["0.0.0.0/0"], ["::/0"]),
                                             ("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"])], None),
    ("sg-https-only", "app", "https", [("tcp", 443, 443, ["0.0.0.0/0"], [])],
     [("tcp", 443, 443, ["0.0.0.0/0"], [])]),
    ("sg-db-internal", "app", "postgres internal", [("tcp", 5432, 5432, ["10.0.0.0/16"], [])],
     [("tcp", 5432, 5432, ["10.0.0.0/16"], [])]),
    ("sg-all-open", "app", "everything", [("-1", None, None, ["0.0.0.0/0"], ["::/0"])], None),
    ("sg-wide-range", "app", "high ports", [("tcp", 1024, 65535, ["0.0.0.0/0"], [])], None),
    ("sg-ssh-rdp-mixed", "app", "ssh office rdp world",
     [("tcp", 22, 22, ["10.1.0.0/16"], []), ("tcp", 3389, 3389, ["0.0.0.0/0"], [])], None),
    ("sg-udp-dns", "app", "dns", [("udp", 53, 53, ["10.0.0.0/8"], [])], None),
    ("sg-ipv6-ssh", "app", "ssh over v6", [("tcp", 22, 22, [], ["::/0"])], None),
    ("sg-empty", "app", "no rules", [], []),
    ("sg-legacy-default-vpc", "default", "old ssh", [("tcp", 22, 22, ["0.0.0.0/0"], [])], None),
    ("sg-monitoring", "default", "prometheus", [("tcp", 9090, 9100, ["10.0.0.0/8", "172.16.0.0/12"], [])], None),
]

SUBNETS = [("subnet-public-a", "10.0.1.0/24", "us-east-1a"),
           ("subnet-private-a", "10.0.2.0/24", "us-east-1a"),
           ("subnet-private-b", "10.0.3.0/24", "us-east-1b")]

ROLES = [  # role, instance types, ami index, security groups pool
    ("web", ["t3.micro", "t3.small", "t2.micro"], 0, ["sg-web-public", "sg-ssh-world", "sg-https-only"]),
    ("api", ["m5.large", "t3.medium"], 0, ["sg-https-only", "sg-ssh-office", "sg-wide-range"]),
    ("db", ["r5.2xlarge", "r5.large"], 2, ["sg-db-internal", "sg-ssh-office"]),
    ("batch", ["c5.xlarge", "c5.large", "m5.large"], 2, ["sg-all-open", "sg-udp-dns"]),
    ("win", ["m5.large", "t3.large"], 1, ["sg-rdp-world", "sg-ssh-rdp-mixed"]),
    ("bastion", ["t2.micro", "t3.nano"], 0, ["sg-ssh-world", "sg-ipv6-ssh"]),
]
ENVS = ["prod", "dev", "staging", None, "Prod", "PROD ", "prod", "dev"]
VERSIONS = ["1.9.2", "1.10.0", "2.0.1", "2.10.3", "0.9.0", None]
PAST, FUTURE = "2020/01/01", "2099/12/31"


def instance_specs(rng):
    """The 60 instances as plain dicts (name, type, tags, ...), deterministic."""
    specs = []
    for i in range(N_INSTANCES):
        role, types, ami, sgs = ROLES[i % len(ROLES)]
        name = f"{role}-{i:02d}"
        tags = {"Name": name, "Role": role, "Env": ENVS[i % len(ENVS)]}
        if i % 3:
            tags["Owner"] = rng.choice(["alice@example.com", "bob@example.com", "ops@corp.example"])
        if i % 4 == 0:
            tags["CostCenter"] = str(100 + 37 * i)
        if i % 5 != 4:
            tags["AppVersion"] = VERSIONS[i % len(VERSIONS)]
        if i % 7 == 3:
            tags["maid_status"] = f"Resource does not meet policy: stop@{PAST if i % 2 else FUTURE}"
        if i % 11 == 5:
            tags["Expiry"] = "2021-06-30" if i % 2 else "2099-01-01"
        n_sgs = 1 + (i % 3 == 0) + (i % 10 == 0)
        specs.append({
            "name": name, "role": role, "type": types[i % len(types)], "ami": ami,
            "tags": tags, "sgs": sorted(set(sgs[(i + k) % len(sgs)] for k in range(n_sgs))),
            "subnet": i % (len(SUBNETS) + 1),  # == len(SUBNETS): default VPC
            "root_size": [8, 20, 50, 100][i % 4], "root_encrypted": i % 3 == 1,
            "data_volume": i % 6 == 2, "monitoring": i % 4 == 1,
            "final": "stopped" if i % 6 == 5 else "terminated" if i % 15 == 7 else "running",
        })
    return specs


def volume_specs(rng):
    specs = []
    types = ["gp2", "gp3", "io1", "st1", "sc1", "standard"]
    for i in range(N_VOLUMES):
        vtype = types[i % len(types)]
        size = {"gp2": [10, 50, 200], "gp3": [20, 100, 500], "io1": [100, 400], "st1": [500, 1000],
                "sc1": [500, 2000], "standard": [5, 30]}[vtype][i % 2]
        tags = {"Name": f"vol-data-{i:02d}", "Env": ENVS[(i + 1) % len(ENVS)]}
        if i % 4 == 0:
            tags["Backup"] = "daily" if i % 8 else "weekly"
        if i % 9 == 4:
            tags["maid_status"] = f"Unattached volume: delete@{PAST}"
        specs.append({"name": tags["Name"], "type": vtype, "size": size, "tags": tags,
                      "encrypted": i % 3 == 0, "iops": 3000 if vtype == "io1" else None,
                      "az": "us-east-1a" if i % 5 else "us-east-1b",
                      "attach_to": (i * 7) % N_INSTANCES if i % 4 == 1 else None})
    return specs


BUCKETS = [  # name, tags, encryption, acl, public access block, policy principal
    ("maid-logs-prod", {"Env": "prod", "DataClass": "internal"}, "AES256", "log-delivery-write",
     (True, True, True, True), None),
    ("maid-public-site", {"Env": "prod", "DataClass": "public"}, None, "public-read",
     None, "*"),
    ("maid-data-lake", {"Env": "prod", "DataClass": "confidential", "Owner": "data@example.com"},
     "aws:kms", "private", (True, True, True, True), None),
    ("maid-dev-scratch", {"Env": "dev"}, None, "private", (True, False, True, False), None),
    ("maid-shared-auth", {"Env": "staging", "DataClass": "internal"}, "AES256", "authenticated-read",
     None, None),
    ("maid-backups", {"Env": "prod", "DataClass": "confidential", "Backup": "true"}, "aws:kms",
     "private", (True, True, True, True), "arn:aws:iam::123456789012:root"),
    ("maid-untagged-bucket", {}, None, "private", None, None),
    ("maid-partner-drop", {"Env": "prod", "DataClass": "Confidential"}, "AES256", "public-read-write",
     (False, False, False, False), "*"),
    ("maid-analytics", {"Env": "dev", "DataClass": "internal", "CostCenter": "4242"}, "aws:kms",
     "private", (False, True, False, True), None),
    ("maid-archive-2019", {"Env": "prod", "Retention": "7y"}, "AES256", "private",
     (True, True, False, False), None),
]


def seed(endpoint, session=None):
    """Create the fleet on the moto server at ``endpoint``. Returns a summary dict of counts."""
    session = session or boto3.Session(aws_access_key_id="testing",
                                       aws_secret_access_key="testing", region_name=REGION)
    ec2 = session.client("ec2", endpoint_url=endpoint, region_name=REGION)
    s3 = session.client("s3", endpoint_url=endpoint, region_name=REGION)
    rng = random.Random(SEED)

    def name(resource_id, value, **extra):
        ec2.create_tags(Resources=[resource_id], Tags=_tags({"Name": value, **extra}))

    # networks: the default VPC moto creates, plus an app VPC with three subnets
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    app_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    name(default_vpc, "vpc-default")
    name(app_vpc, "vpc-app", Env="prod")
    vpcs = {"default": default_vpc, "app": app_vpc}
    subnets = []
    for sname, cidr, az in SUBNETS:
        sid = ec2.create_subnet(VpcId=app_vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        name(sid, sname, Tier="public" if "public" in sname else "private")
        subnets.append(sid)
    default_subnet = sorted(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc]}])["Subnets"],
                            key=lambda s: s["CidrBlock"])[0]["SubnetId"]
    name(default_subnet, "subnet-default-a", Tier="public")
    subnets.append(default_subnet)

    # security groups: the two default groups get names too
    groups = {}
    for g in ec2.describe_security_groups()["SecurityGroups"]:
        vpc_name = "default" if g["VpcId"] == default_vpc else "app"
        name(g["GroupId"], f"sg-default-{vpc_name}-vpc")
        groups[f"sg-default-{vpc_name}-vpc"] = g["GroupId"]
    for gname, vpc, desc, ingress, egress in SECURITY_GROUPS:
        gid = ec2.create_security_group(GroupName=gname, Description=desc, VpcId=vpcs[vpc],
                                        TagSpecifications=[{"ResourceType": "security-group",
                                                            "Tags": _tags({"Name": gname})}])["GroupId"]
        groups[gname] = gid
        if ingress:
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=_perms(ingress))
        if egress is not None:
            ec2.revoke_security_group_egress(GroupId=gid, IpPermissions=[
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
            if egress:
                ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=_perms(egress))

    # own AMIs (their root snapshots are named after them)
    amis = []
    for aname, atags in AMIS:
        aid = ec2.register_image(Name=aname, Description=f"{aname} image", RootDeviceName="/dev/sda1",
                                 BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}])["ImageId"]
        name(aid, aname, **atags)
        amis.append(aid)

    # instances, one call each so every one has its own tags and placement
    by_name = {}
    specs = instance_specs(rng)
    for spec in specs:
        sub = subnets[spec["subnet"]]
        sg_vpc = "default" if sub == default_subnet else "app"
        sgs = [groups[g] for g in spec["sgs"] if _group_vpc(g) == sg_vpc] or \
            [groups[f"sg-default-{sg_vpc}-vpc"]]
        bdm = [{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": spec["root_size"],
                                                    "Encrypted": spec["root_encrypted"]}}]
        if spec["data_volume"]:
            bdm.append({"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 100, "Encrypted": False,
                                                           "VolumeType": "gp3"}})
        inst = ec2.run_instances(
            ImageId=amis[spec["ami"]], MinCount=1, MaxCount=1, InstanceType=spec["type"],
            SubnetId=sub, SecurityGroupIds=sgs, BlockDeviceMappings=bdm,
            KeyName="ops-key" if spec["role"] == "bastion" else "app-key",
            Monitoring={"Enabled": spec["monitoring"]},
            TagSpecifications=[{"ResourceType": "instance", "Tags": _tags(spec["tags"])},
                               {"ResourceType": "volume", "Tags": _tags({
                                   "Name": f"{spec['name']}-root", "Env": spec["tags"].get("Env")})}],
        )["Instances"][0]
        by_name[spec["name"]] = inst["InstanceId"]
        for m in inst["BlockDeviceMappings"]:
            if m["DeviceName"] != "/dev/sda1":  # the tag specification named it "-root" too
                name(m["Ebs"]["VolumeId"], f"{spec['name']}-data", Env=spec["tags"].get("Env"))
    stop = [by_name[s["name"]] for s in specs if s["final"] == "stopped"]
    term = [by_name[s["name"]] for s in specs if s["final"] == "terminated"]
    ec2.stop_instances(InstanceIds=stop)
    ec2.terminate_instances(InstanceIds=term)

    # standalone volumes: some attached later, most not
    volumes = {}
    for spec in volume_specs(rng):
        params = dict(AvailabilityZone=spec["az"], Size=spec["size"], VolumeType=spec["type"],
                      Encrypted=spec["encrypted"],
                      TagSpecifications=[{"ResourceType": "volume", "Tags": _tags(spec["tags"])}])
        if spec["iops"]:
            params["Iops"] = spec["iops"]
        vid = ec2.create_volume(**params)["VolumeId"]
        volumes[spec["name"]] = vid
        target = specs[spec["attach_to"]] if spec["attach_to"] is not None else None
        if target and target["final"] != "terminated":
            ec2.attach_volume(VolumeId=vid, InstanceId=by_name[target["name"]], Device="/dev/sdh")

    # snapshots of some volumes (encryption follows the volume)
    snap_sources = sorted(volumes)[::4] + ["web-00-root", "db-02-root", "api-01-root"]
    all_vols = {t["Value"]: v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]
                for t in v.get("Tags", []) if t["Key"] == "Name"}
    for k, vname in enumerate(snap_sources):
        sid = ec2.create_snapshot(VolumeId=all_vols[vname], Description=f"snapshot of {vname}")["SnapshotId"]
        name(sid, f"snap-{vname}", **({"Retain": "true"} if k % 3 == 0 else {}))
    for snap in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]:
        if not any(t["Key"] == "Name" for t in snap.get("Tags", [])):
            ami_id = snap.get("Description", "").rsplit(" ", 1)[-1]
            aname = AMIS[amis.index(ami_id)][0] if ami_id in amis else "orphan"
            name(snap["SnapshotId"], f"snap-{aname}-root")
    # an AMI made from a running instance
    aid = ec2.create_image(InstanceId=by_name["web-00"], Name="ami-web-00-golden")["ImageId"]
    name(aid, "ami-web-00-golden", Team="web", Env="prod")
    for snap in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]:
        if not any(t["Key"] == "Name" for t in snap.get("Tags", [])):
            name(snap["SnapshotId"], "snap-ami-web-00-golden-root")

    # buckets
    for bname, btags, enc, acl, pab, principal in BUCKETS:
        s3.create_bucket(Bucket=bname, ACL=acl)
        if btags:
            s3.put_bucket_tagging(Bucket=bname, Tagging={"TagSet": _tags(btags)})
        if enc:
            rule = {"SSEAlgorithm": enc}
            if enc == "aws:kms":
                rule["KMSMasterKeyID"] = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:alias/{bname}"
            s3.put_bucket_encryption(Bucket=bname, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": rule}]})
        if pab is not None:
            keys = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
            s3.put_public_access_block(Bucket=bname, PublicAccessBlockConfiguration=dict(zip(keys, pab)))
        if principal:
            s3.put_bucket_policy(Bucket=bname, Policy=json.dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Sid": "Read", "Effect": "Allow", "Principal": {"AWS": principal} if principal != "*" else "*",
                    "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bname}/*"}]}))
        if bname == "maid-public-site":  # a website: global-grants exempts it unless allow_website: false
            s3.put_bucket_website(Bucket=bname, WebsiteConfiguration={
                "IndexDocument": {"Suffix": "index.html"}})
        if bname in ("maid-backups", "maid-archive-2019"):
            s3.put_bucket_versioning(Bucket=bname, VersioningConfiguration={"Status": "Enabled"})
    return {"instances": len(by_name), "volumes": len(ec2.describe_volumes()["Volumes"]),
            "snapshots": len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]),
            "amis": len(ec2.describe_images(Owners=["self"])["Images"]),
            "security_groups": len(ec2.describe_security_groups()["SecurityGroups"]),
            "buckets": len(s3.list_buckets()["Buckets"])}


def _group_vpc(gname):
    for g in SECURITY_GROUPS:
        if g[0] == gname:
            return g[1]
    return "app"


def _perms(rules):
    out = []
    for proto, lo, hi, cidrs, cidrs6 in rules:
        p = {"IpProtocol": proto, "IpRanges": [{"CidrIp": c} for c in cidrs],
             "Ipv6Ranges": [{"CidrIpv6": c} for c in cidrs6]}
        if lo is not None:
            p.update(FromPort=lo, ToPort=hi)
        out.append(p)
    return out


def name_of(resource):
    """The stable key of a described resource: its Name tag, else a bucket's name."""
    for t in resource.get("Tags") or []:
        if t.get("Key") == "Name":
            return t["Value"]
    return resource.get("Name") or resource.get("GroupName") or "?"


if __name__ == "__main__":
    with MotoServer() as srv:
        t = time.time()
        print(seed(srv.endpoint), f"{time.time() - t:.1f}s")
