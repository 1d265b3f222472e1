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
    # only the policy's own resource type and mode
    for other in ("cloudmaid/aws/s3/types.py", "cloudmaid/aws/s3/filters.py",
                  "cloudmaid/aws/ec2/volumes.py", "cloudmaid/aws/ec2/security_group.py",
                  "cloudmaid/modes/periodic.py", "cloudmaid/modes/config_rule.py",
                  "cloudmaid/modes/guard_duty.py", "cloudmaid/events/schedule.py",
                  "cloudmaid/actions/tags.py", "cloudmaid/filters/tags.py",   # no tag action
                  "cloudmaid/aws/ec2/instance_filters.py", "cloudmaid/resources/related.py"):
        assert other not in listed                                   # nor an ec2-only filter
    assert {"cloudmaid/aws/ec2/instance.py", "cloudmaid/aws/ec2/types.py", "cloudmaid/filters/value.py",
            "cloudmaid/plugins.py"} <= listed
    aged = names(package.build(dict(POLICY, filters=[{"type": "instance-age", "days": 1}]))[0])
    assert {"cloudmaid/aws/ec2/instance_filters.py", "cloudmaid/resources/related.py"} <= set(aged)
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


def test_each_policy_gets_its_own_modules():
    s3 = names(package.build({"name": "b", "resource": "s3", "filters": [{"type": "global-grants"}],
                              "mode": {"type": "periodic", "schedule": "rate(1 day)"}})[0])
    assert {"cloudmaid/aws/s3/manager.py", "cloudmaid/aws/s3/filters.py",
            "cloudmaid/modes/periodic.py", "cloudmaid/events/schedule.py"} <= set(s3)
    assert not [n for n in s3 if n.startswith("cloudmaid/aws/ec2/")]
    marking = names(package.build(dict(POLICY, actions=[{"type": "mark-for-op", "op": "stop"}]))[0])
    assert {"cloudmaid/actions/tags.py", "cloudmaid/actions/taggers.py",
            "cloudmaid/filters/tags.py"} <= set(marking)
    assert "cloudmaid/modes/cloudtrail.py" not in s3
    # a type or mode plugins.py does not know: every runtime module, as before
    unknown = set(names(package.build({"name": "u", "resource": "aws.nothing"})[0]))
    assert {f for f in package.all_files()} <= unknown


def test_zip_modules_import_only_modules_in_the_zip():
    """The closure is complete: every cloudmaid module a shipped module imports (at any depth,
    even inside a function) is shipped too, unless it is CLI-side only (EXCLUDED)."""
    data, _ = package.build(POLICY)
    zf = zipfile.ZipFile(io.BytesIO(data))
    listed = set(zf.namelist())
    missing = {}
    for name in sorted(n for n in listed if n.startswith("cloudmaid/") and n.endswith(".py")):
        for module in package.imported_modules(name, zf.read(name)):
            path = package._existing(module, package.ROOT)
            rel = path and path[len("cloudmaid/"):]
            if path and path not in listed and rel not in package.EXCLUDED | package.ON_DEMAND:
                missing.setdefault(name, []).append(path)
    assert missing == {}


def test_query_parser_and_config_source_only_for_policies_that_select():
    plain = set(names(package.build(POLICY)[0]))
    assert not {"cloudmaid/" + p for p in package.ON_DEMAND} & plain
    for extra in ({"query": [{"instance-state-name": "running"}]}, {"source": "describe"}):
        assert {"cloudmaid/" + p for p in package.ON_DEMAND} <= set(names(package.build(dict(POLICY, **extra))[0]))
    # a policy embedded in a filter (account's ``missing``) counts too
    embedded = {"name": "a", "resource": "account", "filters": [{"type": "missing", "policy": {
        "resource": "ec2", "query": [{"instance-state-name": "running"}]}}]}
    assert "cloudmaid/resources/query.py" in names(package.build(embedded)[0])


def test_unpacked_zip_imports_the_handler_lazily_and_loads_only_the_policy(tmp_path):
    """Import of the entry module pulls in no policy code; ``handler.load()`` then imports the
    policy's modules only, from the zip alone."""
    data, _ = package.build(POLICY)
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path)
    code = (
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import maid_handler\n"
        "first = sorted(m for m in sys.modules if m.startswith('cloudmaid'))\n"
        "class Ctx:\n"
        "    invoked_function_arn = 'arn:aws:lambda:us-east-1:123456789012:function:f'\n"
        "runtime = sys.modules['cloudmaid.mu.handler'].load(Ctx())\n"
        "print(json.dumps({'first': first, 'policy': runtime.policy.name,\n"
        "  'after': sorted(m for m in sys.modules if m.startswith('cloudmaid')),\n"
        "  'files': sorted({m.__file__ for n, m in list(sys.modules.items()) if n.startswith('cloudmaid')})}))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=str(tmp_path), env=env,
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    assert result["first"] == ["cloudmaid", "cloudmaid.errors", "cloudmaid.mu", "cloudmaid.mu.handler"]
    assert result["policy"] == "ec2-require-owner"
    assert "cloudmaid.aws.ec2.instance" in result["after"]
    assert not [m for m in result["after"] if m.startswith(("cloudmaid.aws.s3", "cloudmaid.sandbox"))
                or m in ("cloudmaid.validate", "cloudmaid.schema", "cloudmaid.loader", "cloudmaid.cli")]
    assert all(f.startswith(str(tmp_path)) for f in result["files"])
