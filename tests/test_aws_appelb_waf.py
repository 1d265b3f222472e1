"""app-elb waf-enabled (WAF Classic regional: moto lacks it, so botocore's Stubber with real
response shapes) and wafv2-enabled (moto)."""
import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.policy import Policy
from cloudmaid.validate import PolicyChecker

from .test_aws_appelb import lb  # noqa: F401 -- the fixture


def run(ctx, filters):
    meta = Policy({"name": "p", "resource": "app-elb", "filters": filters}, ctx).run()
    assert not meta["errors"], meta["errors"]
    return sorted(r["LoadBalancerName"] for r in meta["matched"])


@pytest.fixture
def classic(ctx):
    """A Stubber on the context's waf-regional client: web ACL 'prod' associated with ``arn``."""
    client = ctx.session_factory.client("waf-regional")

    def expect(arn, full=False):
        stub = Stubber(client)
        stub.add_response("list_web_acls", {"WebACLs": [{"WebACLId": "acl-1", "Name": "prod"}]},
                          {"Limit": 100})
        if full:
            stub.add_response("get_web_acl", {"WebACL": {
                "WebACLId": "acl-1", "Name": "prod", "DefaultAction": {"Type": "ALLOW"},
                "Rules": []}}, {"WebACLId": "acl-1"})
        stub.add_response("list_resources_for_web_acl", {"ResourceArns": [arn]},
                          {"WebACLId": "acl-1", "ResourceType": "APPLICATION_LOAD_BALANCER"})
        stub.activate()
        return stub
    return expect


def test_waf_enabled_legacy_form(ctx, lb, classic):  # noqa: F811
    protected, _ = lb("protected")
    lb("open")
    stub = classic(protected)
    assert run(ctx, [{"type": "waf-enabled", "state": True, "web-acl": "prod"}]) == ["protected"]
    stub.assert_no_pending_responses()
    stub.deactivate()
    ctx.cache.clear()
    classic(protected)
    assert run(ctx, ["waf-enabled"]) == ["open"]          # state defaults to false


def test_waf_enabled_value_form(ctx, lb, classic):  # noqa: F811
    protected, _ = lb("protected")
    lb("open")
    classic(protected, full=True)
    # the value filter reads the associated WebACL, {} when none (absent keys are "empty")
    assert run(ctx, [{"type": "waf-enabled", "key": "DefaultAction.Type", "value": "ALLOW"}]) \
        == ["protected"]


def test_waf_forms_do_not_mix():
    problems = PolicyChecker({"name": "p", "resource": "app-elb", "filters": [
        {"type": "waf-enabled", "state": True, "key": "Rules", "value": "empty"}]}).run()
    assert any("not both" in m for _, m, _ in problems), problems


def test_wafv2_enabled(ctx, lb):  # noqa: F811
    protected, _ = lb("protected")
    lb("open")
    wafv2 = boto3.client("wafv2", region_name="us-east-1")
    acl = wafv2.create_web_acl(Name="FMManagedWebACLV2-prod", Scope="REGIONAL",
                               DefaultAction={"Allow": {}}, VisibilityConfig={
                                   "SampledRequestsEnabled": False,
                                   "CloudWatchMetricsEnabled": False, "MetricName": "m"})
    wafv2.associate_web_acl(WebACLArn=acl["Summary"]["ARN"], ResourceArn=protected)
    assert run(ctx, [{"type": "wafv2-enabled", "state": True,
                      "web-acl": ".*FMManagedWebACLV2-.*"}]) == ["protected"]
    assert run(ctx, [{"type": "wafv2-enabled", "state": False}]) == ["open"]
    assert run(ctx, [{"type": "wafv2-enabled", "key": "Name", "value": "absent"}]) == ["open"]
