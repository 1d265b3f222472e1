"""CloudTrail shortcuts: event name -> where the call comes from and where the ids are.

A cloudtrail-mode policy may name a shortcut (``RunInstances``) instead of spelling out
``{source, event, ids}``. Each resource type declares its own (its ``trail`` field): ``ids``
is a JMESPath relative to the event's ``detail`` (Cloud Custodian's convention); ``event`` is
the real CloudTrail eventName when it differs from the shortcut name; the source derives from
the type's service. A cloudtrail-mode policy of another type may not use the shortcut (its ids
would never name one of its resources).
"""
from .. import index
from ..registry import LazyMapping


#: shortcut name -> its row (``lookup``): the names come from the index, each row from the
#: declaring type's ``trail`` field
SHORTCUTS = LazyMapping(index.SHORTCUTS, lambda name: lookup(name))

API_CALL = "AWS API Call via CloudTrail"
#: detail-type by eventSource when it is not API_CALL
DETAIL_TYPES = {"signin.amazonaws.com": "AWS Console Sign In via CloudTrail"}


def lookup(name):
    """The shortcut ``name`` as ``{event, source, ids, resource}``, or None; read from the
    declaring type's row (the event source derives from its service)."""
    rtype = index.SHORTCUTS.get(name) if isinstance(name, str) else None
    if rtype is None:
        return None
    from ..resources import catalog
    return catalog.get(rtype).shortcut(name)


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
