"""Security Hub events, as data and pure functions: their detail-types, the custom action ids
we deploy, and the resource ARNs a finding names.

Findings (AWS Security Finding Format) name resources by ARN, except a few Security Hub types
whose ``Id`` is not one (an instance id, an access key); those are turned into the ARN of the
resource they stand for, as Cloud Custodian does.
"""
import hashlib
import logging

SOURCE = "aws.securityhub"
IMPORTED = "Security Hub Findings - Imported"
CUSTOM_ACTION = "Security Hub Findings - Custom Action"
INSIGHT_RESULTS = "Security Hub Insight Results"

log = logging.getLogger("cloudmaid.events")


def action_id(function_name):
    """The custom action id of a function: Security Hub takes up to 20 letters and digits, which
    a policy name (Cloud Custodian's choice) seldom is; a digest of the function name always
    fits, and maps back to the function for ``maid gc``."""
    return "maid" + hashlib.sha256(function_name.encode("utf-8")).hexdigest()[:16]


def action_arn(function_name, region, account_id, partition="aws"):
    return f"arn:{partition}:securityhub:{region}:{account_id}:action/custom/{action_id(function_name)}"


def partition_of(region):
    region = region or ""
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def finding_arns(findings):
    """The ARNs of the resources ``findings`` name, in order, without duplicates."""
    out = []
    for f in findings or ():
        if not isinstance(f, dict):
            continue
        for r in f.get("Resources") or ():
            arn = resource_arn(f, r) if isinstance(r, dict) else None
            if arn and arn not in out:
                out.append(arn)
    return out


def resource_arn(finding, resource):
    rid, kind = resource.get("Id"), resource.get("Type")
    if not isinstance(rid, str):
        return None
    if rid.startswith("arn:"):
        return rid
    region = resource.get("Region") or finding.get("Region") or ""
    partition = resource.get("Partition") or partition_of(region)
    account = finding.get("AwsAccountId") or ""
    if kind == "AwsIamAccessKey":
        key = (resource.get("Details") or {}).get("AwsIamAccessKey") or {}
        user = key.get("PrincipalName") or key.get("UserName")
        return f"arn:{partition}:iam::{account}:user/{user}" if user else None
    if kind == "AwsEc2Instance":
        return f"arn:{partition}:ec2:{region}:{account}:instance/{rid}"
    log.warning("security hub resource %s of type %s has no ARN", rid, kind)
    return None


def split_arn(arn):
    """``arn:partition:service:region:account:resource`` -> (service, region, account,
    resource), or None."""
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[2], parts[3], parts[4], parts[5]


def arn_resource_id(arn, service, arn_type, global_resource=False):
    """The id of the resource ``arn`` names when it is of the given type (an ARN
    ``...:<service>:...:<arn_type>/<id>``, or ``...:<service>:::<id>`` for a global type),
    else None."""
    parts = split_arn(arn)
    if parts is None or parts[0] != service:
        return None
    resource = parts[3]
    if global_resource or not arn_type:
        return resource or None
    for sep in ("/", ":"):
        if resource.startswith(arn_type + sep):
            return resource[len(arn_type) + 1:] or None
    return None
