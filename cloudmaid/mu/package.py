"""Deterministic Lambda zip for one policy: our runtime modules, the policy as JSON, an entry module.

The same policy gives byte-identical zips (hence the same sha256) in any process, on any
PYTHONHASHSEED, from any checkout time: entries are sorted, timestamps fixed, modes 0644 and
JSON canonical. That is what lets the planner compare with Lambda's CodeSha256 and never
re-upload an unchanged policy.
"""
import base64
import functools
import hashlib
import io
import json
import os
import zipfile

PACKAGE = "cloudmaid"
# the folder holding the cloudmaid package
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Modules only the CLI / deploy side needs; they would drag in yaml, jsonschema or click, or
# are simply dead weight in a function.
EXCLUDED = frozenset({
    "cli.py", "loader.py", "validate.py", "schema.py", "report.py", "progress.py", "runner.py",
    "mu/package.py", "mu/models.py", "mu/remote.py", "mu/planner.py", "mu/executor.py",
    "mu/deploy.py", "mu/gc.py", "mu/logs.py", "mu/local.py",
})
EXCLUDED_DIRS = frozenset({"sandbox", "__pycache__"})
DATA_SUFFIXES = (".py", ".json")

HANDLER_MODULE = "maid_handler"
HANDLER = f"{HANDLER_MODULE}.handler"
ENTRY_SOURCE = (
    '"""Lambda entry point of a cloudmaid policy function (generated)."""\n'
    "from cloudmaid.mu.handler import handler  # noqa: F401\n"
)
# 1980-01-01 is the earliest time a zip can hold; any fixed value would do.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def runtime_files(root=ROOT):
    """Relative paths (``cloudmaid/...``, '/'-separated, sorted) of the modules the function needs."""
    base = os.path.join(root, PACKAGE)
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if d not in EXCLUDED_DIRS and not d.startswith(".")]
        rel_dir = os.path.relpath(dirpath, base).replace(os.sep, "/")
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name.endswith(DATA_SUFFIXES) and rel not in EXCLUDED:
                found.append(f"{PACKAGE}/{rel}")
    return sorted(found)


def canonical_json(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


# Mode keys that configure the Lambda function or its rule rather than what the policy does
# at run time. They stay out of config.json, so changing memory or a schedule updates just that
# setting instead of also re-uploading the code.
DEPLOY_ONLY_MODE_KEYS = frozenset({
    "role", "memory", "timeout", "runtime", "handler", "tags", "environment", "concurrency",
    "dead_letter_config", "layers", "subnets", "security_groups", "kms_key_arn",
    "tracing_config", "function-prefix", "packages", "schedule", "architectures",
})


def function_policy(policy_data):
    """The policy as the function needs it: deploy-only mode keys removed."""
    mode = policy_data.get("mode")
    if not isinstance(mode, dict):
        return policy_data
    return {**policy_data, "mode": {k: v for k, v in mode.items() if k not in DEPLOY_ONLY_MODE_KEYS}}


def config_json(policy_data, options=None):
    return canonical_json({"policy": function_policy(policy_data), "options": options or {}})


def _entry(name):
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3                      # unix, so the mode bits below are honoured
    info.external_attr = (0o100644 & 0xFFFF) << 16
    return info


def build(policy_data, options=None, root=ROOT):
    """Return ``(zip bytes, sha256)``; sha256 is base64, like Lambda's ``CodeSha256``."""
    entries = dict(_sources(root))
    entries["config.json"] = config_json(policy_data, options).encode("utf-8")
    entries[f"{HANDLER_MODULE}.py"] = ENTRY_SOURCE.encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(entries):
            zf.writestr(_entry(name), entries[name])
    data = buf.getvalue()
    return data, sha256_b64(data)


@functools.lru_cache(maxsize=4)
def _sources(root):
    """The runtime modules' bytes, read once per process: every policy of a deploy gets the
    same code even if the checkout changes meanwhile, and 1000 policies do not re-read it."""
    return tuple((path, _read(os.path.join(root, path))) for path in runtime_files(root))


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _read(path):
    with open(path, "rb") as fh:
        # Normalise line endings so a Windows checkout builds the same zip.
        return fh.read().replace(b"\r\n", b"\n")
