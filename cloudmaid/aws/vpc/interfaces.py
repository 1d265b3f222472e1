"""Which kind of resource a network interface belongs to, told from its attachment and
description as Cloud Custodian tells it (``ec2``, ``elb-net``, ``nat``, ``lambda``, ...): read by
elastic-ip ``used-by`` and security-group ``used``/``unused``."""

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
