"""Route 53's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

A global type. The id is Custodian's: ListHostedZones' ``Id``, ``/hostedzone/Z...``; the ARN
and the tag calls take the bare zone id, also given as ``c7n:ConfigHostedZoneId``
(manager.py). Tags are a detail, 10 zones per ListTagsForResources call.
"""
from ...resources.declaration import DETAIL, GLOBAL, Get, ResourceType, Shortcut

TYPES = (
    ResourceType(
        name="hostedzone", service="route53", enum_op="list_hosted_zones",
        enum_path="HostedZones[]", id="Id", name_key="Name",
        get=Get("get_hosted_zone", "Id", path="HostedZone"),
        arn="arn:{partition}:route53:::hostedzone/{id}", scope=GLOBAL, tags=DETAIL,
        tagger="route53",
        trail={"CreateHostedZone": Shortcut("responseElements.hostedZone.id")},
    ),
)
