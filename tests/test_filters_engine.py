"""The filter engine: stages, generated code against its closures, the run's clock, caching
and the module structure (no import cycles)."""
import ast
import copy
import datetime
import os
import random
import sys
import types

import pytest

from cloudmaid.filters import core, predicate
from cloudmaid.filters.predicate import as_test

from .test_filters_value import codegen  # noqa: F401 -- the fixture: generated code on and off

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import filters as bench  # noqa: E402  (bench/filters.py: its policy and resources)

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_a_run_of_predicates_is_one_stage_and_batch_filters_their_own():
    fs = core.parse([{"a": 1}, {"b": 0}, {"or": [{"tag:n": "present"}, {"c": 1}]},
                     {"type": "reduce", "limit": 1}, {"d": 1}], None)
    assert [len(s.filters) for s in core.stages(fs)] == [3, 1, 1]
    # a predicate reading a detail the manager fetches per resource starts a new stage
    lazy = core.stages(core.parse([{"a": 1}, {"Acl": "present"}, {"b": 1}], None),
                       frozenset({"Acl"}))
    assert [len(s.filters) for s in lazy] == [1, 2]


@pytest.mark.parametrize("data", [
    {"a": 1}, {"tag:n": "present"}, {"State.Name": "running"}, {"tag:Owner": "absent"},
    {"type": "value", "key": "t", "op": "in", "value": ["x", "y"]},
    {"type": "value", "key": "t", "op": "regex", "value": "^(dev|test)$"},
    {"type": "value", "key": "t", "op": "gt", "value": 3},
    {"type": "value", "key": "t", "value_type": "age", "op": "gt", "value": 30},
    {"or": [{"a": 1}, {"not": [{"b": 2}]}]},
])
def test_hot_shapes_are_inlined_without_a_call_per_resource(data):
    [f] = core.parse([data], None)
    setup, body, env = as_test(f).source()
    tree = ast.parse("def f(r):\n" + "".join(f"    {line}\n" for line in body))
    called = {n.func.id.rsplit("_", 1)[0] if n.func.id not in env else n.func.id
              for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    # fallbacks only: a date that is no datetime, tags that are no list
    assert called <= {"isinstance", "bool", "parse_date", "tag_dict"}, body


def test_generated_and_closures_agree_on_a_fleet(monkeypatch):
    rnd = random.Random(7)
    resources = [bench.instance(i, rnd, NOW) for i in range(3000)]
    results = []
    for flag in (True, False):
        monkeypatch.setattr(predicate, "CODEGEN", flag)
        fs = core.parse(bench.FILTERS, None)
        got = core.annotate_matched(fs, core.apply(fs, copy.deepcopy(resources), now=NOW), now=NOW)
        results.append([(r["InstanceId"], r["c7n:MatchedFilters"]) for r in got])
    assert results[0] == results[1] and len(results[0]) > 100


def test_age_thresholds_follow_the_runs_clock(codegen):
    age = core.parse([{"type": "value", "key": "t", "value_type": "age", "op": "gt",
                       "value": 1}], None)
    expires = core.parse([{"type": "value", "key": "t", "value_type": "expiration", "op": "lt",
                           "value": 2}], None)
    rows = [{"t": datetime.datetime(2026, 3, 9, tzinfo=UTC)}]      # 36 hours before NOW
    assert core.apply(age, rows, now=NOW) == rows                  # older than a day
    assert core.apply(expires, rows, now=NOW) == rows              # expires within 2 days
    # the same compiled filters in later or earlier runs: the thresholds move with now
    assert core.apply(age, rows, now=NOW - datetime.timedelta(days=1)) == []
    assert core.apply(expires, rows, now=NOW - datetime.timedelta(days=4)) == []
    assert core.apply(age, rows, now=NOW) == rows


def test_value_path_age_uses_the_runs_clock(codegen):
    fs = core.parse([{"type": "value", "key": "t", "value_type": "age", "op": "gt",
                      "value_path": "days"}], None)
    rows = [{"t": "2026-03-08T00:00:00Z", "days": 1}]
    assert core.apply(fs, rows, now=NOW) == rows
    assert core.apply(fs, rows, now=NOW - datetime.timedelta(days=2)) == []


def test_marks_are_due_on_the_runs_clock(codegen):
    fs = core.parse([{"type": "marked-for-op", "op": "stop"}], None)
    rows = [{"Tags": [{"Key": "maid_status", "Value": "x: stop@2026/03/10"}]}]
    assert core.apply(fs, rows, now=NOW) == rows
    assert core.apply(fs, rows, now=NOW - datetime.timedelta(days=1)) == []


def test_the_clock_defaults_to_the_managers_context():
    manager = types.SimpleNamespace(type="ec2", ctx=types.SimpleNamespace(now=NOW))
    data = [{"type": "value", "key": "t", "value_type": "age", "op": "gt", "value": 1}]
    rows = [{"t": datetime.datetime(2026, 3, 8, tzinfo=UTC)}]
    fs = core.parse(data, manager)
    assert core.apply(fs, rows, manager=manager) == rows
    assert fs[0].match(rows[0]) is True
    manager.ctx.now = NOW - datetime.timedelta(days=2)   # a warm container's next event
    assert core.apply(fs, rows, manager=manager) == []
    assert fs[0].match(rows[0]) is False


def test_each_stage_is_generated_once(monkeypatch):
    made = []
    real = predicate.generate
    monkeypatch.setattr(predicate, "generate", lambda test: made.append(1) or real(test))
    fs = core.parse([{"a": 1}, {"type": "list-item", "key": "items", "attrs": [{"b": 1}]}], None)
    rows = [{"a": 1, "items": [{"b": 1}]}, {"a": 1, "items": [{"b": 2}]}] * 20
    for _ in range(3):
        assert len(core.apply(fs, copy.deepcopy(rows))) == 20
    assert len(made) == 2   # the policy's predicate run and the list-item attrs


def test_the_filter_modules_import_no_cycle():
    """Every import between cloudmaid.filters modules (at any depth) points one way."""
    folder = os.path.join(ROOT, "cloudmaid", "filters")
    names = {f[:-3] for f in os.listdir(folder) if f.endswith(".py") and f != "__init__.py"}
    graph = {}
    for name in names:
        with open(os.path.join(folder, name + ".py")) as fh:
            tree = ast.parse(fh.read())
        graph[name] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                targets = [node.module] if node.module else [a.name for a in node.names]
                graph[name] |= {t.split(".")[0] for t in targets} & names

    def visit(node, trail):
        assert node not in trail, " -> ".join(trail + [node])
        for nxt in graph[node]:
            visit(nxt, trail + [node])
    for name in sorted(names):
        visit(name, [])
