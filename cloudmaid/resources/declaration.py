"""The declaration of a resource type: every fact other code needs about it, in named fields.

A service's package (``cloudmaid/aws/<service>/types.py``) declares its types as data; generic
code (the manager, related lookups, query parsing, Config source, taggers, report, modes)
reads the rows, and the generated index (cloudmaid/index.py) derives the cross-type tables
(Config types, CloudTrail shortcuts, GuardDuty targets) from them. tests/test_catalog.py checks
every row against botocore's service models.
"""
import re
from ..record import Factory, record

GLOBAL, REGIONAL = "global", "regional"
#: ``tags``: the Resource Groups Tagging API (GetResources by ARN type), for listings without tags
TAGGING_API = "tagging-api"
#: ``tags``: a ``Detail`` with key ``Tags`` (one call per resource)
DETAIL = "detail"


@record
class Detail:
    """A key the listing lacks, read per resource: ``op(param=resource[id])``, keeping
    ``select`` of the answer (the whole answer, less its metadata, when None); ``default``
    when AWS says the configuration does not exist (NoSuch*/NotFound)."""
    key: str
    op: str                 # client method (snake_case)
    param: str              # the parameter naming the resource
    select: str = None      # key of the answer to keep
    default: object = None
    arn: bool = False       # ``param`` takes the resource's ARN, not its id


@record
class Get:
    """Resources by id, one call each: ``op(**{param: id}, **params)``, the resource at
    ``path`` (JMESPath) of the answer, the answer less its metadata when None. ``many``: the
    parameter takes a list of ids (``batch_size`` per call) and ``path`` yields a list.
    Used for get-by-ids when the listing has no ids parameter, and, with the row's
    ``complete``, to complete each listed item (listings that return ids or summaries)."""
    op: str                 # client method (snake_case)
    param: str
    path: str = None
    params: dict = Factory(dict)
    many: bool = False


@record
class Shortcut:
    """A CloudTrail event creating or changing resources of the type: where the ids are (a
    JMESPath relative to the event's ``detail``); ``event`` when CloudTrail's eventName differs
    from the shortcut name (``CreateFunction20150331``)."""
    ids: str
    event: str = None


@record
class GuardDutyTarget:
    """Where a GuardDuty finding names a resource of the type (JMESPath over the event) and the
    finding's ``resource.resourceType`` the rule selects (None: any finding)."""
    ids: str
    finding_type: str = None


# -- the ``query`` forms a type accepts with source describe ------------------------------------
@record
class FilterQuery:
    """Custodian's QueryParser forms: ``Filters`` names (name -> allowed values, a tuple, or a
    value type), other describe parameters (name -> value type; ``int`` ones are scalars given
    once, the others lists) and whether bare ``{Name, Values}`` items are filters."""
    filters: dict
    params: dict
    name_values: bool = False


@record
class ParamsQuery:
    """The describe call's own parameters, merged as written, checked against botocore's
    model of ``operation`` (CamelCase)."""
    operation: str


@record
class AugmentQuery:
    """``- augment-keys: all | detect | none | [Key, ...]``: which details may be read;
    ``always``: those read even with ``none`` (Custodian always adds them)."""
    always: tuple = ()


_PLACEHOLDERS = frozenset({"partition", "region", "account", "id"})


@record
class ResourceType:
    name: str                      # policy name: ec2, ebs, ...
    service: str                   # boto3 client name
    enum_op: str                   # operation that lists every resource (snake_case)
    enum_path: str                 # JMESPath to the items in one page of that operation
    id: str                        # key of the resource id in an item
    enum_params: dict = Factory(dict)   # fixed params (e.g. OwnerIds=['self'])
    carry: tuple = ()              # keys of the enclosing item copied onto each item when
                                   # enum_path has two levels (ec2's ReservationId)
    ids_param: str = None          # parameter of enum_op that fetches by ids
    id_filter: str = None          # describe ``Filters`` name selecting by id; unlike ids_param
                                   # an unknown id does not fail the whole call (related lookups)
    batch_size: int = 200          # ids per get-by-ids call
    get: Get = None                # get-by-ids when there is no ids_param (one call per id)
    complete: bool = False         # each listed item (a summary, or a bare id string) is
                                   # completed by ``get``, merged over it
    id_prefix: str = None          # ids in events that belong to this type start with it
    name_key: str = None           # key of a human name (tag Name is used when None)
    date: str = None               # creation date key, for age filters and the report
    arn: str = None                # template: arn:{partition}:ec2:{region}:{account}:volume/{id}
    arn_key: str = None            # or the key holding the resource's own ARN
    scope: str = REGIONAL          # global: one listing for all regions (s3)
    tags: str = "Tags"             # the inline key holding the tags (normalised to ``Tags``),
                                   # TAGGING_API, DETAIL, or None (the type has no tags)
    tagger: str = None             # how tags are written (actions/taggers.py); None: derived
    details: tuple = ()            # Detail rows: keys read per resource on demand
    config_type: str = None        # AWS Config resource type (source: config, config rules)
    trail: dict = Factory(dict)    # CloudTrail shortcut name -> Shortcut
    trail_source: str = None       # CloudTrail eventSource when not <service>.amazonaws.com
    guard_duty: GuardDutyTarget = None
    report: tuple = ()             # default report columns (id, name, date when empty)
    dimension: str = None          # CloudWatch dimension naming a resource (metrics filter)
    dimension_key: str = None      # the resource key holding its value (default: dimension)
    metrics_namespace: str = None  # CloudWatch namespace when not the service's
    related: dict = Factory(dict)  # related filter (security-group, subnet, vpc,
                                   # kms-key) -> JMESPath of the related ids in a resource;
                                   # registered by resources.related.register_related
    query: object = None           # FilterQuery | ParamsQuery | AugmentQuery | None
    aliases: tuple = ()            # other policy names of the type (Custodian's aliases)

    # -- derived facts ---------------------------------------------------------------------
    @property
    def global_resource(self):
        return self.scope == GLOBAL

    @property
    def event_source(self):
        return self.trail_source or f"{self.service}.amazonaws.com"

    @property
    def detail_keys(self):
        """Keys read per resource on demand, in the order declared (``Tags`` too when the
        listing lacks them)."""
        keys = tuple(d.key for d in self.details)
        if self.tags in (TAGGING_API, DETAIL) and "Tags" not in keys:
            keys += ("Tags",)
        return keys

    def _arn_parts(self):
        # arn:{partition}:<service>:{region}:{account}:<resource part>
        parts = (self.arn or "").split(":", 5)
        return parts if len(parts) == 6 else None

    @property
    def arn_service(self):
        parts = self._arn_parts()
        return parts[2] if parts else None

    @property
    def arn_type(self):
        """The resource type in the ARN (``volume`` of ``...:volume/{id}``), None if none."""
        parts = self._arn_parts()
        if not parts:
            return None
        kind = re.split(r"[/:]", parts[5], maxsplit=1)
        return kind[0] if len(kind) == 2 else None

    def arn_placeholders(self):
        return set(re.findall(r"{(\w+)}", self.arn or ""))

    def arn_of(self, resource_id, region, account_id, partition="aws"):
        if not self.arn:
            return None
        return self.arn.format(partition=partition, region=region, account=account_id,
                               id=resource_id)

    def arn_for(self, resource, region, account_id, partition="aws"):
        """The resource's ARN: its own ``arn_key``, else the template."""
        if self.arn_key and resource.get(self.arn_key):
            return resource[self.arn_key]
        return self.arn_of(resource.get(self.id), region, account_id, partition)

    def shortcut(self, name):
        """The CloudTrail shortcut ``name`` as ``{event, source, ids, resource}``, or None."""
        s = self.trail.get(name)
        if s is None:
            return None
        return {"event": s.event or name, "source": self.event_source, "ids": s.ids,
                "resource": self.name}

    def report_fields(self):
        if self.report:
            return list(self.report)
        fields = [self.id]
        if self.name_key and self.name_key != self.id:
            fields.append(self.name_key)
        if self.date:
            fields.append(self.date)
        return fields
