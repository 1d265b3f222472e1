"""Reading embedded policy documents: filters/policydoc.py decides, statement by statement,
exactly as Cloud Custodian's PolicyChecker did on the same cases (recorded in
tests/fixtures/policydoc_cases.json); the cross-account and has-statement filters and the
statement actions on top of it."""
import json
import pathlib

import pytest

from cloudmaid.actions.statements import ModifyPolicyAction, RemoveStatementsAction, remove
from cloudmaid.filters import policydoc
from cloudmaid.filters.crossaccount import CrossAccountFilter, HasStatementFilter, org_unit_problem

RECORDED = json.loads((pathlib.Path(__file__).parent / "fixtures" / "policydoc_cases.json").read_text())
OWN = "123456789012"
#: Custodian's checker_config names -> Checker arguments
CONFIG = {"allowed_accounts": "accounts", "allowed_vpce": "vpces", "allowed_vpc": "vpcs",
          "allowed_orgid": "orgids", "allowed_org_units": "org_units", "check_actions": "actions",
          "everyone_only": "everyone_only", "whitelist_conditions": "conditions",
          "whitelist_patterns": "patterns"}


@pytest.mark.parametrize("case", RECORDED["cases"], ids=lambda c: c["name"])
def test_checker_decides_as_custodian(case):
    kwargs = {"accounts": [OWN], "conditions": ["aws:userid", "aws:username"]}
    kwargs.update({CONFIG[k]: v for k, v in case["config"].items()})
    checker = policydoc.Checker(**kwargs)
    policy = {"Statement": case["statements"]}
    got = [case["statements"].index(s) for s in checker.violations(json.dumps(policy))]
    assert got == case["custodian"]


def test_documents_in_every_form():
    s = {"Effect": "Allow", "Principal": "*", "Action": "*"}
    assert policydoc.statements(json.dumps({"Statement": s})) == [s]   # one statement, no list
    assert policydoc.statements(None) == [] and policydoc.statements("not json") == []
    assert policydoc.account_of("arn:aws:iam::111:root") == "111"
    assert policydoc.account_of("111") == "111"


class Ctx:
    account_id, region, partition = OWN, "us-east-1", "aws"


class Manager:
    """What the filters read of a manager: its context (no AWS call is involved)."""
    ctx = Ctx()
    lazy_keys = frozenset()
    rtype = None


def public(sid="Public"):
    return {"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
            "Resource": "*"}


def own(sid="Own"):
    return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"},
            "Action": ["SQS:ReceiveMessage", "sqs:DeleteMessage"], "Resource": "*"}


def resource(*statements):
    return {"Id": "r", "Policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


def test_cross_account_annotates_and_honours_every_list():
    rs = [resource(own()), resource(own(), public()), {"Id": "none"}]
    got = CrossAccountFilter({"type": "cross-account"}, Manager()).process(rs)
    assert got == [rs[1]] and rs[1]["CrossAccountViolations"] == [public()]
    allowed = CrossAccountFilter({"type": "cross-account", "return_allowed": True}, Manager())
    assert allowed.process([resource(own())])[0]["CrossAccountAllowlists"] == [own()]
    other = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999:root"}, "Action": "*"}
    assert CrossAccountFilter({"type": "cross-account", "whitelist": ["999"]},
                              Manager()).process([resource(other)]) == []
    assert CrossAccountFilter({"type": "cross-account", "everyone_only": True},
                              Manager()).process([resource(other)]) == []


def test_cross_account_whitelist_from_a_file(tmp_path):
    path = tmp_path / "accounts.txt"
    path.write_text("999\n")
    other = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999:root"}, "Action": "*"}
    f = CrossAccountFilter({"type": "cross-account",
                            "whitelist_from": {"url": str(path), "format": "txt"}}, Manager())
    assert f.process([resource(other)]) == []


def test_org_unit_paths_validated():
    assert org_unit_problem("o-1/r-1/ou-a") is None
    assert "wildcards" in org_unit_problem("o-1/*")
    assert "org id" in org_unit_problem("ou-a")
    f = CrossAccountFilter({"type": "cross-account", "whitelist_org_units": ["ou-a"]}, Manager())
    assert f.validate()[0][0] == ("whitelist_org_units", 0)


def test_has_statement_ids_exact_and_partial():
    r = resource(own(), public())
    def has(**data):
        return HasStatementFilter({"type": "has-statement", **data}, Manager()).process([r]) == [r]
    assert has(statement_ids=["Own", "Public"]) and not has(statement_ids=["Own", "Gone"])
    # lists compare as sets and actions case-insensitively
    assert has(statements=[{"Effect": "Allow", "Action": ["sqs:deletemessage", "sqs:receivemessage"],
                            "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"}}])
    assert not has(statements=[{"Effect": "Allow", "Action": "sqs:ReceiveMessage",
                                "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"}}])
    assert has(statements=[{"Effect": "Allow", "Action": "sqs:ReceiveMessage",
                            "PartialMatch": "Action"}])
    # placeholders are filled in
    assert has(statements=[{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{account_id}:root"},
                            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"]}])
    assert not has(statements=[{"Effect": "Deny", "Principal": "*"}])


def test_remove_statements_forms():
    statements = [own(), public(), {"Effect": "Allow", "Action": "*"}]
    assert remove(statements, "*") == ([], statements)
    assert remove(statements, ["Public"]) == ([own(), statements[2]], [public()])
    assert remove(statements, "matched", [public()]) == ([own(), statements[2]], [public()])


class Recorder(RemoveStatementsAction):
    """The statement edit without a service: what would be written is kept."""
    def set_policy(self, resource, policy):
        self.written.append(policy)


def test_remove_statements_writes_what_is_left_or_nothing():
    a = Recorder({"type": "remove-statements", "statement_ids": "matched"}, Manager())
    a.written = []
    r = resource(own(), public())
    r["CrossAccountViolations"] = [public()]
    a.run([r, resource(own())])
    assert [p["Statement"] for p in a.written] == [[own()]]   # the second had nothing matched
    assert json.loads(r["Policy"])["Statement"] == [own()]
    a2 = Recorder({"type": "remove-statements", "statement_ids": "*"}, Manager())
    a2.written = []
    a2.run([resource(public())])
    assert a2.written == [None]   # nothing left: the service removes the document


class Modify(ModifyPolicyAction):
    def set_policy(self, resource, policy):
        self.written.append(policy)


def test_modify_policy_removes_then_adds_by_sid():
    a = Modify({"type": "modify-policy", "remove-statements": ["Public"], "add-statements": [
        {"Sid": "Own", "Effect": "Deny", "Principal": "*", "Action": "sqs:*",
         "Resource": "arn:aws:sqs:{region}:{account_id}:q"}]}, Manager())
    a.written = []
    a.run([resource(own(), public())])
    (policy,) = a.written
    assert policy["Statement"] == [{"Sid": "Own", "Effect": "Deny", "Principal": "*",
                                    "Action": "sqs:*", "Resource": f"arn:aws:sqs:us-east-1:{OWN}:q"}]
    a.written = []
    a.data = {"type": "modify-policy", "add-statements": [own()]}
    a.run([resource(own())])
    assert a.written == []   # already there: nothing to write
