"""CloudTrail shortcuts, as data: event name -> where the call comes from and where the ids are.

A cloudtrail-mode policy may name a shortcut (``RunInstances``) instead of spelling out
``{source, event, ids}``. ``ids`` is a JMESPath relative to the event's ``detail`` (Cloud
Custodian's convention); ``event`` is the real CloudTrail eventName when it differs from the
shortcut name; ``resource`` is the policy resource type the ids belong to: a cloudtrail-mode
policy of another type may not use the shortcut (its ids would never name one of its resources).
"""

SHORTCUTS = {
    # ec2
    "RunInstances": {"source": "ec2.amazonaws.com", "resource": "ec2",
                     "ids": "responseElements.instancesSet.items[].instanceId"},
    "CreateVolume": {"source": "ec2.amazonaws.com", "resource": "ebs",
                     "ids": "responseElements.volumeId"},
    "CreateSnapshot": {"source": "ec2.amazonaws.com", "resource": "ebs-snapshot",
                       "ids": "responseElements.snapshotId"},
    "CreateImage": {"source": "ec2.amazonaws.com", "resource": "ami",
                    "ids": "responseElements.imageId"},
    "CreateSecurityGroup": {"source": "ec2.amazonaws.com", "resource": "security-group",
                            "ids": "responseElements.groupId"},
    "AuthorizeSecurityGroupIngress": {"source": "ec2.amazonaws.com", "resource": "security-group",
                                      "ids": "requestParameters.groupId"},
    # s3
    "CreateBucket": {"source": "s3.amazonaws.com", "resource": "s3",
                     "ids": "requestParameters.bucketName"},
    "PutBucketAcl": {"source": "s3.amazonaws.com", "resource": "s3",
                     "ids": "requestParameters.bucketName"},
    "PutBucketPolicy": {"source": "s3.amazonaws.com", "resource": "s3",
                        "ids": "requestParameters.bucketName"},
    "DeleteBucketEncryption": {"source": "s3.amazonaws.com", "resource": "s3",
                               "ids": "requestParameters.bucketName"},
    "PutBucketPublicAccessBlock": {"source": "s3.amazonaws.com", "resource": "s3",
                                   "ids": "requestParameters.bucketName"},
    # databases
    "CreateDBInstance": {"source": "rds.amazonaws.com", "resource": "rds",
                         "ids": "requestParameters.dBInstanceIdentifier"},
    "CreateTable": {"source": "dynamodb.amazonaws.com", "resource": "dynamodb-table",
                    "ids": "requestParameters.tableName"},
    "CreateCluster": {"source": "redshift.amazonaws.com", "resource": "redshift",
                      "ids": "requestParameters.clusterIdentifier"},
    "CreateElasticsearchDomain": {"source": "es.amazonaws.com", "resource": "elasticsearch",
                                  "ids": "requestParameters.domainName"},
    # lambda: the API version is part of the real event name
    "CreateFunction": {"source": "lambda.amazonaws.com", "resource": "lambda",
                       "event": "CreateFunction20150331", "ids": "requestParameters.functionName"},
    # iam (delivered in us-east-1 only)
    "CreateUser": {"source": "iam.amazonaws.com", "resource": "iam-user",
                   "ids": "requestParameters.userName"},
    "CreateRole": {"source": "iam.amazonaws.com", "resource": "iam-role",
                   "ids": "requestParameters.roleName"},
    # the key's owner; requestParameters.userName is absent when users create their own key
    "CreateAccessKey": {"source": "iam.amazonaws.com", "resource": "iam-user",
                        "ids": "responseElements.accessKey.userName"},
    # autoscaling, load balancers, kms
    "CreateAutoScalingGroup": {"source": "autoscaling.amazonaws.com", "resource": "asg",
                               "ids": "requestParameters.autoScalingGroupName"},
    "UpdateAutoScalingGroup": {"source": "autoscaling.amazonaws.com", "resource": "asg",
                               "ids": "requestParameters.autoScalingGroupName"},
    "CreateLoadBalancer": {"source": "elasticloadbalancing.amazonaws.com", "resource": "elb",
                           "ids": "requestParameters.loadBalancerName"},
    "CreateLoadBalancerPolicy": {"source": "elasticloadbalancing.amazonaws.com", "resource": "elb",
                                 "ids": "requestParameters.loadBalancerName"},
    "SetLoadBalancerPoliciesOfListener": {"source": "elasticloadbalancing.amazonaws.com",
                                          "resource": "elb",
                                          "ids": "requestParameters.loadBalancerName"},
    "CreateKey": {"source": "kms.amazonaws.com", "resource": "kms-key",
                  "ids": "responseElements.keyMetadata.keyId"},
    # console sign-in has its own detail-type (see DETAIL_TYPES)
    "ConsoleLogin": {"source": "signin.amazonaws.com", "resource": "account",
                     "ids": "userIdentity.arn"},
}

API_CALL = "AWS API Call via CloudTrail"
#: detail-type by eventSource when it is not API_CALL
DETAIL_TYPES = {"signin.amazonaws.com": "AWS Console Sign In via CloudTrail"}


def lookup(name):
    """The shortcut row for ``name`` with ``event`` filled in, or None."""
    row = SHORTCUTS.get(name)
    if row is None:
        return None
    return {"event": row.get("event", name), "source": row["source"], "ids": row["ids"],
            "resource": row.get("resource")}


#: services whose EventBridge ``source`` is known to be ``aws.<eventSource prefix>``; some are
#: not (monitoring.amazonaws.com arrives as aws.cloudwatch), so patterns name ``source`` only
#: for these and otherwise rely on detail.eventSource, as Cloud Custodian does.
KNOWN_SOURCES = frozenset({
    "autoscaling", "dynamodb", "ec2", "elasticloadbalancing", "es", "iam", "kms", "lambda",
    "rds", "redshift", "s3", "signin", "sts", "sns", "sqs", "cloudtrail", "config", "ecr", "ecs",
    "eks", "guardduty", "secretsmanager", "ssm", "cloudformation", "route53", "acm",
})


def eventbridge_source(event_source):
    """CloudTrail eventSource -> EventBridge ``source`` (``ec2.amazonaws.com`` -> ``aws.ec2``),
    or None when the mapping is not known to hold for that service."""
    prefix = event_source.split(".", 1)[0]
    return "aws." + prefix if prefix in KNOWN_SOURCES else None


def detail_type(event_source):
    return DETAIL_TYPES.get(event_source, API_CALL)
