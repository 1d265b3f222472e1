"""``maid org run`` on event-mode policies: deployed to every account x region in parallel
with the same plan/apply as ``maid run``; an unchanged redeploy writes nothing; shared rules
and bundles per account."""
from .test_deploy import writes
from .test_org import PERIODIC, TRUST_ANY, fleet, run  # noqa: F401 (fixture)

LAUNCH = """
policies:
  - name: launch-a
    resource: ec2
    mode: {type: cloudtrail, events: [RunInstances], role: maid-lambda}
    filters: [{tag:Owner: absent}]
  - name: launch-b
    resource: ec2
    mode: {type: cloudtrail, events: [RunInstances], role: maid-lambda}
    filters: [{tag:Team: absent}]
"""


def roles(fleet):
    for name in ("dev", "prod"):
        fleet[name].client("iam").create_role(RoleName="maid-lambda", AssumeRolePolicyDocument=TRUST_ANY)


def test_unchanged_org_redeploy_writes_nothing(tmp_path, fleet):
    roles(fleet)
    _, first, lines = run(tmp_path, policies=PERIODIC + LAUNCH.split("policies:\n", 1)[1],
                          regions=["us-east-1", "us-west-2"], workers=4)
    assert first.code == 0 and first.tasks == 4, lines
    made = writes(dict(first.api_calls))
    # 3 policies in each of 2 accounts x 2 regions
    assert made["lambda.CreateFunction"] == 12 and made["events.PutRule"] == 12
    _, again, lines = run(tmp_path, policies=PERIODIC + LAUNCH.split("policies:\n", 1)[1],
                          regions=["us-east-1", "us-west-2"], workers=4)
    # assuming each account's role once is the only call that is not a read
    assert again.code == 0 and writes(dict(again.api_calls)) == {"sts.AssumeRole": 2}


def test_org_deploy_bundles_per_account(tmp_path, fleet):
    roles(fleet)
    _, summary, lines = run(tmp_path, policies=LAUNCH, regions=["us-east-1"], bundle=True)
    assert summary.code == 0, lines
    for name in ("dev", "prod"):
        names = [f["FunctionName"] for f in fleet[name].client("lambda").list_functions()["Functions"]]
        assert len(names) == 1 and "bundle-" in names[0]


CENTRAL = """
policies:
  - name: central-owner
    resource: ec2
    mode: {type: cloudtrail, events: [RunInstances], role: "arn:aws:iam::111111111111:role/maid-lambda",
           member-role: "arn:aws:iam::{account_id}:role/maid-member"}
    filters: [{tag:Owner: absent}]
"""


def test_a_member_role_policy_deploys_only_in_its_central_account(tmp_path, fleet):
    roles(fleet)
    _, summary, lines = run(tmp_path, policies=CENTRAL, regions=["us-east-1"])
    assert summary.code == 0, lines
    dev = [f["FunctionName"] for f in fleet["dev"].client("lambda").list_functions()["Functions"]]
    prod = [f["FunctionName"] for f in fleet["prod"].client("lambda").list_functions()["Functions"]]
    assert dev == ["maid-central-owner"] and prod == []
    assert any("prod: central-owner: skipped in us-east-1: a member-role policy deploys in its "
               "central account 111111111111 only" in line for line in lines)
