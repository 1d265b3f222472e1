"""Hosted zone actions with Cloud Custodian's names and semantics: ``delete``."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions

#: the record sets a zone keeps until it is deleted
ZONE_RECORDS = ("NS", "SOA")
RRSET_KEYS = ("Name", "Type", "TTL", "SetIdentifier", "Region", "AliasTarget", "ResourceRecords")


@actions.register("delete", resources=("hostedzone",))
class Delete(Action):
    """DeleteHostedZone. ``force`` first deletes every record set but the zone's own NS and
    SOA; without it a zone with records fails alone (HostedZoneNotEmpty). A zone already gone
    counts as deleted."""
    schema = {"force": {"type": "boolean"}}
    permissions = ("route53:DeleteHostedZone", "route53:ListResourceRecordSets",
                   "route53:ChangeResourceRecordSets")

    def process(self, resources):
        client = self.manager.client()

        def delete(zone):
            try:
                if self.data.get("force"):
                    self.delete_records(client, zone)
                client.delete_hosted_zone(Id=zone["Id"])
            except ClientError as e:
                if e.response["Error"]["Code"] != "NoSuchHostedZone":
                    raise
        self.each(resources, delete)

    def delete_records(self, client, zone):
        for page in client.get_paginator("list_resource_record_sets").paginate(
                HostedZoneId=zone["Id"]):
            for rrset in page.get("ResourceRecordSets") or ():
                if rrset["Name"] == zone["Name"] and rrset["Type"] in ZONE_RECORDS:
                    continue
                record = {k: rrset[k] for k in RRSET_KEYS if k in rrset}
                try:
                    client.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={
                        "Changes": [{"Action": "DELETE", "ResourceRecordSet": record}]})
                except ClientError as e:
                    if e.response["Error"]["Code"] != "InvalidChangeBatch":   # gone meanwhile
                        raise
