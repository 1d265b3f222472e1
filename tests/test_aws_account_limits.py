"""service-limit (Trusted Advisor) and access-analyzer, which moto lacks: botocore's Stubber
answers with real response shapes; missing (a policy within the policy) against moto."""
import datetime

import boto3
from botocore.stub import Stubber

from .test_aws_account import matched, problems, run

NOW = datetime.datetime.now(datetime.timezone.utc)
CHECKS = {"checks": [
    {"id": "jL7PP0l7J9", "name": "VPC", "description": "VPCs per region",
     "category": "service_limits", "metadata": ["Region", "Service", "Limit Name",
                                                 "Limit Amount", "Current Usage", "Status"]},
    {"id": "tV7YY0l7J9", "name": "IAM Roles", "description": "roles",
     "category": "service_limits", "metadata": []},
    {"id": "eW7HH0l7J9", "name": "Deprecated", "description": "d",
     "category": "service_limits", "metadata": []},
    {"id": "Qch7DwouX1", "name": "Low Utilization", "description": "cost",
     "category": "cost_optimizing", "metadata": []},
]}


def result(check_id, flagged, when=NOW):
    return {"result": {
        "checkId": check_id, "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "status": "warning",
        "resourcesSummary": {"resourcesProcessed": 1, "resourcesFlagged": len(flagged),
                             "resourcesIgnored": 0, "resourcesSuppressed": 0},
        "categorySpecificSummary": {},
        "flaggedResources": [{"status": status, "region": meta[0], "resourceId": f"r{i}",
                              "metadata": meta} for i, (status, meta) in enumerate(flagged)]}}


VPC = [("warning", ["us-east-1", "VPC", "VPCs", "5", "4", "Yellow"]),
       ("ok", ["us-east-1", "VPC", "Internet gateways", "5", "1", "Green"]),
       ("warning", ["eu-west-1", "VPC", "VPCs", "5", "5", "Red"])]
ROLES = [("warning", ["-", "IAM", "Roles", "1000", "900", "Yellow"])]


def support(ctx, *results, refreshes=0):
    client = ctx.session_factory.client("support", "us-east-1")
    stub = Stubber(client)
    stub.add_response("describe_trusted_advisor_checks", CHECKS, {"language": "en"})
    for check_id, flagged, *when in results:
        stub.add_response("describe_trusted_advisor_check_result",
                          result(check_id, flagged, *when),
                          {"checkId": check_id, "language": "en"})
    for check_id in range(refreshes):
        stub.add_response("refresh_trusted_advisor_check", {"status": {
            "checkId": "jL7PP0l7J9", "status": "enqueued", "millisUntilNextRefreshable": 0}})
    stub.activate()
    return stub


def test_service_limit_names_and_region(ctx):
    with support(ctx, ("jL7PP0l7J9", VPC)) as stub:
        found = matched(ctx, {"type": "service-limit", "names": ["vpc*"]})
    stub.assert_no_pending_responses()
    exceeded = found[0]["c7n:ServiceLimitsExceeded"]
    # only this region's limits, not the ok one (no threshold)
    assert [(e["check"], e["extant"], e["name"], e["check_id"]) for e in exceeded] == [
        ("VPCs", "4", "VPC", "jL7PP0l7J9")]
    assert exceeded[0]["percentage"] == 80.0
    assert len(found[0]["c7n:ServiceLimits"]) == 1


def test_service_limit_threshold_and_limits(ctx):
    with support(ctx, ("jL7PP0l7J9", VPC)):
        assert not matched(ctx, {"type": "service-limit", "names": ["VPC"], "threshold": 90})
    with support(ctx, ("jL7PP0l7J9", VPC)):
        found = matched(ctx, {"type": "service-limit", "names": ["VPC"], "threshold": 10,
                              "limits": ["internet*"]})
    assert [e["check"] for e in found[0]["c7n:ServiceLimitsExceeded"]] == ["Internet gateways"]


def test_service_limit_services_and_global_limits(ctx):
    # services: check names are prefixes (spaces removed); IAM's limits are global ('-')
    with support(ctx, ("tV7YY0l7J9", ROLES)):
        found = matched(ctx, {"type": "service-limit", "services": ["IAM"]})
    assert found[0]["c7n:ServiceLimitsExceeded"][0]["check"] == "Roles"


def test_service_limit_refreshes_old_results_except_in_dry_runs(ctx):
    old = NOW - datetime.timedelta(days=3)
    with support(ctx, ("jL7PP0l7J9", VPC, old), refreshes=1) as stub:
        assert matched(ctx, {"type": "service-limit", "names": ["VPC"], "refresh_period": 2})
    stub.assert_no_pending_responses()
    ctx.dryrun = True
    with support(ctx, ("jL7PP0l7J9", VPC, old)) as stub:   # no refresh response queued
        assert matched(ctx, {"type": "service-limit", "names": ["VPC"]})
    stub.assert_no_pending_responses()


def test_service_limit_schema():
    assert problems({"type": "service-limit", "services": ["EC2"], "threshold": 1.0}) == []
    assert problems({"type": "service-limit", "services": ["Lambda"]})


# -- access-analyzer -----------------------------------------------------------------------------
def analyzers(ctx, *statuses):
    client = ctx.session_factory.client("accessanalyzer")
    stub = Stubber(client)
    stub.add_response("list_analyzers", {"analyzers": [
        {"arn": f"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a{i}",
         "name": f"a{i}", "type": "ACCOUNT", "createdAt": NOW, "status": s}
        for i, s in enumerate(statuses)]})
    stub.activate()
    return stub


def test_access_analyzer(ctx):
    with analyzers(ctx, "CREATING", "ACTIVE"):
        found = matched(ctx, {"type": "access-analyzer", "key": "status", "value": "ACTIVE"})
    assert [a["name"] for a in found[0]["c7n:matched-analyzers"]] == ["a1"]
    with analyzers(ctx):
        assert not matched(ctx, {"type": "access-analyzer", "key": "status", "value": "ACTIVE"})
    with analyzers(ctx, "FAILED"):
        assert not matched(ctx, {"type": "access-analyzer", "key": "status", "value": "ACTIVE"})


# -- missing --------------------------------------------------------------------------------------
def test_missing_matches_when_the_embedded_policy_finds_nothing(ctx):
    embedded = {"type": "missing", "policy": {"resource": "s3", "filters": [
        {"Name": "audit-logs"}]}}
    assert matched(ctx, embedded)
    boto3.client("s3").create_bucket(Bucket="other")
    assert matched(ctx, embedded)
    boto3.client("s3").create_bucket(Bucket="audit-logs")
    assert not matched(ctx, embedded)


def test_missing_with_conditions_that_do_not_hold_matches_nothing(ctx):
    assert not matched(ctx, {"type": "missing", "policy": {
        "resource": "s3", "conditions": [{"type": "value", "key": "region",
                                          "value": "eu-west-1"}]}})


def test_missing_validates_the_embedded_policy():
    assert problems({"type": "missing", "policy": {"resource": "s3"}}) == []
    found = problems({"type": "missing", "policy": {"resource": "s3", "actions": ["delete"]}})
    assert any("actions" in m for m in found), found
    found = problems({"type": "missing", "policy": {"resource": "s3", "mode": {"type": "pull"}}})
    assert any("mode" in m for m in found), found
    found = problems({"type": "missing", "policy": {"resource": "s4"}})
    assert any("unknown resource type 's4'" in m for m in found), found
    found = problems({"type": "missing", "policy": {"resource": "s3", "filters": [
        {"type": "nope"}]}})
    assert any("nope" in m for m in found), found
    assert any("policy" in m for m in problems("missing"))


def test_missing_runs_in_the_policy_run(ctx):
    meta = run(ctx, [{"type": "missing", "policy": {"resource": "s3"}}])
    assert meta["resources"] == {"candidates": 1, "matched": 1}


def test_a_function_with_missing_ships_the_embedded_type():
    from cloudmaid.mu.package import runtime_files
    files = runtime_files({"name": "p", "resource": "account", "mode": {"type": "periodic"},
                           "filters": [{"type": "missing", "policy": {
                               "resource": "s3", "filters": [{"type": "bucket-encryption"}]}}]})
    assert {"cloudmaid/aws/s3/types.py", "cloudmaid/aws/s3/filters.py",
            "cloudmaid/aws/account/missing.py"} <= set(files)
    assert "cloudmaid/validate.py" not in files
