"""Classic ELB seeders: an HTTP and HTTPS load balancer tagged with the seed's label."""
from . import ACCOUNT, ZONE, action_options, seeder


@seeder("elb", "cloudtrail-create-load-balancer.json")
def classic(world, label):
    world.client("elb").create_load_balancer(
        LoadBalancerName=label, AvailabilityZones=[ZONE], Tags=world.tag_list(label),
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP",
                    "InstancePort": 80},
                   {"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTP",
                    "InstancePort": 80, "SSLCertificateId":
                        f"arn:aws:iam::{ACCOUNT}:server-certificate/{label}"}])
    return [label]


action_options("elb", {
    "set-ssl-listener-policy": {"name": "tls12", "attributes": ["Protocol-TLSv1.2"]},
    "enable-s3-logging": {"bucket": "logs", "prefix": "elb"},
})
