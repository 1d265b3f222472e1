"""The elb suite's fleet: classic and application load balancers, target groups, CloudFront
distributions and Route 53 zones, each on either side of a policy. Every resource but the
zones (compared by their name) has a ``Name`` tag."""
REGION = "us-east-1"
ACCOUNT = "123456789012"


def tags(name, key="Key", value="Value"):
    return [{key: "Name", value: name}]


def seed(endpoint):
    import boto3
    session = boto3.session.Session(aws_access_key_id="testing",
                                    aws_secret_access_key="testing", region_name=REGION)

    def client(service):
        return session.client(service, endpoint_url=endpoint, region_name=REGION)

    ec2, elb, elbv2 = client("ec2"), client("elb"), client("elbv2")
    http = {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP",
            "InstancePort": 80}
    https = {"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP",
             "InstancePort": 80,
             "SSLCertificateId": f"arn:aws:iam::{ACCOUNT}:server-certificate/parity"}
    elb.create_load_balancer(LoadBalancerName="parity-elb-ssl", Listeners=[http, https],
                             AvailabilityZones=["us-east-1a"], Tags=tags("parity-elb-ssl"))
    elb.create_load_balancer_policy(
        LoadBalancerName="parity-elb-ssl", PolicyName="legacy-ssl",
        PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[{"AttributeName": "Protocol-SSLv3", "AttributeValue": "true"},
                          {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"}])
    elb.set_load_balancer_policies_of_listener(LoadBalancerName="parity-elb-ssl",
                                               LoadBalancerPort=443, PolicyNames=["legacy-ssl"])
    elb.modify_load_balancer_attributes(LoadBalancerName="parity-elb-ssl", LoadBalancerAttributes={
        "AccessLog": {"Enabled": True, "S3BucketName": "parity-logs", "S3BucketPrefix": "elb",
                      "EmitInterval": 5},
        "ConnectionDraining": {"Enabled": True, "Timeout": 300}})
    elb.create_load_balancer(LoadBalancerName="parity-elb-plain", Listeners=[http],
                             AvailabilityZones=["us-east-1a"], Tags=tags("parity-elb-plain"))

    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for i, z in enumerate("ab")]

    def alb(name, health):
        arn = elbv2.create_load_balancer(Name=name, Subnets=subnets,
                                         Tags=tags(name))["LoadBalancers"][0]["LoadBalancerArn"]
        tg = elbv2.create_target_group(Name=f"{name}-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                       HealthCheckProtocol=health, Tags=tags(f"{name}-tg")
                                       )["TargetGroups"][0]["TargetGroupArn"]
        elbv2.create_listener(LoadBalancerArn=arn, Protocol="HTTP",
                              Port=80 if health == "HTTP" else 8080,
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
        return arn, tg

    logged, logged_tg = alb("parity-alb-logged", "HTTP")
    alb("parity-alb-bare", "HTTPS")
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=logged, Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "parity-logs"},
        {"Key": "access_logs.s3.prefix", "Value": "alb"},
        {"Key": "deletion_protection.enabled", "Value": "true"}])
    elbv2.modify_target_group_attributes(TargetGroupArn=logged_tg, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "30"}])

    cloudfront = client("cloudfront")
    for name, enabled in (("parity-cf-on", True), ("parity-cf-off", False)):
        cloudfront.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": {
                "CallerReference": name, "Comment": name, "Enabled": enabled,
                "Origins": {"Quantity": 1, "Items": [{
                    "Id": "origin", "DomainName": f"{name}.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
                "DefaultCacheBehavior": {
                    "TargetOriginId": "origin", "MinTTL": 0,
                    "ViewerProtocolPolicy": "allow-all" if enabled else "https-only",
                    "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                    "TrustedSigners": {"Enabled": False, "Quantity": 0}}},
            "Tags": {"Items": tags(name)}})

    route53 = client("route53")
    # zones are compared by name: no Name tag (Custodian's listing reads tags, maid's only
    # when a filter does; the recorder counts Route 53's ListTagsForResources, a POST, as a
    # write, so no policy here reads zone tags)
    route53.create_hosted_zone(Name="parity-public.example.com", CallerReference="public")
    route53.create_hosted_zone(Name="parity-private.example.com", CallerReference="private",
                               VPC={"VPCRegion": REGION, "VPCId": vpc},
                               HostedZoneConfig={"Comment": "internal", "PrivateZone": True})
    return {"elb": 2, "app-elb": 2, "app-elb-target-group": 2, "distribution": 2,
            "hostedzone": 2}
