"""ACM certificate tags: AddTagsToCertificate/RemoveTagsFromCertificate, one certificate a
call."""
from ...actions.taggers import Tagger, register_tagger


@register_tagger("acm")
class AcmTagger(Tagger):
    batch_size = 1
    add_permissions = ("acm:AddTagsToCertificate",)
    remove_permissions = ("acm:RemoveTagsFromCertificate",)

    def add(self, resources, tags):
        client = self.manager.client("acm")
        for c in resources:
            client.add_tags_to_certificate(CertificateArn=c["CertificateArn"], Tags=[
                {"Key": k, "Value": v} for k, v in tags.items()])

    def remove(self, resources, keys, values=None):
        # a key given with a value is removed only while it has that value
        values = values or {}
        client = self.manager.client("acm")
        for c in resources:
            client.remove_tags_from_certificate(CertificateArn=c["CertificateArn"], Tags=[
                {"Key": k, "Value": values[k]} if k in values else {"Key": k} for k in keys])
