"""Filter engine throughput: a 5-filter policy over 100,000 in-memory EC2 instances.

    python3 bench/filters.py [--count N] [--repeat K] [--closures]

The resources are shaped like boto3's describe_instances items (datetimes for LaunchTime, as
boto3 returns them). The filters are parsed once, as a policy does, and applied with
cloudmaid.filters.core.apply on one core; the best of K runs is reported in resources/s.
``--closures`` turns the generated code off (cloudmaid.filters.predicate.CODEGEN) to measure
the closures it optimises.
"""
import argparse
import datetime
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from dateutil.tz import tzutc  # noqa: E402  (botocore's timezone for parsed timestamps)

from cloudmaid.filters import core, predicate  # noqa: E402

FILTERS = [
    {"tag:Owner": "absent"},
    {"State.Name": "running"},
    {"type": "value", "key": "InstanceType", "op": "in",
     "value": ["t3.micro", "t3.small", "m5.large", "c5.xlarge"]},
    {"type": "value", "key": "LaunchTime", "value_type": "age", "op": "gt", "value": 30},
    {"or": [
        {"type": "value", "key": "tag:Environment", "op": "regex", "value": "^(dev|test)$"},
        {"type": "value", "key": "PublicIpAddress", "value": "present"},
    ]},
]

TYPES = ["t3.micro", "t3.small", "t3.medium", "m5.large", "c5.xlarge", "r5.2xlarge"]
STATES = [(16, "running")] * 6 + [(80, "stopped"), (48, "terminated"), (0, "pending")]


def instance(i, rnd, now):
    iid = f"i-{i:017x}"
    tags = [{"Key": "Name", "Value": f"web-{i}"},
            {"Key": "Environment", "Value": rnd.choice(["dev", "test", "prod", "staging"])}]
    if rnd.random() < 0.5:
        tags.append({"Key": "Owner", "Value": rnd.choice(["alice", "bob", "carol"])})
    if rnd.random() < 0.3:
        tags.append({"Key": "aws:autoscaling:groupName", "Value": f"asg-{i % 50}"})
    code, name = rnd.choice(STATES)
    subnet = f"subnet-{i % 64:08x}"
    private_ip = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
    r = {
        "AmiLaunchIndex": 0, "ImageId": f"ami-{i % 20:017x}", "InstanceId": iid,
        "InstanceType": rnd.choice(TYPES), "KeyName": "ops",
        "LaunchTime": now - datetime.timedelta(days=rnd.uniform(0, 120)),
        "Monitoring": {"State": "disabled"},
        "Placement": {"AvailabilityZone": "us-east-1a", "GroupName": "", "Tenancy": "default"},
        "PrivateDnsName": f"ip-{private_ip.replace('.', '-')}.ec2.internal",
        "PrivateIpAddress": private_ip, "ProductCodes": [], "PublicDnsName": "",
        "State": {"Code": code, "Name": name}, "StateTransitionReason": "",
        "SubnetId": subnet, "VpcId": "vpc-0123456789abcdef0", "Architecture": "x86_64",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
            "AttachTime": now, "DeleteOnTermination": True, "Status": "attached",
            "VolumeId": f"vol-{i:017x}"}}],
        "ClientToken": "", "EbsOptimized": False, "EnaSupport": True, "Hypervisor": "xen",
        "NetworkInterfaces": [{"NetworkInterfaceId": f"eni-{i:017x}", "SubnetId": subnet,
                               "PrivateIpAddress": private_ip, "Status": "in-use"}],
        "RootDeviceName": "/dev/xvda", "RootDeviceType": "ebs",
        "SecurityGroups": [{"GroupName": "default", "GroupId": "sg-0123456789abcdef0"}],
        "SourceDestCheck": True, "Tags": tags, "VirtualizationType": "hvm",
        "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2},
        "MetadataOptions": {"HttpTokens": rnd.choice(["optional", "required"])},
    }
    if rnd.random() < 0.4:
        r["PublicIpAddress"] = f"54.{i % 256}.{i // 256 % 256}.{rnd.randrange(256)}"
    return r


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--closures", action="store_true", help="without generated code")
    args = p.parse_args(argv)
    predicate.CODEGEN = not args.closures
    rnd = random.Random(42)
    now = datetime.datetime.now(tzutc())
    resources = [instance(i, rnd, now) for i in range(args.count)]
    t = time.perf_counter()
    filters = core.parse(FILTERS, None)
    core.apply(filters, resources[:1], now=now)   # the stage's code is generated on first use
    parse_ms = (time.perf_counter() - t) * 1000
    best, best_cpu, matched = None, None, None
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        matched = core.apply(filters, resources, now=now)
        elapsed, cpu = time.perf_counter() - t, time.process_time() - c
        best = elapsed if best is None else min(best, elapsed)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    rate = args.count / best
    print(f"filters: {len(FILTERS)} (parsed and compiled in {parse_ms:.2f} ms); "
          f"resources: {args.count:,}; matched: {len(matched):,}")
    print(f"best of {args.repeat}: {best * 1000:.1f} ms -> {rate:,.0f} resources/s "
          f"(CPU time: {best_cpu * 1000:.1f} ms -> {args.count / best_cpu:,.0f} resources/s, "
          f"whatever else the machine runs)")
    return rate


if __name__ == "__main__":
    main()
