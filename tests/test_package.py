"""The Lambda zip: deterministic, small, only runtime modules, canonical config, entry module."""
import ast
import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile

from cloudmaid.mu import package

POLICY = {
    "name": "ec2-require-owner", "resource": "ec2",
    "mode": {"type": "cloudtrail", "role": "maid-lambda", "events": ["RunInstances"], "memory": 256,
             "execution-options": {"output_dir": "s3://bucket/prefix"}},
    "filters": [{"tag:Owner": "absent"}], "actions": ["stop"],
}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORBIDDEN = {"yaml", "jsonschema", "click", "moto"}


def names(data):
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_sha_is_base64_sha256_of_the_bytes():
    data, sha = package.build(POLICY)
    assert sha == base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_same_zip_in_other_processes_and_hash_seeds():
    data, sha = package.build(POLICY)
    code = ("import json, sys; from cloudmaid.mu import package; "
            "print(package.build(json.loads(sys.argv[1]))[1])")
    # the same policy, with its keys in another order, must still give the same bytes
    shuffled = json.dumps(dict(reversed(list(POLICY.items()))))
    shas = set()
    for seed in ("0", "1", "12345"):
        out = subprocess.run([sys.executable, "-c", code, shuffled], cwd=ROOT, check=True,
                             capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": ROOT})
        shas.add(out.stdout.strip())
    assert shas == {sha}


def test_entries_sorted_fixed_time_mode_0644():
    data, _ = package.build(POLICY)
    infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {package.FIXED_TIME}
    assert {(i.external_attr >> 16) & 0o777 for i in infos} == {0o644}


def test_contents_are_runtime_modules_config_and_entry():
    data, _ = package.build(POLICY)
    zf = zipfile.ZipFile(io.BytesIO(data))
    listed = set(zf.namelist())
    assert {"maid_handler.py", "config.json", "cloudmaid/__init__.py", "cloudmaid/policy.py",
            "cloudmaid/mu/handler.py", "cloudmaid/modes/cloudtrail.py"} <= listed
    for left_out in ("cloudmaid/cli.py", "cloudmaid/loader.py", "cloudmaid/validate.py",
                     "cloudmaid/schema.py", "cloudmaid/mu/package.py", "cloudmaid/mu/deploy.py",
                     "cloudmaid/mu/planner.py", "cloudmaid/mu/gc.py", "cloudmaid/mu/local.py",
                     "cloudmaid/runner.py"):
        assert left_out not in listed
    assert not [n for n in listed if n.startswith("cloudmaid/sandbox/") or "__pycache__" in n
                or n.endswith(".pyc")]
    assert zf.read("maid_handler.py").decode().splitlines()[-1] == \
        "from cloudmaid.mu.handler import handler  # noqa: F401"
    assert package.HANDLER == "maid_handler.handler"


def test_config_is_canonical_json_without_deploy_only_keys():
    data, _ = package.build(POLICY, {"output_dir": "s3://bucket/prefix"})
    raw = zipfile.ZipFile(io.BytesIO(data)).read("config.json").decode()
    config = json.loads(raw)
    assert raw == json.dumps(config, sort_keys=True, separators=(",", ":"))
    assert config["options"] == {"output_dir": "s3://bucket/prefix"}
    assert config["policy"]["mode"] == {"type": "cloudtrail", "events": ["RunInstances"],
                                        "execution-options": {"output_dir": "s3://bucket/prefix"}}
    assert config["policy"]["filters"] == POLICY["filters"]
    # memory is function configuration, not code: changing it keeps the same zip
    other = dict(POLICY, mode=dict(POLICY["mode"], memory=1024, role="other"))
    assert package.build(other)[1] == package.build(POLICY)[1]
    assert package.build(dict(POLICY, filters=[]))[1] != package.build(POLICY)[1]


def test_zip_is_small():
    data, _ = package.build(POLICY)
    assert len(data) <= 100 * 1024


def _imports(source):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_no_module_in_the_zip_imports_cli_side_libraries():
    data, _ = package.build(POLICY)
    zf = zipfile.ZipFile(io.BytesIO(data))
    bad = {n: sorted(set(_imports(zf.read(n))) & FORBIDDEN) for n in zf.namelist() if n.endswith(".py")}
    assert {n: b for n, b in bad.items() if b} == {}
