"""ACM's resource type, as data (see cloudmaid/resources/declaration.py for the fields).

ListCertificates returns summaries (of every key type, as Custodian asks): each is completed
by DescribeCertificate; tags come from ListTagsForCertificate.
"""
from ...resources.declaration import DETAIL, Detail, Get, ResourceType, Shortcut

_ISSUED = Shortcut("responseElements.certificateArn")
#: every key type: ListCertificates returns only RSA_2048 ones by default
KEY_TYPES = ["RSA_2048", "RSA_1024", "RSA_4096", "EC_prime256v1", "EC_secp384r1",
             "EC_secp521r1"]

TYPES = (
    ResourceType(
        name="acm-certificate", service="acm", enum_op="list_certificates",
        enum_path="CertificateSummaryList[]", id="CertificateArn",
        enum_params={"Includes": {"keyTypes": KEY_TYPES}},
        get=Get("describe_certificate", "CertificateArn", "Certificate"), complete=True,
        name_key="DomainName", date="CreatedAt",
        arn="arn:{partition}:acm:{region}:{account}:certificate/{id}", arn_key="CertificateArn",
        tags=DETAIL, tagger="acm",
        details=(Detail("Tags", "list_tags_for_certificate", "CertificateArn", "Tags",
                        default=[]),),
        config_type="AWS::ACM::Certificate",
        trail={"RequestCertificate": _ISSUED, "ImportCertificate": _ISSUED},
    ),
)
