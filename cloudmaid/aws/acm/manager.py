"""The acm-certificate manager: certificates by ARN are the listing's summaries (which hold
keys DescribeCertificate lacks, such as ``InUse`` and ``Exported``), completed as listed."""
from ...resources.manager import ResourceManager, register_manager


@register_manager("acm-certificate")
class CertificateManager(ResourceManager):

    def get_resources(self, ids):
        wanted = set(ids)
        if not wanted or self.query.source == "config":
            return super().get_resources(ids)
        summaries = []
        client = self.client()
        for page in client.get_paginator("list_certificates").paginate(**self.rtype.enum_params):
            summaries.extend(s for s in page.get("CertificateSummaryList") or ()
                             if s.get("CertificateArn") in wanted)
        return self._complete(summaries)
