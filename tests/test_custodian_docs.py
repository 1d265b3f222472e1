"""Cloud Custodian's documentation examples validate unchanged. Each file of
tests/fixtures/custodian_docs holds the example policies of one Custodian resource module's
documentation (``policies:``, as published; names may repeat across examples, so each policy
is checked on its own). exceptions.json lists, per file and policy name, the deliberate
exceptions with the reason; each must still fail, so that a stale exception is noticed."""
import json
import pathlib

import pytest

from cloudmaid import loader, validate

DOCS = pathlib.Path(__file__).parent / "fixtures" / "custodian_docs"
FILES = sorted(DOCS.glob("*.yml"))
EXCEPTIONS = json.loads((DOCS / "exceptions.json").read_text())


def specs(path):
    found, problems = validate.read_policies(loader.load(str(path)))
    assert not problems, problems
    return found


def test_corpus_size():
    total = sum(len(specs(p)) for p in FILES)
    assert total >= len(FILES)
    assert set(EXCEPTIONS) <= {p.name for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_examples_validate_unchanged(path):
    allowed = EXCEPTIONS.get(path.name, {})
    failures, stale = [], set(allowed)
    for spec in specs(path):
        problems = validate.check([spec])
        if spec.name in allowed:
            stale.discard(spec.name) if problems else None
            continue
        failures.extend(problems)
    assert not failures, "\n".join(failures)
    assert not stale, f"listed as exceptions but valid now: {sorted(stale)}"
