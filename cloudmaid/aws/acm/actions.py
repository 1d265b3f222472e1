"""ACM certificate actions with Cloud Custodian's names and semantics: ``delete``."""
from botocore.exceptions import ClientError

from ...actions.core import Action, actions


@actions.register("delete", resources=("acm-certificate",))
class DeleteCertificate(Action):
    """DeleteCertificate per certificate. One already gone counts as deleted; one still in
    use (ResourceInUseException) fails alone (Custodian only logs it)."""
    permissions = ("acm:DeleteCertificate",)

    def process(self, resources):
        client = self.manager.client()

        def delete(cert):
            try:
                client.delete_certificate(CertificateArn=cert["CertificateArn"])
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
        self.each(resources, delete)
