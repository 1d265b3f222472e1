"""Elastic IPs: Cloud Custodian's ``used-by`` filter, by the kind of resource the address's
network interface belongs to (told from the interface's attachment and description, as
Custodian tells it: ``ec2``, ``elb-net``, ``nat``, ``lambda``, ...)."""
from ...filters.core import Filter, filters
from ...resources.manager import ResourceManager

#: description prefix -> kind, first match wins (exact descriptions are listed as such)
PREFIXES = (
    ("ELB app/", "elb-app"), ("ELB net/", "elb-net"), ("ELB gwy/", "elb-gwy"), ("ELB", "elb"),
    ("AWS CodeStar Connections", "codestar"), ("DAX", "dax"),
    ("AWS created network interface for directory", "dir"), ("arn:aws:ecs:", "ecs"),
    ("EFS mount target for", "fsmt"), ("ElastiCache", "elasticache"),
    ("AWS ElasticMapReduce", "emr"), ("CloudHSM Managed Interface", "hsm"),
    ("CloudHsm ENI", "hsmv2"), ("AWS Lambda VPC", "lambda"),
    ("Interface for NAT Gateway", "nat"), ("Network interface for DBProxy", "rds"),
    ("Network Interface for Transit Gateway Attachment", "tgw"),
    ("VPC Endpoint Interface", "vpce"), ("aws-k8s-branch-eni", "eks"),
)
EXACT = {"ENI managed by APIGateway": "apigw", "DMSNetworkInterface": "dms",
         "RDSNetworkInterface": "rds", "RedshiftNetworkInterface": "redshift"}


def interface_kind(eni):
    """The kind of resource a network interface belongs to, ``unknown`` when not told."""
    if (eni.get("Attachment") or {}).get("InstanceId"):
        return "ec2"
    description = eni.get("Description") or ""
    if description in EXACT:
        return EXACT[description]
    return next((kind for prefix, kind in PREFIXES if description.startswith(prefix)),
                "unknown")


@filters.register("used-by", resources=("elastic-ip",))
class UsedBy(Filter):
    """Addresses whose network interface belongs to a ``resource-type`` kind."""
    predicate = False
    schema = {"resource-type": {"type": "string"}}
    required = ("resource-type",)
    permissions = ("ec2:DescribeNetworkInterfaces",)

    def process(self, resources, event=None):
        ids = [r["NetworkInterfaceId"] for r in resources if r.get("NetworkInterfaceId")]
        enis = {e["NetworkInterfaceId"]: e for e in
                ResourceManager.for_type(self.manager.ctx, "eni").get_resources(ids)}
        want = self.data.get("resource-type")
        return [r for r in resources if r.get("NetworkInterfaceId") in enis
                and interface_kind(enis[r["NetworkInterfaceId"]]) == want]

    def keys(self):
        return {"NetworkInterfaceId"}
