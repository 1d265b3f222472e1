"""A function's zip carries the generated index trimmed to the modules it ships, so the zip does
not grow with the number of declared types (tests/test_lambda_subprocess.py runs such zips)."""
import io
import zipfile

from cloudmaid import index
from cloudmaid.mu import package

POLICY = {"name": "p", "resource": "ec2", "filters": [{"tag:Owner": "absent"}], "actions": ["stop"],
          "mode": {"type": "cloudtrail", "role": "arn:aws:iam::1:role/r", "events": ["RunInstances"]}}


def zipped_index(policy):
    data, _ = package.build(policy)
    z = zipfile.ZipFile(io.BytesIO(data))
    names = set(z.namelist())
    tables = {}
    exec(z.read("cloudmaid/index.py").decode(), tables)   # noqa: S102 -- our generated data
    return tables, names


def test_index_keeps_only_what_the_zip_holds():
    tables, names = zipped_index(POLICY)
    assert "ec2" in tables["TYPES"] and len(tables["TYPES"]) < len(index.TYPES)
    modules = {m for scopes in list(tables["FILTERS"].values()) + list(tables["ACTIONS"].values())
               for m in scopes.values()}
    modules |= set(tables["MODES"].values()) | set(tables["TAGGERS"].values())
    for m in modules:
        assert m.replace(".", "/") + ".py" in names, m
    assert tables["MODES"]["cloudtrail"] == index.MODES["cloudtrail"]
    assert tables["SHORTCUTS"]["RunInstances"] == "ec2"
    assert "CreateDBInstance" not in tables["SHORTCUTS"]


def test_zip_size_does_not_follow_the_type_count():
    data, _ = package.build(POLICY)
    assert len(data) < 100_000
    tables, _ = zipped_index(POLICY)
    assert len(repr(tables["FILTERS"])) < len(repr(index.FILTERS)) / 4
