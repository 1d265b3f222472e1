"""Validation never crashes: mutated policy documents (wrong types, unknown keys, deep nesting,
odd unicode, huge numbers) and mutated YAML text (anchors, ``on``/``yes``, tabs, duplicate keys,
tags, binary) fed to ``load_and_check`` and ``maid validate`` give one-line ``FILE:LINE: ...``
problems and exit 1, or are valid and exit 0. Never an exception, never a traceback.
"""
import copy
import itertools
import json
import math
import pathlib
import re

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from cloudmaid.cli import main
from cloudmaid.context import Context
from cloudmaid.policy import Policy
from cloudmaid.validate import load_and_check

ROOT = pathlib.Path(__file__).parent.parent
#: deterministic in CI: the same examples every run, no example database
FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=200,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

ROLE = "arn:aws:iam::123456789012:role/maid"
#: valid policies covering most of the language: the starting points of the mutations
VALID = [
    {"name": "ec2-tag-compliance", "resource": "ec2",
     "mode": {"type": "cloudtrail", "role": ROLE, "events": ["RunInstances"]},
     "filters": [{"or": [{"tag:required1": "absent"}, {"tag:required2": "absent"}]}],
     "actions": ["stop"]},
    {"name": "old-stopped", "resource": "aws.ec2", "description": "old, stopped instances",
     "filters": [{"State.Name": "stopped"},
                 {"type": "value", "key": "LaunchTime", "value_type": "age", "op": "gt",
                  "value": 30},
                 {"not": [{"type": "value", "key": "tag:Owner", "op": "regex",
                           "value": "^team-.*$"}]}],
     "actions": [{"type": "mark-for-op", "op": "terminate", "days": 7},
                 {"type": "tag", "key": "seen", "value": "{now:%Y-%m-%d}"}]},
    {"name": "unencrypted-volumes", "resource": "ebs", "max-resources": 10,
     "filters": [{"Encrypted": False}, {"type": "value", "key": "Size", "op": "gte",
                                        "value": 100}],
     "actions": [{"type": "snapshot", "copy-tags": ["Name"]}, {"type": "delete"}]},
    {"name": "open-ssh", "resource": "security-group",
     "mode": {"type": "cloudtrail", "role": ROLE,
              "events": [{"source": "ec2.amazonaws.com",
                          "event": "AuthorizeSecurityGroupIngress",
                          "ids": "requestParameters.groupId"}]},
     "filters": [{"type": "ingress", "Ports": [22], "Cidr": {"value": "0.0.0.0/0"}}],
     "actions": [{"type": "remove-tag", "tags": ["temp"]}]},
    {"name": "buckets", "resource": "s3",
     "mode": {"type": "periodic", "role": ROLE, "schedule": "rate(1 day)"},
     "filters": [{"type": "value", "key": "Name", "op": "in", "value": ["a", "b"]}],
     "actions": [{"type": "rename-tag", "old_key": "a", "new_key": "b"}]},
    {"name": "pending", "resource": "ec2",
     "mode": {"type": "ec2-instance-state", "role": ROLE, "events": ["pending"]},
     "conditions": [{"type": "value", "key": "region", "value": "us-east-1"}],
     "filters": [{"type": "value", "key": "InstanceType", "value": "t3.*", "op": "glob"}],
     "actions": ["mark", {"type": "unmark", "tags": ["maid_status"]}]},
    {"name": "amis", "resource": "ami",
     "filters": [{"type": "image-age", "days": 90}, {"tag:keep": "absent"}],
     "actions": [{"type": "deregister", "delete-snapshots": True}]},
    {"name": "snaps", "resource": "ebs-snapshot",
     "filters": [{"type": "age", "days": 30, "op": "gt"}],
     "actions": [{"type": "delete", "skip-ami-snapshots": True}]},
]
SEEDS = [{"policies": [p]} for p in VALID]
# the example policy files (an example accounts file of maid org is not one)
SEEDS += [d for d in (yaml.safe_load(p.read_text()) for p in sorted((ROOT / "examples").glob("*.yml")))
          if "policies" in d]

#: keys of the policy language, so that mutations also hit known keys with wrong values
KEYS = sorted({"name", "resource", "mode", "filters", "actions", "conditions", "type", "key",
               "value", "op", "value_type", "value_regex", "value_from", "events", "tags",
               "days", "hours", "max-resources", "max-resources-percent", "and", "or", "not",
               "schedule", "role", "tag", "msg", "old_key", "new_key", "ids", "source",
               "event", "description", "policies", "vars", "default", "count", "count_op",
               "attrs", "delay", "pattern", "execution-options", "member-role", "query",
               "tz", "region", "start", "end", "metadata", "expr", "url", "format", "percent",
               "amount", "match-resource", "operator", "annotate", "Ports", "Cidr", "force"})
ODD_STRINGS = ["", " ", "\x00", "\u202e\u0645", "\ufeff", "\U0001d518\U0001d52b", "🚀🔥",
               "{account_id}", "{now:%Y}", "{now:%Q%}", "{", "}", "{region", "{unknown}",
               "tag:", "tag:\x00", "*", "\\", "../..", "a\nb", "yes", "on", "~", "null",
               "0x1F", "1e400", "-0", ".inf", "日本語", "ǅ", "a" * 5000, "${env}",
               "arn:aws:iam::123456789012:role/x", "rate(0 days)", "cron(", "[", "]",
               "!!python/object:os.system", "&a", "*a", "regex", "absent", "present",
               "age", "not-null", "RunInstances", "pending", "stop", "delete", "tag"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(),
    st.integers(min_value=10**18, max_value=10**60), st.integers(max_value=-10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(ODD_STRINGS), st.sampled_from(KEYS), st.text(max_size=20))
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=12), st.integers(-3, 3),
                 st.booleans(), st.none())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=12)


def slots(node, out=None):
    """Every (container, key) of a document, the root's holder included."""
    out = [] if out is None else out
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in list(items):
        out.append((node, k))
        slots(v, out)
    return out


def nested(depth, leaf, as_list):
    for _ in range(depth):
        leaf = [leaf] if as_list else {"and": [leaf]}
    return leaf


@st.composite
def mutated_documents(draw):
    holder = {"doc": copy.deepcopy(draw(st.sampled_from(SEEDS)))}
    for _ in range(draw(st.integers(1, 4))):
        container, key = draw(st.sampled_from(slots(holder)))
        how = draw(st.sampled_from(["replace", "delete", "add", "wrap", "nest", "rename",
                                    "duplicate"]))
        if how == "replace":
            container[key] = draw(values)
        elif how == "delete" and container is not holder:
            del container[key]
        elif how == "add" and isinstance(container[key], dict):
            container[key][draw(keys)] = draw(values)
        elif how == "wrap":
            container[key] = draw(st.sampled_from([[container[key]], {"x": container[key]},
                                                   {"type": container[key]}]))
        elif how == "nest":
            container[key] = nested(draw(st.integers(1, 120)), container[key], draw(st.booleans()))
        elif how == "rename" and isinstance(container, dict) and container is not holder:
            container[draw(keys)] = container.pop(key)
        elif how == "duplicate" and isinstance(container[key], list) and container[key]:
            container[key].append(copy.deepcopy(container[key][0]))
    return holder["doc"]


def dump(doc, style):
    if style == "json":
        return json.dumps(doc, ensure_ascii=False, indent=1)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False,
                          default_flow_style=style == "flow", width=10**6)


_names = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def write(folder, content, suffix):
    path = folder / f"doc{next(_names)}{suffix}"
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return path


PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): \S")


def check_problems(path, problems):
    text = path.read_bytes()
    last_line = text.count(b"\n") + 1
    for p in problems:
        assert isinstance(p, str) and "\n" not in p and "Traceback" not in p, repr(p)
        m = PROBLEM.match(p)
        assert m and m.group("file") == str(path), f"not FILE:LINE: ...: {p!r}"
        assert 1 <= int(m.group("line")) <= last_line, f"line out of the file: {p!r}"


def validate(path):
    """load_and_check never raises; its problems are one-line FILE:LINE messages."""
    specs, problems = load_and_check([str(path)])
    check_problems(path, problems)
    return specs, problems


def validate_cli(path):
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    if result.exit_code == 0:
        assert not lines and re.match(r"^\d+ polic", result.stdout), result.output
    else:
        assert result.exit_code == 1, result.output
        check_problems(path, lines)
    return result


# -- the seeds are valid: mutations start from policies validation accepts --------------------
@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_seeds_are_valid(folder, index):
    path = write(folder, dump(SEEDS[index], "block"), ".yml")
    specs, problems = validate(path)
    assert problems == [] and specs
    assert validate_cli(path).exit_code == 0


# -- mutated documents ------------------------------------------------------------------------
@FUZZ
@given(doc=mutated_documents(), style=st.sampled_from(["block", "flow", "json"]))
def test_mutated_documents_give_one_line_problems(folder, doc, style):
    path = write(folder, dump(doc, style), ".json" if style == "json" else ".yml")
    specs, problems = validate(path)
    event(f"{'valid' if not problems else 'invalid'}")
    if not problems:   # what validation accepts, the runtime builds
        for spec in specs:
            Policy(spec.data, Context(region="us-east-1", account_id="123456789012"))


@settings(FUZZ, max_examples=40)
@given(doc=mutated_documents(), style=st.sampled_from(["block", "json"]))
def test_maid_validate_on_mutated_documents(folder, doc, style):
    path = write(folder, dump(doc, style), ".json" if style == "json" else ".yml")
    _, problems = load_and_check([str(path)])
    result = validate_cli(path)
    assert result.exit_code == (1 if problems else 0)


# -- mutated YAML text ------------------------------------------------------------------------
SNIPPETS = ["\t", "  ", "&a ", "*a ", "*undefined ", "<<: *a\n", "on: yes\n", "yes: no\n",
            "- !!python/object/apply:os.system ['true']\n", "!!binary aGVsbG8= ", "!!set {a, b}",
            "!!timestamp 2001-12-14 ", "!!float ", "!!int '1' ", "? [a, b]\n: c\n", "%YAML 1.1\n",
            "---\n", "...\n", "\x00", "\x1b", "\ufeff", "\r\n", "\r", "'unterminated", '"\\xZZ"',
            "{", "[", "]", "}", ": ", "- ", "#", "|\n", ">-\n", "\u2028", "\x85", "name: dup\n",
            "policies:\n", "  - name: x\n    resource: ec2\n", "!custom ", "@", "`", "%",
            "0o17 ", "0x1F ", "1_000 ", ".nan ", "-.inf ", "2026-13-45 ", "~ ", "=\n"]


@st.composite
def mutated_texts(draw):
    text = dump(draw(st.sampled_from(SEEDS)), draw(st.sampled_from(["block", "flow"])))
    if draw(st.booleans()):
        text = (ROOT / "examples" / "seed.yml").read_text()
    data = text.encode()
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["insert", "insert", "bytes", "delete", "dup-line", "cut"]))
        if how == "insert":
            data = data[:at] + draw(st.sampled_from(SNIPPETS)).encode() + data[at:]
        elif how == "bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)):]
        elif how == "dup-line":
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end + 1
            data = data[:end] + data[start:end] + data[end:]
        else:
            data = data[:at]
    return data


@FUZZ
@given(data=mutated_texts(), suffix=st.sampled_from([".yml", ".yaml", ".json"]))
def test_mutated_text_gives_one_line_problems(folder, data, suffix):
    validate(write(folder, data, suffix))


@settings(FUZZ, max_examples=40)
@given(data=mutated_texts())
def test_maid_validate_on_mutated_text(folder, data):
    validate_cli(write(folder, data, ".yml"))


# -- edge cases worth naming ------------------------------------------------------------------
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi")) + "policies: *i\n"
EDGES = {
    "on-key.yml": "policies:\n  - name: x\n    resource: ec2\n    on: push\n",
    "yes-value.yml": "policies:\n  - name: x\n    resource: ec2\n    filters:\n      - Encrypted: yes\n",
    "tabs.yml": "policies:\n\t- name: x\n\t  resource: ec2\n",
    "dup-key.yml": "policies:\n  - name: x\n    name: y\n    resource: ec2\n",
    "anchor-merge.yml": "x: &base {resource: ec2}\npolicies:\n  - <<: *base\n    name: x\n",
    "undefined-alias.yml": "policies: *nope\n",
    "self-alias.yml": "policies: &a [*a]\n",
    "laughs.yml": LAUGHS,
    "deep-flow.yml": "policies: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep-block.yml": "policies:\n" + "".join("  " * i + "- \n" for i in range(1, 400)),
    "deep.json": "[" * 100000,
    "deep-valid.json": '{"policies": ' + "[" * 5000 + "]" * 5000 + "}",
    "deep-filters.yml": json.dumps({"policies": [{"name": "x", "resource": "ec2",
                                                   "filters": [nested(400, {"a": 1}, False)]}]}),
    "python-tag.yml": "policies: !!python/object/apply:os.system ['echo hi']\n",
    "binary.yml": "policies: !!binary aGVsbG8=\n",
    "set.yml": "policies: !!set {a, b}\n",
    "complex-key.yml": "policies:\n  - ? [a, b]\n    : c\n",
    "bad-date.yml": "policies:\n  - name: 2026-13-45\n    resource: ec2\n",
    "bad-float-tag.yml": "policies:\n  - name: x\n    resource: ec2\n    max-resources: !!float abc\n",
    "bad-int-tag.yml": "policies:\n  - !!int x: 1\n",
    "huge-int.json": '{"policies": [{"name": "x", "resource": "ec2", "max-resources": ' + "9" * 5000 + "}]}",
    "no-final-newline.yml": "policies:\n  - name: x\n    resource: ec2\n    filters: [",
    "timestamp-name.yml": "policies:\n  - name: 2026-01-01\n    resource: ec2\n",
    "null-policy.yml": "policies:\n  -\n  - ~\n",
    "huge-int.yml": "policies:\n  - name: x\n    resource: ec2\n    max-resources: " + "9" * 5000 + "\n",
    "nan.json": '{"policies": [{"name": "x", "resource": "ec2", "max-resources-percent": NaN}]}',
    "inf.yml": "policies:\n  - name: x\n    resource: ec2\n    filters:\n      - {type: value, key: a, value: .inf, op: gt}\n",
    "nul.yml": "policies:\n  - name: x\x00\n",
    "latin1.yml": b"policies:\n  - name: caf\xe9\n",
    "bom.yml": "\ufeffpolicies:\n  - name: x\n    resource: ec2\n",
    "crlf.yml": "policies:\r\n  - name: x\r\n    resource: ec2\r\n",
    "multi-doc.yml": "policies: []\n---\npolicies: []\n",
    "empty.yml": "",
    "comment-only.yml": "# nothing\n",
    "scalar.yml": "42\n",
    "list.json": "[]",
    "key-int.yml": "policies:\n  - 1: 2\n    name: x\n    resource: ec2\n",
    "list-key.yml": "? [1]\n: 2\n",
    "huge-line.yml": "policies:\n  - name: " + "x" * 200000 + "\n    resource: ec2\n",
    "bad-escape.yml": 'policies:\n  - name: "\\xZZ"\n',
    "surrogate.json": '{"policies": [{"name": "\\ud800", "resource": "ec2"}]}',
    "regex.yml": "policies:\n  - name: x\n    resource: ec2\n    filters:\n      - {type: value, key: a, op: regex, value: '(['}\n",
    "format-spec.yml": "policies:\n  - name: x\n    resource: ec2\n    actions:\n      - {type: tag, key: a, value: '{now:%Y-%m-%d'}\n",
    "event-filter-pull.yml": "policies:\n  - name: x\n    resource: ec2\n    filters:\n      - {type: event, key: detail.x, value: 1}\n",
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_named_edge_cases(folder, name):
    content = EDGES[name]
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    validate(path)
    validate_cli(path)


@example(number=10**400)
@example(number=-(10**400))
@FUZZ
@given(number=st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)))
def test_numbers_anywhere_a_number_goes(folder, number):
    if isinstance(number, float) and not math.isfinite(number):
        text = f"{'.nan' if math.isnan(number) else ('.inf' if number > 0 else '-.inf')}"
    else:
        text = repr(number)
    for template in ("max-resources: {n}", "max-resources-percent: {n}",
                     "filters: [{{type: value, key: Size, op: gt, value: {n}}}]",
                     "filters: [{{type: value, key: LaunchTime, value_type: age, value: {n}}}]",
                     "actions: [{{type: mark-for-op, op: stop, days: {n}}}]",
                     "mode: {{type: cloudtrail, role: maid, events: [RunInstances], memory: {n}, "
                     "timeout: {n}, delay: {n}}}"):
        body = "policies:\n  - name: x\n    resource: ec2\n    " + template.format(n=text) + "\n"
        validate(write(folder, body, ".yml"))
