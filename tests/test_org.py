"""``maid org``: the accounts file, selection, vars, and runs over several accounts in moto
(in-process; moto serves another account to credentials assumed into it)."""
import datetime
import io
import json
import textwrap
import zipfile

import boto3
import pytest

from cloudmaid import loader
from cloudmaid.org import accounts as acc
from cloudmaid.org.creds import AccountCredentials, Hub
from cloudmaid.org.report import report
from cloudmaid.org.runner import OrgOptions, run_org
from cloudmaid.validate import read_policies

ACCOUNTS = """
vars: {owner: ops}
accounts:
  - account_id: "111111111111"
    name: dev
    role: maid
    external_id: dev-secret
    regions: [us-east-1, us-west-2]
    tags: [env:dev, pci]
    vars: {charge_code: xyz}
  - account_id: "222222222222"
    name: prod
    role: arn:aws:iam::222222222222:role/maid
    regions: [us-east-1, us-west-2]
    tags: [env:prod]
    vars: {charge_code: abc, owner: payments}
"""

POLICIES = """
policies:
  - name: wrong-cost-center
    resource: ebs
    filters:
      - not:
          - tag:CostCenter: "{charge_code}"
    actions:
      - type: tag
        key: Owner
        value: "{owner}"
  - name: buckets
    resource: s3
"""


def source(text, name="accounts.yml"):
    return loader.loads(textwrap.dedent(text).lstrip("\n"), name)


def accounts_of(text):
    found, problems = acc.parse(source(text))
    assert problems == []
    return found


def specs_of(text):
    specs, problems = read_policies(source(text, "policies.yml"))
    assert problems == []
    return specs


def problems_of(text):
    return acc.parse(source(text))[1]


# -- the accounts file ---------------------------------------------------------------------------
def test_accounts_file_reads_as_c7n_org():
    dev, prod = accounts_of(ACCOUNTS)
    assert dev.roles == ("arn:aws:iam::111111111111:role/maid",)   # a bare name: its own role
    assert dev.external_id == "dev-secret" and dev.tags == ("env:dev", "pci")
    assert dev.vars == {"owner": "ops", "charge_code": "xyz"}       # the file's vars as defaults
    assert prod.vars == {"owner": "payments", "charge_code": "abc"}
    assert acc.regions_for(dev) == ["us-east-1", "us-west-2"]
    assert acc.regions_for(dev, ["eu-west-1,eu-central-1"]) == ["eu-west-1", "eu-central-1"]
    bare = accounts_of('accounts: [{account_id: "333333333333", role: r}]')[0]
    assert bare.name == "333333333333" and acc.regions_for(bare) == list(acc.DEFAULT_REGIONS)


def test_accounts_file_problems_are_one_line_each():
    problems = problems_of("""
    accounts:
      - account_id: 111111111111
        name: dev
        role: maid
      - account_id: "222222222222"
        name: prod
        regoins: [us-east-1]
        role: maid
      - account_id: "333333333333"
        name: chain
        role: [arn:aws:iam::444444444444:role/hub, spoke]
        regions: [us-westt-2]
      - account_id: "555555555555"
        name: nothing
      - account_id: "666666666666"
        name: prod
        role: maid
        vars: {region: x}
    """)
    assert problems == [
        "accounts.yml:2: account 'dev': account_id: expected 12 digits as a string "
        "(quote it: '012345678901')",
        "accounts.yml:7: account 'prod': unknown key 'regoins' (did you mean 'regions'?)",
        "accounts.yml:11: account 'chain': role: 'spoke' is not a role ARN "
        "(arn:aws:iam::ACCOUNT:role/NAME)",
        "accounts.yml:12: account 'chain': regions: unknown region 'us-westt-2' "
        "(did you mean 'us-west-2'?)",
        "accounts.yml:13: account 'nothing': needs a 'role' (or a 'profile') to reach the account",
        "accounts.yml:18: account 'prod': vars.region: 'region' is set by the run, not by vars",
    ]
    assert problems_of('accounts: [{account_id: "111111111111", name: a, role: r}, '
                       '{account_id: "222222222222", name: a, role: r}]') == [
        "accounts.yml:1: account 'a': name: duplicate account name (first at line 1); "
        "it names the output folder"]
    assert problems_of("subscriptions: []") == [
        "accounts.yml:1: subscriptions: only AWS accounts are supported (an 'accounts:' list)"]


def test_role_list_is_a_chain_of_arns():
    account = accounts_of("""
    accounts:
      - account_id: "222222222222"
        role: [arn:aws:iam::111111111111:role/hub, arn:aws:iam::222222222222:role/spoke]
    """)[0]
    assert account.roles == ("arn:aws:iam::111111111111:role/hub",
                             "arn:aws:iam::222222222222:role/spoke")


def test_selection_by_name_id_and_tags():
    accounts = accounts_of(ACCOUNTS)
    names = lambda picked: [a.name for a in picked]  # noqa: E731
    assert names(acc.select(accounts, ["dev,222222222222"])) == ["dev", "prod"]
    assert names(acc.select(accounts, tags=["env:dev", "pci"])) == ["dev"]   # all tags
    assert names(acc.select(accounts, tags=["pci"])) == ["dev"]              # a bare tag
    assert names(acc.select(accounts, not_names=["dev"])) == ["prod"]
    with pytest.raises(acc.AccountsError) as e:
        acc.select(accounts, ["prdo"])
    assert e.value.lines == ["-a prdo: no such account (did you mean 'prod'?)"]
    with pytest.raises(acc.AccountsError) as e:
        acc.select(accounts, tags=["env:test"])
    assert e.value.lines == ["no account matches the selection (tags: env:test)"]


# -- vars ------------------------------------------------------------------------------------------
def test_vars_expand_as_custodian_formats_them():
    values = {"ids": ["1", "2"], "days": 30, "code": "xyz", "account": "dev"}
    data = {"a": "{ids}", "b": "cc-{code}-{days:03d}", "c": "{region}/{op}", "d": ["{days}"],
            "e": "{account}", "f": "\\d{3}"}
    assert acc.expand(data, values) == {"a": ["1", "2"], "b": "cc-xyz-030",
                                        "c": "{region}/{op}", "d": [30], "e": "dev",
                                        "f": "\\d{3}"}


def test_a_var_missing_in_one_account_and_bad_values_are_named():
    accounts = accounts_of("""
    accounts:
      - {account_id: "111111111111", name: a, role: r, vars: {days: 5, code: x}}
      - {account_id: "222222222222", name: b, role: r, vars: {days: soon, code: y}}
      - {account_id: "333333333333", name: c, role: r, vars: {days: 7}}
    """)
    specs = specs_of("""
    policies:
      - name: old
        resource: ebs
        filters:
          - type: value
            key: CreateTime
            value_type: age
            op: gt
            value: "{days}"
          - tag:Code: "{code}"
    """)
    assert acc.check_accounts(accounts, specs) == [
        "policies.yml:9: policy 'old': filters[0].value: value_type 'age' needs a number of "
        "days, got string 'soon' (account b)",
        "policies.yml:10: policy 'old': filters[1].tag:Code: uses {code}, which this "
        "account's vars do not set (account c)",
    ]
    assert acc.check_accounts(accounts[:1], specs) == []


def test_notify_subject_stays_a_template():
    account = accounts_of('accounts: [{account_id: "111111111111", name: a, role: r, '
                          'vars: {team: x}}]')[0]
    spec = specs_of("""
    policies:
      - name: n
        resource: ebs
        actions:
          - type: notify
            subject: "{team}: {{ account }}"
            to: ["{team}@example.com"]
            transport: {type: sqs, queue: q}
    """)[0]
    (out,), _ = acc.policies_for(account, [spec])
    assert out.data["actions"][0]["subject"] == "{team}: {{ account }}"
    assert out.data["actions"][0]["to"] == ["x@example.com"]


# -- runs in moto ----------------------------------------------------------------------------------
def session_in(account_id, region="us-east-1"):
    c = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/admin",
                                        RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                         aws_session_token=c["SessionToken"], region_name=region)


def volume(session, region, tags=None):
    ec2 = session.client("ec2", region_name=region)
    spec = [{"ResourceType": "volume", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}] \
        if tags else []
    return ec2.create_volume(Size=1, AvailabilityZone=f"{region}a", TagSpecifications=spec)["VolumeId"]


@pytest.fixture
def fleet(monkeypatch):
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")   # each account x region's EC2
    from moto import mock_aws
    with mock_aws():
        yield seed()


def seed():
    dev, prod = session_in("111111111111"), session_in("222222222222")
    ids = {
        "dev-ok": volume(dev, "us-east-1", {"CostCenter": "xyz"}),
        "dev-wrong": volume(dev, "us-east-1", {"CostCenter": "abc"}),
        "dev-west": volume(dev, "us-west-2"),
        "prod-ok": volume(prod, "us-east-1", {"CostCenter": "abc"}),
        "prod-wrong": volume(prod, "us-east-1", {"CostCenter": "xyz"}),
    }
    dev.client("s3").create_bucket(Bucket="dev-bucket")
    prod.client("s3").create_bucket(Bucket="prod-bucket")
    return {"dev": dev, "prod": prod, "ids": ids}


def ids(out, *parts):
    path = out.joinpath(*parts, "resources.json")
    return sorted(r.get("VolumeId") or r.get("Name") for r in json.loads(path.read_text()))


def tags_of(session, volume_id):
    v = session.client("ec2").describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
    return {t["Key"]: t["Value"] for t in v.get("Tags", [])}


def run(tmp_path, accounts_text=ACCOUNTS, policies=POLICIES, hub=None, **kw):
    out = tmp_path / "out"
    lines = []
    summary = run_org(accounts_of(accounts_text), specs_of(policies),
                      OrgOptions(output_dir=str(out), **kw),
                      echo=lambda m, err=False: lines.append(m), hub=hub)
    return out, summary, lines


def test_each_account_runs_its_own_policies_with_its_vars(tmp_path, fleet):
    hub = Hub()
    out, summary, lines = run(tmp_path, hub=hub, workers=3)
    assert summary.code == 0 and summary.tasks == 4, lines
    f = fleet["ids"]
    assert ids(out, "dev", "us-east-1", "wrong-cost-center") == [f["dev-wrong"]]
    assert ids(out, "dev", "us-west-2", "wrong-cost-center") == [f["dev-west"]]
    assert ids(out, "prod", "us-east-1", "wrong-cost-center") == [f["prod-wrong"]]
    assert ids(out, "prod", "us-west-2", "wrong-cost-center") == []
    # the tag action wrote each account's own var
    assert tags_of(fleet["dev"], f["dev-wrong"])["Owner"] == "ops"
    assert tags_of(fleet["prod"], f["prod-wrong"])["Owner"] == "payments"
    assert "Owner" not in tags_of(fleet["dev"], f["dev-ok"])
    # global types run once per account, in its first region
    assert ids(out, "dev", "us-east-1", "buckets") == ["dev-bucket"]
    assert ids(out, "prod", "us-east-1", "buckets") == ["prod-bucket"]
    assert not (out / "dev" / "us-west-2" / "buckets").exists()
    # each account's role assumed once, whatever its regions; the external id passed
    assert summary.api_calls["sts.AssumeRole"] == 2
    from moto.sts.models import sts_backends
    assumed = sts_backends["111111111111"]["aws"].assumed_roles
    assert [(r.role_arn, r.external_id) for r in assumed if r.session_name == "cloudmaid"] == [
        ("arn:aws:iam::111111111111:role/maid", "dev-secret")]
    status = json.loads((out / "dev" / "us-west-2" / "maid-org.json").read_text())
    assert status["status"] == "ok" and status["policies"] == ["wrong-cost-center"]
    meta = json.loads((out / "dev" / "us-east-1" / "wrong-cost-center" / "metadata.json").read_text())
    assert meta["config"]["account_id"] == "111111111111"
    assert "dev: wrong-cost-center: 1 ebs matched in us-east-1, tag: 1 ok" in lines


def test_run_log_holds_only_its_own_policy(tmp_path, fleet):
    out, summary, _ = run(tmp_path, workers=4, dryrun=True)
    log = (out / "prod" / "us-east-1" / "wrong-cost-center" / "run.log").read_text()
    assert "policy:wrong-cost-center" in log and "region:us-east-1" in log
    assert "region:us-west-2" not in log and "policy:buckets" not in log


def test_dryrun_writes_nothing(tmp_path, fleet):
    out, summary, lines = run(tmp_path, dryrun=True)
    assert summary.code == 0
    assert "dev: wrong-cost-center: 1 ebs matched in us-east-1, would tag 1 ebs resource(s)" in lines
    assert "Owner" not in tags_of(fleet["dev"], fleet["ids"]["dev-wrong"])


# -- an account that denies us -----------------------------------------------------------------
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
TRUST_ANY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture
def enforced(fleet, monkeypatch):
    """moto checks IAM from here on: the caller (user ``hub``) may assume ``maid`` in dev and
    prod only; a third account, ``denied``, refuses it (AccessDenied)."""
    from moto import settings
    from moto.core.responses import ActionAuthenticatorMixin
    monkeypatch.setattr(ActionAuthenticatorMixin, "request_count", 0)
    monkeypatch.setattr(settings, "INITIAL_NO_AUTH_ACTION_COUNT", float("inf"))
    iam = boto3.client("iam")
    iam.create_user(UserName="hub")
    iam.put_user_policy(UserName="hub", PolicyName="assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Resource": ["arn:aws:iam::111111111111:role/maid",
                                                              "arn:aws:iam::222222222222:role/maid"]}]}))
    key = iam.create_access_key(UserName="hub")["AccessKey"]
    for name in ("dev", "prod"):
        target = fleet[name].client("iam")
        target.create_role(RoleName="maid", AssumeRolePolicyDocument=TRUST_ANY)
        target.put_role_policy(RoleName="maid", PolicyName="all", PolicyDocument=ALLOW_ALL)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    monkeypatch.delenv("AWS_SECURITY_TOKEN")
    monkeypatch.setattr(settings, "INITIAL_NO_AUTH_ACTION_COUNT", ActionAuthenticatorMixin.request_count)


DENIED = ACCOUNTS + """
  - account_id: "333333333333"
    name: denied
    role: maid
    regions: [us-east-1, us-west-2]
"""


def test_an_account_that_denies_us_fails_alone(tmp_path, enforced):
    out, summary, lines = run(tmp_path, accounts_text=DENIED, dryrun=True)
    assert summary.code == 1
    assert summary.tasks == 6
    denied = [line for line in summary.failed if line.startswith("denied/")]
    assert len(denied) == 2 and "AccessDenied" in denied[0], summary.failed
    assert len(summary.failed) == 2
    # asked once for the account, not once per region
    assert summary.api_calls["sts.AssumeRole"] == 3
    assert ids(out, "prod", "us-east-1", "wrong-cost-center") == [enforced_ids(out)]
    status = json.loads((out / "denied" / "us-west-2" / "maid-org.json").read_text())
    assert status["status"] == "failed" and "AccessDenied" in status["errors"][0]
    # the report shows the others' resources and the failure, and fails
    text, problems = report(accounts_of(DENIED), specs_of(POLICIES), str(out))
    assert "prod     us-east-1  wrong-cost-center" in text
    assert [p.split(":")[0] for p in problems] == ["denied/us-east-1", "denied/us-west-2"]
    assert "failed or not run: 2" in text


def enforced_ids(out):
    return json.loads((out / "prod" / "us-east-1" / "wrong-cost-center" / "resources.json")
                      .read_text())[0]["VolumeId"]


def test_report_formats_and_missing_output(tmp_path, fleet):
    out, summary, _ = run(tmp_path, dryrun=True)
    accounts, specs = accounts_of(ACCOUNTS), specs_of(POLICIES)
    ebs = [s for s in specs if s.name == "wrong-cost-center"]
    text, problems = report(accounts, ebs, str(out), "csv")
    assert problems == []
    head, *rows = text.splitlines()
    assert head.startswith('"Account","Region","Policy","VolumeId"')
    assert sorted(r.split(",")[0] for r in rows) == ['"dev"', '"dev"', '"prod"']
    records = json.loads(report(accounts, ebs, str(out), "json")[0])
    assert {(r["account"], r["region"], r["env"]) for r in records} == {
        ("dev", "us-east-1", "dev"), ("dev", "us-west-2", "dev"), ("prod", "us-east-1", "prod")}
    text, problems = report(accounts, ebs, str(out), regions=["eu-west-1"])
    assert problems == [f"dev/eu-west-1: no output in {out}/dev/eu-west-1 (run it first with "
                        "maid org run)", f"prod/eu-west-1: no output in {out}/prod/eu-west-1 "
                        "(run it first with maid org run)"]


# -- credentials -----------------------------------------------------------------------------------
def test_credentials_refresh_before_they_expire(aws):
    account = accounts_of('accounts: [{account_id: "111111111111", name: a, role: maid}]')[0]
    hub = Hub()
    later = [None]
    creds = AccountCredentials(account, hub, clock=lambda: later[0] or
                               datetime.datetime.now(datetime.timezone.utc))
    factory = creds.factory("us-east-1")
    assert factory.client("sts").get_caller_identity()["Account"] == "111111111111"
    assert hub.counter.counts["sts.AssumeRole"] == 1
    creds.factory("us-west-2")                   # another region: the same credentials
    assert hub.counter.counts["sts.AssumeRole"] == 1
    later[0] = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=55)
    assert factory.client("ec2").describe_volumes()["Volumes"] == []
    assert hub.counter.counts["sts.AssumeRole"] == 2   # refreshed, then used


def test_role_chain_reaches_the_last_account(aws):
    account = accounts_of("""
    accounts:
      - account_id: "222222222222"
        name: spoke
        external_id: shared-id
        role: [arn:aws:iam::111111111111:role/hub, arn:aws:iam::222222222222:role/spoke]
    """)[0]
    hub = Hub()
    factory = AccountCredentials(account, hub).factory("us-east-1")
    assert factory.client("sts").get_caller_identity()["Arn"].startswith(
        "arn:aws:sts::222222222222:assumed-role/spoke/")
    assert hub.counter.counts["sts.AssumeRole"] == 2


def test_global_types_run_in_the_first_region_named():
    from cloudmaid.org import runner
    account = accounts_of('accounts: [{account_id: "111111111111", name: a, role: maid}]')[0]
    found = ["eu-west-1", "us-east-1", "us-west-2"]
    assert {t.home for t in runner.tasks_of(account, None, found, ["all"])} == {"us-east-1"}
    assert {t.home for t in runner.tasks_of(account, None, found, ["us-west-2", "eu-west-1"])} \
        == {"us-west-2"}


# -- fan-out on AWS: periodic policies deployed to every account ---------------------------------
PERIODIC = """
policies:
  - name: nightly-cost-center
    resource: ebs
    mode:
      type: periodic
      schedule: "rate(1 day)"
      role: maid-lambda
    filters:
      - not:
          - tag:CostCenter: "{charge_code}"
"""


def test_periodic_policies_deploy_to_each_account_with_its_vars(tmp_path, fleet):
    for name in ("dev", "prod"):
        fleet[name].client("iam").create_role(RoleName="maid-lambda",
                                              AssumeRolePolicyDocument=TRUST_ANY)
    out, summary, lines = run(tmp_path, policies=PERIODIC, regions=["us-east-1"])
    assert summary.code == 0, lines
    for name, account_id, code in (("dev", "111111111111", "xyz"), ("prod", "222222222222", "abc")):
        lam = fleet[name].client("lambda")
        fn = lam.get_function(FunctionName="maid-nightly-cost-center")
        assert fn["Configuration"]["Role"] == f"arn:aws:iam::{account_id}:role/maid-lambda"
        config = json.loads(zipfile.ZipFile(io.BytesIO(code_of(account_id))).read("config.json"))
        assert config["policy"]["filters"] == [{"not": [{"tag:CostCenter": code}]}]
        rule = fleet[name].client("events").describe_rule(Name="maid-nightly-cost-center")
        assert rule["ScheduleExpression"] == "rate(1 day)"


def code_of(account_id, name="maid-nightly-cost-center"):
    """The zip moto holds for a deployed function (its Code.Location is not served)."""
    from moto.awslambda.models import lambda_backends
    return lambda_backends[account_id]["us-east-1"].get_function(name).code_bytes


def test_nothing_is_held_per_account_once_written(tmp_path, fleet, monkeypatch):
    """Contexts (and the resources their caches hold) live only while their task runs."""
    import gc
    import weakref
    from cloudmaid.context import Context
    from cloudmaid.org import runner
    alive, most = weakref.WeakSet(), [0]

    class Counted(Context):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            gc.collect()    # only what is still reachable counts
            alive.add(self)
            most[0] = max(most[0], len(alive))

    monkeypatch.setattr(runner, "Context", Counted)
    out, summary, _ = run(tmp_path, dryrun=True, workers=1)
    assert summary.tasks == 4 and most[0] == 1
    gc.collect()
    assert len(alive) == 0


def test_all_regions_run_and_report(tmp_path, aws):
    session_in("111111111111", "eu-west-3").client("sqs").create_queue(QueueName="paris")
    text = 'accounts: [{account_id: "111111111111", name: a, role: maid, regions: [us-east-1]}]'
    policy = "policies: [{name: queues, resource: sqs}]"
    out, summary, lines = run(tmp_path, accounts_text=text, policies=policy, regions=["all"],
                              workers=4)
    assert summary.code == 0 and summary.tasks > 10, lines
    assert "a: queues: 1 sqs matched in eu-west-3" in lines
    assert summary.api_calls["ec2.DescribeRegions"] == 1
    rows, problems = report(accounts_of(text), specs_of(policy), str(out), "json", regions=["all"])
    assert problems == [] and [r["region"] for r in json.loads(rows)] == ["eu-west-3"]
