"""ACM seeders: requested certificates."""
from . import seeder


@seeder("acm-certificate", "cloudtrail-request-certificate.json")
def certificate(world, label):
    return [world.client("acm").request_certificate(
        DomainName=f"{label}.example.com", Tags=world.tag_list(label))["CertificateArn"]]
