"""An S3 bucket's AWS Config item -> the bucket as the describe source shows it.

Config records the bucket (name, owner, creation date) in ``configuration`` and each
sub-document (ACL, policy, logging, ...) in ``supplementaryConfiguration``, in shapes of its
own. Each becomes the detail key the s3 manager would fetch (``Acl``, ``Policy``, ...), in the
shape of the S3 API's answer; a sub-document Config did not record gets the value the manager
uses when the bucket has none, so no detail is fetched for a config-sourced bucket.
"""
from ...resources.config_source import CONVERTERS
from .types import TYPES

PERMISSIONS = {"FullControl": "FULL_CONTROL", "Write": "WRITE", "WriteAcp": "WRITE_ACP",
               "Read": "READ", "ReadAcp": "READ_ACP"}
GROUPS = {"AllUsers": "http://acs.amazonaws.com/groups/global/AllUsers",
          "AuthenticatedUsers": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
          "LogDelivery": "http://acs.amazonaws.com/groups/s3/LogDelivery"}
NOTIFICATIONS = {"QueueConfiguration": ("QueueConfigurations", "QueueArn", "queueARN"),
                 "TopicConfiguration": ("TopicConfigurations", "TopicArn", "topicARN"),
                 "LambdaConfiguration": ("LambdaFunctionConfigurations", "LambdaFunctionArn",
                                         "functionARN"),
                 "CloudFunctionConfiguration": ("LambdaFunctionConfigurations",
                                                "LambdaFunctionArn", "functionARN")}

#: what the S3 API answers for a sub-document never set, where that is not "not found"
UNSET = {"Versioning": {}, "Logging": {}, "Notification": {}}


def convert(resource, item, supplementary):
    resource.pop("Owner", None)   # describe shows the owner under Acl only
    region = item.get("awsRegion")
    if region:
        resource["Location"] = {"LocationConstraint": None if region == "us-east-1" else region}
    for key, value in supplementary.items():
        handler = HANDLERS.get(key)
        if handler and isinstance(value, dict):
            detail, converted = handler(value)
            resource[detail] = converted
    for detail in TYPES[0].details:
        if detail.key != "Location":
            resource.setdefault(detail.key, UNSET.get(detail.key, detail.default))


def acl(value):
    owner = value.get("owner") or {}
    out = {"Owner": {"ID": owner.get("id")}, "Grants": []}
    if owner.get("displayName"):
        out["Owner"]["DisplayName"] = owner["displayName"]
    for grant in value.get("grantList") or ():
        grantee = grant.get("grantee")
        if isinstance(grantee, str):
            g = {"Type": "Group", "URI": GROUPS.get(grantee, grantee)}
        else:
            g = {"Type": "CanonicalUser", "ID": (grantee or {}).get("id")}
            if (grantee or {}).get("displayName"):
                g["DisplayName"] = grantee["displayName"]
        out["Grants"].append({"Grantee": g, "Permission": PERMISSIONS.get(
            grant.get("permission"), grant.get("permission"))})
    return "Acl", out


def logging(value):
    if not value.get("destinationBucketName"):
        return "Logging", {}
    return "Logging", {"TargetBucket": value["destinationBucketName"],
                       "TargetPrefix": value.get("logFilePrefix") or ""}


def policy(value):
    return "Policy", value.get("policyText")


def tagging(value):
    sets = value.get("tagSets") or [{}]
    return "Tags", [{"Key": k, "Value": v} for k, v in (sets[0].get("tags") or {}).items()]


def versioning(value):
    status = value.get("status")
    if status not in ("Enabled", "Suspended"):
        return "Versioning", {}
    out = {"Status": status}
    if isinstance(value.get("isMfaDeleteEnabled"), bool):
        out["MFADelete"] = "Enabled" if value["isMfaDeleteEnabled"] else "Disabled"
    return "Versioning", out


def notification(value):
    out = {}
    for nid, n in (value.get("configurations") or {}).items():
        key, arn_key, config_key = NOTIFICATIONS.get(n.get("type"), (None, None, None))
        if key is None:
            continue
        entry = {"Id": nid, arn_key: n.get(config_key), "Events": n.get("events") or []}
        rules = [{"Name": r.get("name"), "Value": r.get("value")}
                 for r in ((n.get("filter") or {}).get("s3KeyFilter") or {}).get("filterRules") or ()]
        if rules:
            entry["Filter"] = {"Key": {"FilterRules": rules}}
        out.setdefault(key, []).append(entry)
    return "Notification", out


def lifecycle(value):
    rules = []
    for r in value.get("rules") or ():
        rule = {"ID": r.get("id"), "Status": r.get("status")}
        expiration = {k: r[c] for k, c in (("Date", "expirationDate"), ("Days", "expirationInDays"),
                                          ("ExpiredObjectDeleteMarker", "expiredObjectDeleteMarker"))
                      if r.get(c) not in (None, -1, False)}
        if expiration:
            rule["Expiration"] = expiration
        transitions = [{k[:1].upper() + k[1:]: t[k] for k in ("date", "days", "storageClass")
                        if t.get(k)} for t in r.get("transitions") or ()]
        if transitions:
            rule["Transitions"] = transitions
        if r.get("noncurrentVersionExpirationInDays") not in (None, -1):
            rule["NoncurrentVersionExpiration"] = {
                "NoncurrentDays": r["noncurrentVersionExpirationInDays"]}
        noncurrent = [{"NoncurrentDays": t.get("days", t.get("noncurrentDays")),
                       "StorageClass": t.get("storageClass")}
                      for t in r.get("noncurrentVersionTransitions") or ()]
        if noncurrent:
            rule["NoncurrentVersionTransitions"] = noncurrent
        if r.get("abortIncompleteMultipartUpload"):
            rule["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": r["abortIncompleteMultipartUpload"].get("daysAfterInitiation")}
        if r.get("prefix"):
            rule["Prefix"] = r["prefix"]
        predicate = (r.get("filter") or {}).get("predicate")
        if predicate:
            rule["Filter"] = life_filter(predicate)
        rules.append(rule)
    return "Lifecycle", {"Rules": rules}


def life_filter(p):
    kind = p.get("type")
    if kind == "LifecyclePrefixPredicate":
        return {"Prefix": p.get("prefix")}
    if kind == "LifecycleTagPredicate":
        return {"Tag": {"Key": p["tag"].get("key"), "Value": p["tag"].get("value")}}
    out = {}
    for operand in p.get("operands") or ():
        part = life_filter(operand)
        if "Tag" in part:
            out.setdefault("Tags", []).append(part["Tag"])
        else:
            out.update(part)
    return {"And": out}


def replication(value):
    rules = []
    for rid, r in (value.get("rules") or {}).items():
        dest = r.get("destinationConfig") or {}
        rule = {"ID": rid, "Status": r.get("status", ""), "Prefix": r.get("prefix", ""),
                "Destination": {"Bucket": dest.get("bucketARN")}}
        if dest.get("storageClass"):
            rule["Destination"]["StorageClass"] = dest["storageClass"]
        if dest.get("account") or dest.get("Account"):
            rule["Destination"]["Account"] = dest.get("account") or dest.get("Account")
        rules.append(rule)
    return "Replication", {"ReplicationConfiguration": {"Role": value.get("roleARN"),
                                                        "Rules": rules}}


def website(value):
    out = {}
    if value.get("indexDocumentSuffix"):
        out["IndexDocument"] = {"Suffix": value["indexDocumentSuffix"]}
    if value.get("errorDocument"):
        out["ErrorDocument"] = {"Key": value["errorDocument"]}
    redirect = value.get("redirectAllRequestsTo")
    if redirect:
        out["RedirectAllRequestsTo"] = {"HostName": redirect.get("hostName"),
                                        "Protocol": redirect.get("protocol")}
    for r in value.get("routingRules") or ():
        rule = {"Redirect": pick(r.get("redirect"), ("protocol", "hostName",
                                                      "replaceKeyPrefixWith", "replaceKeyWith",
                                                      "httpRedirectCode"))}
        if r.get("condition"):
            rule["Condition"] = pick(r["condition"], ("keyPrefixEquals",
                                                      "httpErrorCodeReturnedEquals"))
        out.setdefault("RoutingRules", []).append(rule)
    return "Website", out


def pick(value, keys):
    return {k[:1].upper() + k[1:]: value[k] for k in keys if (value or {}).get(k)}


HANDLERS = {"AccessControlList": acl, "BucketLoggingConfiguration": logging,
            "BucketPolicy": policy, "BucketTaggingConfiguration": tagging,
            "BucketVersioningConfiguration": versioning,
            "BucketNotificationConfiguration": notification,
            "BucketLifecycleConfiguration": lifecycle,
            "BucketReplicationConfiguration": replication,
            "BucketWebsiteConfiguration": website}
CONVERTERS["s3"] = convert
