"""Deploying many policies: bulk reads shared by every policy (remote.View), a bounded pool
of policies in flight, output in file order, reserved concurrency read only where it matters."""
import boto3
import pytest
from botocore.stub import Stubber

from cloudmaid.mu import remote
from cloudmaid.mu.models import TAG_POLICY

from .test_deploy import CLOUDTRAIL, PERIODIC, lam, run_deploy, specs_of, writes  # noqa: F401 (fixture)

N = 12


def many(n=N):
    out = []
    for i in range(n):
        base = (CLOUDTRAIL, PERIODIC)[i % 2]
        out.append(dict(base, name=f"{base['name']}-{i:02d}"))
    return out


@pytest.fixture
def role(aws):
    return boto3.client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def per_policy(calls, op):
    return calls.get(op, 0)


def test_unchanged_redeploy_of_many_reads_in_bulk_and_writes_nothing(ctx, role, tmp_path):
    specs = specs_of(tmp_path, *many())
    code, first, _ = run_deploy(specs, ctx)
    assert code == 0
    assert writes(first) == {"lambda.CreateFunction": N, "events.PutRule": N,
                             "events.PutTargets": N, "lambda.AddPermission": N}
    code, again, lines = run_deploy(specs, ctx)
    assert code == 0 and writes(again) == {}
    assert lines == [f"{p['name']}: function maid-{p['name']} in us-east-1: up to date" for p in many()]
    # one listing each for the whole deploy, not a describe per policy
    assert again["lambda.ListFunctions"] == 1 and again["events.ListRules"] == 1
    assert again["resourcegroupstaggingapi.GetResources"] == 1
    assert "lambda.GetFunction" not in again and "events.DescribeRule" not in again
    assert "lambda.GetFunctionConcurrency" not in again          # no policy reserves any
    # per policy only what has no bulk form: its rule's targets and its resource policy
    # (plus the rule's tags, which moto's tagging API does not list; AWS's does)
    assert again["events.ListTargetsByRule"] == N and again["lambda.GetPolicy"] == N
    assert again.get("events.ListTagsForResource", 0) == N
    assert again["events.ListEventBuses"] == 1
    assert sum(again.values()) == 4 + 3 * N


def test_rule_tags_from_the_tagging_listing_are_not_read_again(ctx, role, tmp_path):
    """Where the tagging API lists the rules (AWS does), a redeploy reads 2 calls per policy."""
    specs = specs_of(tmp_path, *many(4))
    assert run_deploy(specs, ctx)[0] == 0
    lam, events = boto3.client("lambda"), boto3.client("events")
    listed = []
    for p in many(4):
        name = f"maid-{p['name']}"
        fn = lam.get_function(FunctionName=name)
        rule = events.describe_rule(Name=name)
        for arn, tags in ((fn["Configuration"]["FunctionArn"], fn["Tags"]),
                          (rule["Arn"], {t["Key"]: t["Value"] for t in
                                         events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]})):
            listed.append({"ResourceARN": arn, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]})
    tagging = ctx.session_factory.client("resourcegroupstaggingapi")
    with Stubber(tagging) as stub:
        stub.add_response("get_resources", {"ResourceTagMappingList": listed}, {
            "ResourceTypeFilters": ["lambda:function", "events:rule"], "TagFilters": [{"Key": TAG_POLICY}]})
        code, again, _ = run_deploy(specs, ctx)
        stub.assert_no_pending_responses()
    assert code == 0 and writes(again) == {}
    assert "events.ListTagsForResource" not in again and "lambda.ListTags" not in again
    # ListFunctions, ListEventBuses, ListRules and 2 per policy (the stubbed tagging
    # listing is not counted)
    assert sum(again.values()) == 3 + 2 * 4


def test_reserved_concurrency_is_read_for_policies_that_have_one(ctx, role, lam, tmp_path):
    reserved = dict(PERIODIC, mode=dict(PERIODIC["mode"], concurrency=3))
    assert run_deploy(specs_of(tmp_path, reserved), ctx)[0] == 0
    code, again, _ = run_deploy(specs_of(tmp_path, reserved), ctx)
    assert code == 0 and writes(again) == {} and again["lambda.GetFunctionConcurrency"] == 1
    # the policy drops ``concurrency``: its function's tag says it had one, so it is removed
    code, calls, _ = run_deploy(specs_of(tmp_path, PERIODIC), ctx)
    assert code == 0 and calls["lambda.DeleteFunctionConcurrency"] == 1
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="maid-nightly")
    code, calls, _ = run_deploy(specs_of(tmp_path, PERIODIC), ctx)
    assert writes(calls) == {} and "lambda.GetFunctionConcurrency" not in calls


def test_one_policy_failing_does_not_stop_the_others(ctx, role, tmp_path):
    bad = dict(CLOUDTRAIL, name="broken", mode=dict(CLOUDTRAIL["mode"], role="arn:aws:iam::123456789012:role/missing"))
    ok = many(3)
    lines = []
    from cloudmaid.mu import deploy
    code = deploy.deploy(specs_of(tmp_path, ok[0], bad, *ok[1:]), ctx,
                         echo=lambda m, err=False: lines.append((m, err)))
    assert code == 1
    names = {f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]}
    assert {f"maid-{p['name']}" for p in ok} <= names
    errors = [m for m, err in lines if err]
    assert len(errors) == 1 and errors[0].startswith("broken: ")


def test_view_lists_once_across_threads(ctx, role, tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    assert run_deploy(specs_of(tmp_path, *many(4)), ctx)[0] == 0
    view = remote.View(ctx.session_factory)
    before = ctx.counter.snapshot()
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda p: view.function(f"maid-{p['name']}"), many(4) * 4))
    assert all(found) and ctx.counter.since(before) == {"lambda.ListFunctions": 1}


def test_more_rules_than_the_bus_allows_fails_at_plan_time_writing_nothing(ctx, role, tmp_path, monkeypatch):
    from cloudmaid.mu import quotas
    events = boto3.client("events")
    for i in range(4):
        events.put_rule(Name=f"someone-else-{i}", ScheduleExpression="rate(1 day)")
    monkeypatch.setattr(quotas, "DEFAULT_RULES_PER_BUS", 6)   # moto has no Service Quotas
    lines = []
    from cloudmaid.mu import deploy
    before = ctx.counter.snapshot()
    code = deploy.deploy(specs_of(tmp_path, *many(3)), ctx, echo=lambda m, err=False: lines.append((m, err)))
    assert code == 1 and writes(ctx.counter.since(before)) == {}
    assert lines == [("deploy in us-east-1: 7 rules on event bus 'default' after this deploy (4 there, "
                      "3 new), over its quota of 6: raise the quota 'Rules per event bus', deploy with "
                      "--share-rules or --bundle, or deploy fewer pattern/schedule policies to "
                      "this region", True)]
    # within the quota it deploys; an unchanged redeploy adds no rule, so it is not re-checked
    assert deploy.deploy(specs_of(tmp_path, *many(2)), ctx, echo=lambda m, err=False: None) == 0
    assert deploy.deploy(specs_of(tmp_path, *many(2)), ctx, echo=lambda m, err=False: None) == 0
