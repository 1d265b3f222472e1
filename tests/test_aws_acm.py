"""acm-certificate against moto: summaries completed by DescribeCertificate, tags, the
expiration value type on NotAfter, delete."""
import boto3
import pytest

from cloudmaid.filters import core
from cloudmaid.policy import Policy
from cloudmaid.resources.manager import ResourceManager


@pytest.fixture
def acm(aws):
    return boto3.client("acm", region_name="us-east-1")


def cert(acm, name, tags=None):
    return acm.request_certificate(DomainName=f"{name}.example.com", Tags=[
        {"Key": k, "Value": v} for k, v in (tags or {"Name": name}).items()])["CertificateArn"]


def matched(ctx, filters):
    ctx.cache.clear()
    m = ResourceManager.for_type(ctx, "acm-certificate")
    found = core.apply(core.parse(filters, m), [dict(r) for r in m.resources()], manager=m)
    return sorted(r["DomainName"] for r in found)


def test_listing_is_completed_and_tagged(ctx, acm):
    arn = cert(acm, "web", {"team": "pay"})
    m = ResourceManager.for_type(ctx, "acm-certificate")
    [c] = m.resources()
    assert c["CertificateArn"] == arn and "Serial" in c and "InUse" in c   # both merged
    m.ensure_details([c], {"Tags"})
    assert c["Tags"] == [{"Key": "team", "Value": "pay"}]
    [got] = m.get_resources([arn, arn.replace("certificate/", "certificate/0")])
    assert set(c) - {"Tags"} <= set(got)


def test_expiration_value_type_on_not_after(ctx, acm):
    cert(acm, "web")     # moto's certificates are valid for a year
    f = {"type": "value", "key": "NotAfter", "value_type": "expiration", "op": "lt"}
    assert matched(ctx, [dict(f, value=400)]) == ["web.example.com"]
    assert matched(ctx, [dict(f, value=300)]) == []


def test_tags_and_delete(ctx, acm):
    keep, drop = cert(acm, "keep"), cert(acm, "drop", {"Name": "drop", "old": "x"})
    meta = Policy({"name": "p", "resource": "acm-certificate", "filters": [{"tag:Name": "drop"}],
                   "actions": [{"type": "tag", "key": "owner", "value": "me"},
                               {"type": "remove-tag", "tags": ["old"]}]}, ctx).run()
    assert not meta["errors"]
    assert acm.list_tags_for_certificate(CertificateArn=drop)["Tags"] == [
        {"Key": "Name", "Value": "drop"}, {"Key": "owner", "Value": "me"}]
    ctx.cache.clear()
    meta = Policy({"name": "p", "resource": "acm-certificate", "filters": [{"tag:Name": "drop"}],
                   "actions": ["delete"]}, ctx).run()
    assert meta["actions"][0]["succeeded"] == 1
    left = acm.list_certificates()["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in left] == [keep]
