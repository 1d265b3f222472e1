"""Parity suites: per service family, a fleet seeded into moto's server and a policy file whose
matches Cloud Custodian recorded (tests/fixtures/parity/<suite>.json), compared by
tests/test_parity_suites.py. A suite is a folder here holding ``fleet.py`` (``seed(endpoint)``
-> a JSON-able summary of what it created) and ``policies.yml``. Record with
``python3 bench/parity/record.py --suite NAME``.

Resources are compared by a stable name (moto's ids are random): their ``Name`` tag, else the
type's name key, else its id.
"""
import importlib.util
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "parity")


def names():
    return sorted(d for d in os.listdir(HERE)
                  if os.path.isfile(os.path.join(HERE, d, "policies.yml")))


def policies_path(suite):
    return os.path.join(HERE, suite, "policies.yml")


def expected_path(suite):
    return os.path.join(FIXTURES, f"{suite}.json")


def fleet(suite):
    """The suite's fleet module."""
    path = os.path.join(HERE, suite, "fleet.py")
    spec = importlib.util.spec_from_file_location(f"parity_fleet_{suite}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def policies(suite):
    """``[(name, resource type)]`` of the suite's policy file."""
    import yaml
    with open(policies_path(suite)) as f:
        return [(p["name"], p["resource"].removeprefix("aws."))
                for p in yaml.safe_load(f)["policies"]]


def name_of(resource, rtype):
    for t in resource.get("Tags") or []:
        if isinstance(t, dict) and t.get("Key") == "Name":
            return t["Value"]
    from cloudmaid.resources import catalog
    row = catalog.get(rtype)
    return str(resource.get(row.name_key or row.id) or resource.get(row.id) or "?")


def matched(out_dir, suite):
    """``{policy: sorted names}`` from a Custodian-layout output folder (maid writes the same);
    None for a policy that wrote no resources.json."""
    result = {}
    for name, rtype in policies(suite):
        path = os.path.join(out_dir, name, "resources.json")
        if not os.path.exists(path):
            result[name] = None
            continue
        with open(path) as f:
            result[name] = sorted(name_of(r, rtype) for r in json.load(f))
    return result
