"""Cloud Custodian's documentation examples validate unchanged. Each file of
tests/fixtures/custodian_docs holds the example policies of one Custodian resource module's
documentation (``policies:``, as published; names may repeat across examples, so each policy
is checked on its own). ``<file>.exceptions.json`` beside a file lists, by policy name, its
deliberate exceptions with the reason; each must still fail, so that a stale exception is
noticed."""
import json
import pathlib

import pytest

from cloudmaid import loader, validate

DOCS = pathlib.Path(__file__).parent / "fixtures" / "custodian_docs"
FILES = sorted(DOCS.glob("*.yml"))


def exceptions(path):
    side = path.with_suffix(".exceptions.json")
    return json.loads(side.read_text()) if side.exists() else {}


def specs(path):
    found, problems = validate.read_policies(loader.load(str(path)))
    assert not problems, problems
    return found


def test_corpus_size():
    total = sum(len(specs(p)) for p in FILES)
    assert total >= len(FILES)
    for side in DOCS.glob("*.exceptions.json"):
        assert side.with_suffix("").with_suffix(".yml").exists(), side.name


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_examples_validate_unchanged(path):
    allowed = exceptions(path)
    failures, stale = [], set(allowed)
    for spec in specs(path):
        problems = validate.check([spec])
        if spec.name in allowed:
            stale.discard(spec.name) if problems else None
            continue
        failures.extend(problems)
    assert not failures, "\n".join(failures)
    assert not stale, f"listed as exceptions but valid now: {sorted(stale)}"
